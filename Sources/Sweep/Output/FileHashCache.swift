import Foundation

/// SHA-256s of big files, remembered by path, size, modification and change time and inode, so
/// a rerun does not read gigabytes of weights again. Anything that rewrites a file moves its
/// change time (which no tool can set back), so a stale hash is never reused. Kept in
/// `$XDG_CACHE_HOME/diffusionsweep/file-hashes.json` (default `~/.cache/…`); a cache that cannot
/// be read or written only costs the hashing.
public final class FileHashCache {
    struct Entry: Codable, Equatable {
        var size: Int64
        var modified: Int64
        var changed: Int64
        var inode: UInt64
        var sha256: String
    }

    public let path: String?
    private var entries: [String: Entry]
    private var dirty = false

    public init(path: String?) {
        self.path = path
        entries = path.flatMap { FileManager.default.contents(atPath: $0) }
            .flatMap { try? JSONDecoder().decode([String: Entry].self, from: $0) } ?? [:]
    }

    /// The user's cache file, or nil when there is no home folder to put it in.
    public static func userCache() -> FileHashCache {
        let environment = ProcessInfo.processInfo.environment
        let base = environment["XDG_CACHE_HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? environment["HOME"].map { $0 + "/.cache" }
        return FileHashCache(path: base.map { $0 + "/diffusionsweep/file-hashes.json" })
    }

    /// The file's SHA-256, hashed only when the cache has no entry for this exact file.
    public func sha256(of path: String, hashing: (String) -> Void = { _ in }) throws(OutputError) -> String {
        let key = URL(fileURLWithPath: path).standardizedFileURL.path
        let stamp = try Self.stamp(path)
        if let entry = entries[key], entry.size == stamp.size, entry.modified == stamp.modified, entry.changed == stamp.changed,
           entry.inode == stamp.inode {
            return entry.sha256
        }
        hashing(path)
        var entry = stamp
        entry.sha256 = try ContentHash.hexOfFile(at: path)
        // The file changed while it was read: hash it again next time.
        if try Self.stamp(path) == stamp { entries[key] = entry; dirty = true }
        return entry.sha256
    }

    /// Writes the cache back when it learned something; failures are ignored (see the type's comment).
    public func save() {
        guard dirty, let path else { return }
        guard let data = OutputFile.json(entries) else { return }
        try? FileManager.default.createDirectory(atPath: URL(fileURLWithPath: path).deletingLastPathComponent().path,
                                                 withIntermediateDirectories: true)
        if (try? OutputFile.write(data, to: path)) != nil { dirty = false }
    }

    private static func stamp(_ path: String) throws(OutputError) -> Entry {
        var info = stat()
        guard stat(path, &info) == 0 else { throw .notReadable(path: path, reason: String(cString: strerror(errno))) }
        guard info.st_mode & S_IFMT == S_IFREG else { throw .notReadable(path: path, reason: "not a regular file") }
        let nanoseconds = { (time: timespec) in Int64(time.tv_sec) * 1_000_000_000 + Int64(time.tv_nsec) }
        return Entry(size: Int64(info.st_size), modified: nanoseconds(info.st_mtim), changed: nanoseconds(info.st_ctim),
                     inode: UInt64(info.st_ino), sha256: "")
    }
}
