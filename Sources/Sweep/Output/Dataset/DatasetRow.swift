import Foundation

/// A finished image of a dataset job as its metadata writers see it: the task, its journal
/// entry and where the image is. Rows come in manifest order.
struct DatasetRow {
    let task: RenderTask
    let entry: JournalEntry
    /// Relative to the output folder: `images/<shard>/<id>.png`.
    let imagePath: String
    /// The shard folder's name (`00000`) and number (DiffusionDB's `part_id`).
    let shard: String
    let shardNumber: Int

    var fileName: String { task.id + ".png" }
}

/// What every writer is handed: the job, its finished rows (streamed, made as they are read) and
/// where to write.
struct DatasetContext {
    let job: Job
    let dataset: DatasetChoice
    let folder: URL
    let rows: () -> AnySequence<DatasetRow>
    let embeddings: EmbeddingStore?

    func path(_ relative: String) -> String { folder.appendingPathComponent(relative).path }

    /// Removes files a writer no longer writes (a format or the embeddings dropped from the job).
    func remove(_ relatives: [String]) {
        for relative in relatives { try? FileManager.default.removeItem(atPath: path(relative)) }
    }
}

/// One dataset layout's files, written whole from the rows (temporary file, then rename).
protocol DatasetWriter: Sendable {
    /// Writes the files; `context.rows()` may be walked more than once.
    func write(_ context: DatasetContext) throws(OutputError)
    /// Removes the files it would write, when the job no longer asks for its format.
    func remove(_ context: DatasetContext)
}

/// JSON text for the metadata lines and A1111's quoted PNG-text values, written by hand so keys
/// keep a fixed order and each line is made without an encoder per field.
enum JSONText {
    /// `json.dumps(text, ensure_ascii=False)`, as Python (and so A1111) writes a string.
    static func string(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    /// One object on one line; values are already JSON text.
    static func object(_ fields: [(String, String)]) -> String {
        "{" + fields.map { string($0.0) + ": " + $0.1 }.joined(separator: ", ") + "}\n"
    }
}
