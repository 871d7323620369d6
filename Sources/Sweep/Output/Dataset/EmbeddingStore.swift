import Foundation

/// Rank 0's record of the prompt embeddings it was sent, one per distinct prompt, so the
/// dataset files can be written again in manifest order after any run, with no embedding held in
/// memory. The file `embedding-journal` is a header (magic, dimension, the embedder's content
/// hash) and fixed-size records (the prompt's SHA-256, then its float32 numbers, little-endian),
/// appended and flushed one at a time. A record cut short by a crash is cut off when the file is
/// opened; a header for another embedder starts the file over (its prompts are embedded again).
public final class EmbeddingStore {
    public let path: String
    public let dimension: Int
    private let handle: FileHandle
    /// Record number by prompt hash: 40 bytes a prompt, the only per-prompt memory.
    private var index: [PromptKey: Int] = [:]

    static let magic = Data("SDEMBJ01".utf8)
    private var headerSize: Int { Self.magic.count + 4 + 64 }
    private var recordSize: Int { 32 + 4 * dimension }

    /// Opens (or starts) the store for embeddings of `dimension` numbers made by the model whose content hash is `embedder`.
    public init(path: String, dimension: Int, embedder: String) throws(OutputError) {
        self.path = path
        self.dimension = dimension
        var header = Self.magic
        withUnsafeBytes(of: UInt32(dimension).littleEndian) { header.append(contentsOf: $0) }
        header.append(Data(embedder.utf8.prefix(64)))
        header.append(Data(repeating: 0, count: max(0, 64 - embedder.utf8.count)))
        let existing = FileHandle(forReadingAtPath: path).flatMap { handle in
            defer { try? handle.close() }
            return try? handle.read(upToCount: header.count)
        }
        if existing != header { try OutputFile.write(header, to: path) }
        do { handle = try FileHandle(forUpdating: URL(fileURLWithPath: path)) } catch {
            throw .notWritable(path: path, reason: error.localizedDescription)
        }
        try readIndex()
    }

    deinit { try? handle.close() }

    /// Whether `prompt`'s embedding is recorded.
    public func contains(_ prompt: String) -> Bool { index[PromptKey(prompt)] != nil }

    public var count: Int { index.count }

    /// Records `values` for `prompt` unless it already is, flushed to disk before returning.
    public func append(_ values: [Float], for prompt: String) throws(OutputError) {
        let key = PromptKey(prompt)
        guard index[key] == nil else { return }
        precondition(values.count == dimension, "EmbeddingStore: checked by RenderResult.embeddingValues")
        var record = key.bytes
        record.append(RenderResult.bytes(values))
        do {
            let end = try handle.seekToEnd()
            try handle.write(contentsOf: record)
            try handle.synchronize()
            index[key] = (Int(end) - headerSize) / recordSize
        } catch { throw .notWritable(path: path, reason: "\(error)") }
    }

    /// The recorded embedding of `prompt`, read from the file.
    public func embedding(of prompt: String) throws(OutputError) -> [Float]? {
        guard let record = index[PromptKey(prompt)] else { return nil }
        let data: Data
        do {
            try handle.seek(toOffset: UInt64(headerSize + record * recordSize + 32))
            data = try handle.read(upToCount: 4 * dimension) ?? Data()
        } catch { throw .notReadable(path: path, reason: "\(error)") }
        guard data.count == 4 * dimension else { throw .notReadable(path: path, reason: "record \(record) is cut short") }
        return data.withUnsafeBytes { raw in
            (0..<dimension).map { Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 4, as: UInt32.self))) }
        }
    }

    /// Reads every whole record's key, a chunk at a time, and cuts off a torn last record.
    private func readIndex() throws(OutputError) {
        do {
            let size = Int(try handle.seekToEnd())
            let records = max(0, size - headerSize) / recordSize
            if headerSize + records * recordSize < size { try handle.truncate(atOffset: UInt64(headerSize + records * recordSize)) }
            try handle.seek(toOffset: UInt64(headerSize))
            let perChunk = max(1, (8 << 20) / recordSize)
            var record = 0
            while record < records {
                let count = min(perChunk, records - record)
                guard let chunk = try handle.read(upToCount: count * recordSize), chunk.count == count * recordSize else { break }
                for i in 0..<count {
                    let start = chunk.startIndex + i * recordSize
                    index[PromptKey(digest: chunk[start..<start + 32])] = record + i
                }
                record += count
            }
        } catch { throw .notReadable(path: path, reason: "\(error)") }
    }
}

/// A prompt's SHA-256, kept inline (no allocation per key).
struct PromptKey: Hashable {
    let a, b, c, d: UInt64

    init(_ prompt: String) { self.init(digest: Data(ContentHash.bytes(Data(prompt.utf8)))) }

    init(digest: Data) {
        let words = digest.withUnsafeBytes { raw in (0..<4).map { raw.loadUnaligned(fromByteOffset: $0 * 8, as: UInt64.self) } }
        (a, b, c, d) = (words[0], words[1], words[2], words[3])
    }

    var bytes: Data {
        var data = Data(capacity: 32)
        for word in [a, b, c, d] { withUnsafeBytes(of: word) { data.append(contentsOf: $0) } }
        return data
    }
}
