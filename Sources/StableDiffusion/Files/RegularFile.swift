import Foundation

/// Files a user names (weights, configs, manifests, prompts) are read only when they are regular
/// files: a FIFO would block `open()` for ever and `/dev/zero` never ends, so anything else is
/// refused, by what it is, before it is opened.
public enum RegularFile {
    /// Why `path` cannot be read as a file, or nil when it is a regular file.
    public static func problem(_ path: String) -> String? {
        var info = stat()
        guard stat(path, &info) == 0 else {
            return errno == ENOENT || errno == ENOTDIR ? "no such file" : String(cString: strerror(errno))
        }
        switch info.st_mode & S_IFMT {
        case S_IFREG: return nil
        case S_IFDIR: return "is a folder, not a file"
        case S_IFIFO: return "is a named pipe (FIFO), not a regular file"
        case S_IFCHR: return "is a character device, not a regular file"
        case S_IFBLK: return "is a block device, not a regular file"
        case S_IFSOCK: return "is a socket, not a regular file"
        default: return "is not a regular file"
        }
    }

    /// The whole file, when it is a regular file of at most `limit` bytes; otherwise the reason.
    public static func read(_ path: String, limit: Int) -> Result<Data, RegularFileError> {
        if let problem = problem(path) { return .failure(RegularFileError(reason: problem)) }
        guard let handle = FileHandle(forReadingAtPath: path) else {
            return .failure(RegularFileError(reason: access(path, R_OK) == 0 ? "cannot open it" : "permission denied"))
        }
        defer { try? handle.close() }
        do {
            // One byte past the limit tells "exactly at the limit" from "longer".
            let data = try handle.read(upToCount: limit + 1) ?? Data()
            guard data.count <= limit else {
                return .failure(RegularFileError(reason: "is larger than \(limit / 1_000_000) MB, more than such a file ever needs"))
            }
            return .success(data)
        } catch {
            return .failure(RegularFileError(reason: (error as NSError).localizedFailureReason ?? "read failed"))
        }
    }
}

/// Why a file cannot be read; callers put the path and what the file is for around `reason`.
public struct RegularFileError: Error, Equatable, CustomStringConvertible {
    public let reason: String
    public var description: String { reason }

    public init(reason: String) {
        self.reason = reason
    }
}
