import Crypto
import Foundation

/// SHA-256 (swift-crypto) of bytes or of a whole file, for task ids, image checksums and model
/// hashes. Files are read in chunks, so a 4 GB checkpoint never sits in memory.
public enum ContentHash {
    public static func bytes(_ data: Data) -> [UInt8] { Array(SHA256.hash(data: data)) }

    public static func hex(_ data: Data) -> String { hex(SHA256.hash(data: data)) }

    public static func hex(_ text: String) -> String { hex(Data(text.utf8)) }

    /// The file's SHA-256, as `sha256sum` prints it (and A1111's full model hash).
    public static func hexOfFile(at path: String) throws(OutputError) -> String {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw .notReadable(path: path, reason: "cannot open it") }
        defer { try? handle.close() }
        var hasher = SHA256()
        do {
            while let chunk = try handle.read(upToCount: chunkSize), !chunk.isEmpty { hasher.update(data: chunk) }
        } catch { throw .notReadable(path: path, reason: "\(error.localizedDescription)") }
        return hex(hasher.finalize())
    }

    /// A1111's short form of a SHA-256 (`Model hash`, init images): its first 10 hex digits.
    public static func a1111Short(_ hex: String) -> String { String(hex.prefix(10)) }

    private static func hex(_ digest: SHA256.Digest) -> String {
        digest.map { String(format: "%02x", $0) }.joined()
    }

    private static let chunkSize = 4 << 20
}
