import Foundation

/// Output files are written whole or not at all: a temporary file beside the target, then a rename.
public enum OutputFile {
    /// Fails unless `path`'s folder exists, so a run can stop before doing any work.
    public static func checkWritable(_ path: String) throws(OutputError) {
        if isFolder(path) { throw .notWritable(path: path, reason: "it is a folder; give a file name such as \(path)/image.png") }
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw .noFolder(path: path, folder: folder)
        }
        guard FileManager.default.isWritableFile(atPath: folder) else { throw .notWritable(path: path, reason: "folder is not writable") }
    }

    /// Fails when `path` exists and is not a folder, so a job's output folder given as a file is
    /// named as such rather than failing deep inside directory creation.
    public static func checkFolder(_ path: String) throws(OutputError) {
        if FileManager.default.fileExists(atPath: path), !isFolder(path) {
            throw .notWritable(path: path, reason: "it is a file, not a folder (give --output a folder)")
        }
    }

    private static func isFolder(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
    }

    /// Writes `.<name>.partial` beside the target, then renames it over the target: a crash
    /// leaves either the old file or the new one, plus at most a partial file `removePartials` clears.
    public static func write(_ data: Data, to path: String) throws(OutputError) {
        let target = URL(fileURLWithPath: path)
        let partial = target.deletingLastPathComponent().appendingPathComponent("." + target.lastPathComponent + partialSuffix)
        do {
            try data.write(to: partial)
            guard rename(partial.path, target.path) == 0 else {
                throw CocoaError(.fileWriteUnknown, userInfo: [NSLocalizedDescriptionKey: String(cString: strerror(errno))])
            }
        } catch {
            try? FileManager.default.removeItem(at: partial)
            throw .notWritable(path: path, reason: error.localizedDescription)
        }
    }

    /// Deletes what a run killed mid-write left in `folder`.
    public static func removePartials(in folder: String) {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        for name in names where isPartial(name) {
            try? FileManager.default.removeItem(atPath: folder + "/" + name)
        }
    }

    /// Compact JSON with sorted keys, so the same value is always the same bytes.
    static func json(_ value: some Encodable) -> Data? {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try? encoder.encode(value)
    }

    static let partialSuffix = ".partial"

    /// Whether a file name is one of our partial files.
    static func isPartial(_ name: String) -> Bool { name.hasPrefix(".") && name.hasSuffix(partialSuffix) }
}
