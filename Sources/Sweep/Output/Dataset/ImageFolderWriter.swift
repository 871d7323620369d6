import Foundation

/// Hugging Face `datasets`' ImageFolder layout: `images/<shard>/metadata.jsonl` beside each
/// shard's images, one line per image with `file_name` (relative to the shard folder), `text`
/// (the prompt) and every generation parameter, so `load_dataset("imagefolder",
/// data_dir="<output>/images")` loads it as it is.
struct ImageFolderWriter: DatasetWriter {
    static let fileName = "metadata.jsonl"

    func write(_ context: DatasetContext) throws(OutputError) {
        var file: StreamedFile?
        var shard: String?
        var written = Set<String>()
        for row in context.rows() {
            if row.shard != shard {
                try file?.finish()
                shard = row.shard
                written.insert(row.shard)
                file = try StreamedFile(path: context.path("images/\(row.shard)/\(Self.fileName)"))
            }
            try file?.append(JSONText.object([("file_name", JSONText.string(row.fileName)), ("text", JSONText.string(row.task.prompt))]
                                              + DatasetColumns.parameters(of: row, job: context.job)))
        }
        try file?.finish()
        // A shard none of whose images are finished any more keeps no stale metadata.
        for name in shardFolders(context) where !written.contains(name) { context.remove(["images/\(name)/\(Self.fileName)"]) }
    }

    func remove(_ context: DatasetContext) {
        for name in shardFolders(context) { context.remove(["images/\(name)/\(Self.fileName)"]) }
    }

    private func shardFolders(_ context: DatasetContext) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: context.path("images"))) ?? []).filter { !$0.hasSuffix(".png") }
    }
}
