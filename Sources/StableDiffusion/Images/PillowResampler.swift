import Foundation

/// Pillow's `Image.resize(size, filter)` for 8-bit RGB images (libImaging/Resample.c,
/// `ImagingResample`), which transformers' PIL image processors (bicubic) and diffusers'
/// `VaeImageProcessor` (Lanczos) call: a separable convolution whose support widens by the
/// downscale factor (antialiasing), with coefficients in 22-bit fixed point and each pass rounded
/// and clipped to bytes, horizontal first.
public struct PillowResampler: Sendable {
    /// Pillow's filters we use, each with its support (in input pixels at scale 1).
    public enum Filter: Sendable {
        /// `Image.BICUBIC`: cubic convolution, a = −0.5, support 2.
        case bicubic
        /// `Image.LANCZOS`: sinc windowed by sinc(x/3), support 3.
        case lanczos

        var support: Double { self == .bicubic ? 2 : 3 }

        /// Pillow's `bicubic_filter` / `lanczos_filter`.
        func weight(_ x: Double) -> Double {
            switch self {
            case .bicubic: cubic(x)
            case .lanczos: -3 <= x && x < 3 ? sinc(x) * sinc(x / 3) : 0
            }
        }

        private func sinc(_ x: Double) -> Double {
            guard x != 0 else { return 1 }
            let angle = x * Double.pi
            return Foundation.sin(angle) / angle
        }

        private func cubic(_ x: Double) -> Double {
            let a = -0.5, x = abs(x)
            if x < 1 { return ((a + 2) * x - (a + 3)) * x * x + 1 }
            if x < 2 { return (((x - 5) * x + 8) * x - 4) * a }
            return 0
        }
    }
    /// One pass's taps: output pixel `i` reads `count[i]` inputs from `first[i]` with `weights[i]`.
    struct Taps {
        var first: [Int] = [], count: [Int] = [], weights: [[Int]] = []
    }

    static let precisionBits = 32 - 8 - 2

    public let filter: Filter

    public init(_ filter: Filter) { self.filter = filter }

    /// `image` resized to `width × height` (each at least 1).
    public func resize(_ image: RGBImage, width: Int, height: Int) -> RGBImage {
        var pixels = image.pixels, currentWidth = image.width, currentHeight = image.height
        let horizontal = taps(inSize: image.width, outSize: width)
        let vertical = taps(inSize: image.height, outSize: height)
        var verticalFirst = vertical.first
        if width != image.width {
            // Only the rows the vertical pass reads are resampled horizontally, as Pillow does.
            let firstRow = vertical.first[0], endRow = vertical.first[height - 1] + vertical.count[height - 1]
            verticalFirst = vertical.first.map { $0 - firstRow }
            pixels = Self.pass(pixels, lines: endRow - firstRow, lineOffset: firstRow, inLength: image.width,
                               outLength: width, taps: horizontal, horizontal: true)
            currentWidth = width
            currentHeight = endRow - firstRow
        }
        if height != image.height {
            var shifted = vertical
            shifted.first = verticalFirst
            pixels = Self.pass(pixels, lines: currentWidth, lineOffset: 0, inLength: currentHeight,
                               outLength: height, taps: shifted, horizontal: false)
        }
        return RGBImage(width: width, height: height, pixels: pixels)
    }

    /// Pillow's `precompute_coeffs` then `normalize_coeffs_8bpc`.
    func taps(inSize: Int, outSize: Int) -> Taps {
        let scale = Double(Float(inSize)) / Double(outSize)
        let filterScale = max(scale, 1), support = filter.support * filterScale
        var taps = Taps()
        for i in 0..<outSize {
            let center = (Double(i) + 0.5) * scale
            let first = max(Int(center - support + 0.5), 0)
            let count = min(Int(center + support + 0.5), inSize) - first
            var weights = (0..<count).map { filter.weight((Double($0 + first) - center + 0.5) * (1 / filterScale)) }
            let total = weights.reduce(0, +)
            if total != 0 { weights = weights.map { $0 / total } }
            let one = Double(1 << Self.precisionBits)
            taps.first.append(first)
            taps.count.append(count)
            taps.weights.append(weights.map { $0 < 0 ? Int(-0.5 + $0 * one) : Int(0.5 + $0 * one) })
        }
        return taps
    }

    /// One separable pass over RGB bytes: along rows when `horizontal` (each of `lines` rows from
    /// `lineOffset`), else down columns (each of `lines` columns) of a `lines`-wide image.
    static func pass(_ input: [UInt8], lines: Int, lineOffset: Int, inLength: Int, outLength: Int,
                     taps: Taps, horizontal: Bool) -> [UInt8] {
        var output = [UInt8](repeating: 0, count: lines * outLength * 3)
        let half = 1 << (precisionBits - 1), limit = 1 << (precisionBits + 8)
        for line in 0..<lines {
            for i in 0..<outLength {
                let first = taps.first[i], weights = taps.weights[i]
                for channel in 0..<3 {
                    var sum = half
                    for (k, weight) in weights.enumerated() {
                        let index = horizontal ? ((line + lineOffset) * inLength + first + k) : ((first + k) * lines + line)
                        sum += Int(input[index * 3 + channel]) * weight
                    }
                    let byte: UInt8 = sum >= limit ? 255 : sum <= 0 ? 0 : UInt8(sum >> precisionBits)
                    let out = horizontal ? (line * outLength + i) : (i * lines + line)
                    output[out * 3 + channel] = byte
                }
            }
        }
        return output
    }
}
