import Foundation

/// Kaggle "Stable Diffusion – Image to Prompts": `prompts.csv` (imgId,prompt) and, with
/// embeddings, `embeddings.csv` in the competition's long format (`imgId_eId,val`: each image's
/// 384 rows, eId 0…383, images in prompts.csv order, as sample_submission.csv lists them) and
/// `embeddings.f32` (the same numbers as an N × dimension little-endian float32 matrix).
struct KaggleWriter: DatasetWriter {
    static let files = ["prompts.csv", "embeddings.csv", "embeddings.f32"]

    func write(_ context: DatasetContext) throws(OutputError) {
        let prompts = try StreamedFile(path: context.path("prompts.csv"))
        try prompts.append(CSV.file([["imgId", "prompt"]]))
        for row in context.rows() { try prompts.append(CSV.record([row.task.id, row.task.prompt]) + "\r\n") }
        try prompts.finish()
        guard let store = context.embeddings else {
            context.remove(["embeddings.csv", "embeddings.f32"])
            return
        }
        let csv = try StreamedFile(path: context.path("embeddings.csv")), matrix = try StreamedFile(path: context.path("embeddings.f32"))
        try csv.append("imgId_eId,val\r\n")
        for row in context.rows() {
            guard let values = try store.embedding(of: row.task.prompt) else {
                throw .notReadable(path: store.path, reason: "no embedding recorded for the prompt of \(row.task.id)")
            }
            var lines = ""
            for (index, value) in values.enumerated() { lines += "\(row.task.id)_\(index),\(value)\r\n" }
            try csv.append(lines)
            try matrix.append(RenderResult.bytes(values))
        }
        try csv.finish()
        try matrix.finish()
    }

    func remove(_ context: DatasetContext) { context.remove(Self.files) }
}
