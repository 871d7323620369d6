import CPNG
import Foundation

/// An 8-bit RGB image, encoded and decoded through libpng.
public struct PNGImage: Equatable, Sendable {
    public let width: Int
    public let height: Int
    /// Row-major RGB triples, `width × height × 3` bytes.
    public let pixels: [UInt8]

    public init(width: Int, height: Int, pixels: [UInt8]) throws(PNGError) {
        guard width > 0, height > 0, pixels.count == width * height * 3 else {
            throw .badDimensions(width: width, height: height, bytes: pixels.count)
        }
        (self.width, self.height, self.pixels) = (width, height, pixels)
    }

    /// The PNG file bytes.
    public func encoded() throws(PNGError) -> Data {
        var image = png_image()
        image.version = swift_png_image_version()
        image.width = png_uint_32(width)
        image.height = png_uint_32(height)
        image.format = swift_png_format_rgb()
        var size: png_alloc_size_t = 0
        let stride = Int32(width * 3)
        // The first call only measures; the second writes into a buffer of that size.
        guard pixels.withUnsafeBytes({ png_image_write_to_memory(&image, nil, &size, 0, $0.baseAddress, stride, nil) }) != 0 else {
            throw .libpng(message(of: &image))
        }
        var data = Data(count: Int(size))
        let ok = data.withUnsafeMutableBytes { out in
            pixels.withUnsafeBytes { png_image_write_to_memory(&image, out.baseAddress, &size, 0, $0.baseAddress, stride, nil) }
        }
        guard ok != 0 else { throw .libpng(message(of: &image)) }
        return data.prefix(Int(size))
    }

    /// Decodes any PNG libpng reads, converting it to 8-bit RGB: alpha is composited onto black,
    /// or with `droppingAlpha` simply dropped, as Pillow's `convert("RGB")` does. An image wider
    /// or taller than `maximumSide` is refused before its pixels are allocated.
    public init(decoding data: Data, droppingAlpha: Bool = false, maximumSide: Int = .max) throws(PNGError) {
        var image = png_image()
        image.version = swift_png_image_version()
        let begun = data.withUnsafeBytes { png_image_begin_read_from_memory(&image, $0.baseAddress, $0.count) }
        guard begun != 0 else { throw .libpng(message(of: &image)) }
        let channels = droppingAlpha ? 4 : 3
        image.format = droppingAlpha ? swift_png_format_rgba() : swift_png_format_rgb()
        let (w, h) = (Int(image.width), Int(image.height))
        guard w <= maximumSide, h <= maximumSide else {
            png_image_free(&image)
            throw .tooLarge(width: w, height: h, limit: maximumSide)
        }
        var pixels = [UInt8](repeating: 0, count: w * h * channels)
        let finished = pixels.withUnsafeMutableBytes { png_image_finish_read(&image, nil, $0.baseAddress, Int32(w * channels), nil) }
        guard finished != 0 else { throw .libpng(message(of: &image)) }
        if droppingAlpha { pixels = pixels.enumerated().filter { $0.offset % 4 != 3 }.map(\.element) }
        try self.init(width: w, height: h, pixels: pixels)
    }
}

private func message(of image: inout png_image) -> String {
    withUnsafeBytes(of: &image.message) { raw in
        String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
    }
}

public enum PNGError: Error, CustomStringConvertible, Equatable {
    case badDimensions(width: Int, height: Int, bytes: Int)
    case libpng(String)
    case tooLarge(width: Int, height: Int, limit: Int)

    public var description: String {
        switch self {
        case let .badDimensions(w, h, bytes): return "image of \(w)×\(h) needs \(w * h * 3) RGB bytes, got \(bytes)"
        case let .libpng(message): return "libpng: \(message)"
        case let .tooLarge(w, h, limit): return "image of \(w)×\(h) is larger than \(limit) pixels on a side"
        }
    }
}
