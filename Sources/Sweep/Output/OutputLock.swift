import Foundation

/// Keeps two runs out of one output folder: an exclusive `flock` on `<folder>/.lock`, held for
/// as long as this value lives and released by the OS when the process ends, however it ends
/// (a crash or SIGKILL leaves no stale lock). The file names its holder, pid and host, for the
/// message the next run gets.
public final class OutputLock {
    public static let fileName = ".lock"
    private let descriptor: Int32

    /// Creates the folder if needed and takes the lock, or throws `inUse` without writing
    /// anything when another process holds it.
    public init(folder: String) throws(OutputLockError) {
        do { try OutputFile.checkFolder(folder) } catch { throw .unusable(folder: folder, reason: "it is a file, not a folder") }
        do { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) } catch {
            throw .unusable(folder: folder, reason: PromptsFile.reason(error))
        }
        let path = URL(fileURLWithPath: folder).appendingPathComponent(Self.fileName).path
        descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw .unusable(folder: folder, reason: String(cString: strerror(errno))) }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            let error = errno
            let holder = String(decoding: FileManager.default.contents(atPath: path) ?? Data(), as: UTF8.self)
            close(descriptor)
            guard error == EWOULDBLOCK else { throw .unusable(folder: folder, reason: String(cString: strerror(error))) }
            throw .inUse(folder: folder, holder: holder.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        let holder = Data("pid \(getpid()) on host \(ProcessInfo.processInfo.hostName)\n".utf8)
        _ = ftruncate(descriptor, 0)
        _ = holder.withUnsafeBytes { pwrite(descriptor, $0.baseAddress, $0.count, 0) }
    }

    deinit { close(descriptor) }
}

public enum OutputLockError: Error, CustomStringConvertible, Equatable {
    /// `holder` is what the lock file says: "pid N on host H".
    case inUse(folder: String, holder: String)
    case unusable(folder: String, reason: String)

    public var description: String {
        switch self {
        case let .inUse(folder, holder):
            "\(folder) is in use by \(holder.isEmpty ? "another process" : holder): another sweep render writes there; "
                + "wait for it to finish or stop it"
        case let .unusable(folder, reason): "\(folder): cannot use as the output folder: \(reason)"
        }
    }
}
