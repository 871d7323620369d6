import Foundation

/// An output file written a piece at a time (a dataset's millions of rows never sit in memory),
/// to `.<name>.partial` beside the target and renamed over it by `finish`, so a crash leaves the
/// old file or the new one, as `OutputFile.write` does for files made whole in memory.
final class StreamedFile {
    let path: String
    private let partial: String
    private let handle: FileHandle
    private var buffer = Data()
    private var finished = false
    private static let flushSize = 4 << 20

    init(path: String) throws(OutputError) {
        self.path = path
        let target = URL(fileURLWithPath: path)
        partial = target.deletingLastPathComponent().appendingPathComponent("." + target.lastPathComponent + OutputFile.partialSuffix).path
        guard FileManager.default.createFile(atPath: partial, contents: nil),
              let handle = FileHandle(forWritingAtPath: partial) else {
            throw .notWritable(path: path, reason: "cannot create \(partial)")
        }
        self.handle = handle
    }

    deinit {
        // Not finished: an error stopped the writer, and the target keeps its old content.
        guard !finished else { return }
        try? handle.close()
        try? FileManager.default.removeItem(atPath: partial)
    }

    func append(_ text: String) throws(OutputError) { try append(Data(text.utf8)) }

    func append(_ data: Data) throws(OutputError) {
        buffer.append(data)
        if buffer.count >= Self.flushSize { try flush() }
    }

    private func flush() throws(OutputError) {
        do { try handle.write(contentsOf: buffer) } catch { throw .notWritable(path: path, reason: "\(error)") }
        buffer.removeAll(keepingCapacity: true)
    }

    /// Writes what is buffered and puts the file in place.
    func finish() throws(OutputError) {
        try flush()
        do { try handle.close() } catch { throw .notWritable(path: path, reason: "\(error)") }
        guard rename(partial, path) == 0 else {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(atPath: partial)
            throw .notWritable(path: path, reason: reason)
        }
        finished = true
    }
}
