import Foundation

/// The content hashes of a dataset job's extra models, which decide whether an earlier image's
/// embedding and safety verdict still hold.
public struct DatasetModels: Sendable {
    /// The sentence embedder's content hash and its embedding width.
    public var embedder: (sha256: String, dimension: Int)?
    /// The safety checker's content hash.
    public var checker: String?

    public init(embedder: (sha256: String, dimension: Int)? = nil, checker: String? = nil) {
        self.embedder = embedder
        self.checker = checker
    }
}

extension EmbeddingStore {
    static let fileName = "embedding-journal"
}

extension JobOutput {
    static let datasetWriters: [(DatasetFormat, any DatasetWriter)] = [
        (.kaggle, KaggleWriter()), (.imagefolder, ImageFolderWriter()), (.diffusiondb, DiffusionDBWriter()),
    ]

    /// Every dataset file from the journal, in manifest order: the formats the job names are
    /// written, those it does not are removed, so the folder never mixes two runs' rows.
    func writeDataset() throws(OutputError) {
        guard let dataset = job.dataset else { return }
        let (job, done) = (self.job, finished)
        let rows = { () -> AnySequence<DatasetRow> in
            AnySequence(job.tasks().lazy.compactMap { task -> DatasetRow? in
                guard let entry = done[task.id] else { return nil }
                let shard = dataset.shard(of: task.index)
                return DatasetRow(task: task, entry: entry, imagePath: "images/\(shard)/\(task.id).png", shard: shard,
                                  shardNumber: task.index / dataset.shardSize)
            })
        }
        let context = DatasetContext(job: job, dataset: dataset, folder: folder, rows: rows, embeddings: embeddings)
        for (format, writer) in Self.datasetWriters {
            if dataset.formats.contains(format) { try writer.write(context) } else { writer.remove(context) }
        }
    }

    /// The dataset files a finished run leaves, for the summary line.
    public var datasetFiles: [String] {
        guard let dataset = job.dataset else { return [] }
        return dataset.formats.flatMap { format -> [String] in
            switch format {
            case .kaggle: ["prompts.csv"] + (dataset.embeddings == nil ? [] : ["embeddings.csv", "embeddings.f32"])
            case .imagefolder: ["images/*/metadata.jsonl"]
            case .diffusiondb: DiffusionDBWriter.files
            }
        }
    }
}
