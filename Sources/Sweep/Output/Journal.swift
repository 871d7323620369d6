import Foundation

/// One finished task in the journal.
public struct JournalEntry: Codable, Equatable, Sendable {
    public var id: String
    /// Of the PNG file as written, so a truncated or altered image is found and redone.
    public var sha256: String
    public var seconds: Double
    public var rank: Int
    public var host: String
    /// The model's content hash; nil in journals written before it was recorded.
    public var model: String?
    /// What the image was made from (`JobOutput.provenance(of:)`); nil in older journals.
    public var provenance: String?
    /// When rank 0 recorded the image (UTC, ISO 8601), so rewritten dataset files keep their bytes.
    public var timestamp: String?
    /// The safety checker's verdict, and the checker's content hash it came from.
    public var safety: SafetyVerdict?
    public var checker: String?

    public init(id: String, sha256: String, seconds: Double, rank: Int, host: String, model: String? = nil, provenance: String? = nil) {
        self.id = id
        self.sha256 = sha256
        self.seconds = seconds
        self.rank = rank
        self.host = host
        self.model = model
        self.provenance = provenance
    }
}

/// The append-only record of finished tasks, one JSON object a line. A line cut short by a
/// crash does not parse and is ignored; the task it named is simply rendered again.
public struct Journal {
    public let path: String

    public init(path: String) {
        self.path = path
    }

    /// The last entry for each id.
    public func entries() -> [String: JournalEntry] {
        guard let data = FileManager.default.contents(atPath: path) else { return [:] }
        var entries: [String: JournalEntry] = [:]
        for line in data.split(separator: UInt8(ascii: "\n")) {
            guard let entry = try? JSONDecoder().decode(JournalEntry.self, from: Data(line)) else { continue }
            entries[entry.id] = entry
        }
        return entries
    }

    /// Appends one line and flushes it to disk before returning, so a recorded task stays recorded.
    public func append(_ entry: JournalEntry) throws(OutputError) {
        guard var line = OutputFile.json(entry) else { throw .notWritable(path: path, reason: "cannot encode the entry for \(entry.id)") }
        do {
            line.append(UInt8(ascii: "\n"))
            if !FileManager.default.fileExists(atPath: path) { _ = FileManager.default.createFile(atPath: path, contents: nil) }
            let handle = try FileHandle(forUpdating: URL(fileURLWithPath: path))
            defer { try? handle.close() }
            let end = try handle.seekToEnd()
            // A line cut short by a crash must not swallow this one.
            if end > 0 {
                try handle.seek(toOffset: end - 1)
                if try handle.read(upToCount: 1) != Data([UInt8(ascii: "\n")]) { line.insert(UInt8(ascii: "\n"), at: 0) }
            }
            try handle.write(contentsOf: line)
            try handle.synchronize()
        } catch { throw .notWritable(path: path, reason: "\(error)") }
    }

    /// Forgets every finished task (`--force`).
    public func reset() throws(OutputError) {
        try OutputFile.write(Data(), to: path)
    }
}
