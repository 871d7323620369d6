import Foundation
import StableDiffusion

/// An image-to-image start image: a PNG file decoded to RGB as diffusers' `load_image(...)`
/// gives it (Pillow's `convert("RGB")`: alpha dropped, gray and palettes expanded), with the
/// SHA-256 of its bytes, which enters the ids and text of the images made from it.
public struct InitImage: Equatable, Sendable {
    public let path: String
    public let image: RGBImage
    /// SHA-256 of the file's bytes, hex.
    public let hash: String

    /// PNGs larger than this are refused: 8192² RGBA at worst compression is far below it.
    static let sizeLimit = 512 << 20

    public init(path: String) throws(InitImageError) {
        let data: Data
        switch RegularFile.read(path, limit: Self.sizeLimit) {
        case let .success(bytes): data = bytes
        case let .failure(error): throw .unreadable(path: path, reason: error.reason)
        }
        if data.starts(with: [0xFF, 0xD8, 0xFF]) { throw .jpeg(path: path) }
        guard data.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) else { throw .notPNG(path: path) }
        let png: PNGImage
        do { png = try PNGImage(decoding: data, droppingAlpha: true, maximumSide: GenerationRequest.maximumDimension) } catch {
            if case let .tooLarge(width, height, _) = error { throw .tooLarge(path: path, width: width, height: height) }
            throw .corrupt(path: path, reason: error.description)
        }
        self.path = path
        image = RGBImage(width: png.width, height: png.height, pixels: png.pixels)
        hash = ContentHash.hex(data)
    }

    /// A1111-style short hash (10 hex digits) for PNG text, CSV and labels.
    public var shortHash: String { ContentHash.a1111Short(hash) }

    /// The file's name, for labels.
    public var name: String { URL(fileURLWithPath: path).lastPathComponent }
}

/// Why an init image cannot be used, naming the file.
public enum InitImageError: Error, CustomStringConvertible, Equatable {
    case unreadable(path: String, reason: String)
    case jpeg(path: String)
    case notPNG(path: String)
    case corrupt(path: String, reason: String)
    case tooLarge(path: String, width: Int, height: Int)
    case changed(path: String)

    public var description: String {
        switch self {
        case let .unreadable(path, reason): "init image \(path): \(reason)"
        case let .jpeg(path):
            "init image \(path): is a JPEG; sweep reads PNG init images only (no JPEG library is linked): convert it to PNG first"
        case let .notPNG(path): "init image \(path): not a PNG file (expected the PNG signature)"
        case let .corrupt(path, reason): "init image \(path): damaged PNG: \(reason)"
        case let .tooLarge(path, width, height):
            "init image \(path): \(width)×\(height) is larger than \(GenerationRequest.maximumDimension) pixels on a side"
        case let .changed(path): "init image \(path): changed since the job was read (its SHA-256 differs); run the job again"
        }
    }
}
