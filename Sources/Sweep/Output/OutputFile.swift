import Foundation

/// Output files are written whole or not at all: a temporary file beside the target, then a rename.
public enum OutputFile {
    /// Fails unless `path`'s folder exists, so a run can stop before doing any work.
    public static func checkWritable(_ path: String) throws(OutputError) {
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw .noFolder(path: path, folder: folder)
        }
        guard FileManager.default.isWritableFile(atPath: folder) else { throw .notWritable(path: path, reason: "folder is not writable") }
    }

    public static func write(_ data: Data, to path: String) throws(OutputError) {
        do { try data.write(to: URL(fileURLWithPath: path), options: .atomic) } catch {
            throw .notWritable(path: path, reason: error.localizedDescription)
        }
    }
}
