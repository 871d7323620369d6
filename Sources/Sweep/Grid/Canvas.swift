/// A rectangle in canvas pixels.
struct PixelRect: Equatable {
    var x, y, width, height: Int
}

/// A white RGB page that cells are copied onto and labels are drawn on.
struct Canvas {
    let width: Int
    let height: Int
    private(set) var pixels: [UInt8]

    init(width: Int, height: Int) {
        (self.width, self.height) = (width, height)
        pixels = [UInt8](repeating: 255, count: width * height * 3)
    }

    func image() throws(GridError) -> PNGImage {
        do { return try PNGImage(width: width, height: height, pixels: pixels) } catch {
            // Unreachable: the canvas always holds width × height × 3 bytes.
            preconditionFailure("canvas \(width)×\(height) holds \(pixels.count) bytes")
        }
    }

    mutating func fill(_ rect: PixelRect, gray: UInt8) {
        for y in rect.y..<rect.y + rect.height {
            let start = (y * width + rect.x) * 3
            pixels.replaceSubrange(start..<start + rect.width * 3, with: repeatElement(gray, count: rect.width * 3))
        }
    }

    /// Copies `image` with its top-left corner at (`x`, `y`), shrunk by `factor` in each direction:
    /// every output pixel is the rounded mean of a `factor × factor` block (pixels past the last
    /// whole block are dropped), so the result depends only on the input.
    mutating func draw(_ image: PNGImage, x: Int, y: Int, shrinkingBy factor: Int) {
        let (outWidth, outHeight) = (image.width / factor, image.height / factor)
        let (area, rowBytes) = (factor * factor, image.width * 3)
        pixels.withUnsafeMutableBufferPointer { page in
            image.pixels.withUnsafeBufferPointer { source in
                for outY in 0..<outHeight {
                    let pageRow = ((y + outY) * width + x) * 3
                    if factor == 1 {
                        let sourceRow = source[(outY * rowBytes)..<(outY * rowBytes + rowBytes)]
                        _ = UnsafeMutableBufferPointer(rebasing: page[pageRow..<pageRow + rowBytes]).update(fromContentsOf: sourceRow)
                        continue
                    }
                    for outX in 0..<outWidth {
                        for channel in 0..<3 {
                            var sum = 0
                            for blockY in 0..<factor {
                                let rowStart = (outY * factor + blockY) * rowBytes + outX * factor * 3 + channel
                                for blockX in 0..<factor { sum += Int(source[rowStart + blockX * 3]) }
                            }
                            page[pageRow + outX * 3 + channel] = UInt8((sum + area / 2) / area)
                        }
                    }
                }
            }
        }
    }

    /// Draws `lines` in black, each centred horizontally and the block centred vertically in `rect`;
    /// ink outside `rect` is clipped so an over-long label never spills onto a cell.
    mutating func drawLabel(_ lines: [String], centredIn rect: PixelRect, fonts: FontRasterizer) {
        let blockHeight = lines.count * fonts.lineHeight
        for (index, line) in lines.enumerated() {
            let baseline = rect.y + (rect.height - blockHeight) / 2 + index * fonts.lineHeight + fonts.ascender
            var pen = (rect.x + (rect.width - fonts.width(of: line)) / 2) << 6
            for scalar in line.unicodeScalars {
                let glyph = fonts.glyph(scalar)
                blend(glyph, x: (pen >> 6) + glyph.left, y: baseline - glyph.top, clip: rect)
                pen += glyph.advance
            }
        }
    }

    /// Darkens pixels by the glyph's coverage: black ink (or a colour glyph's colours) alpha-blended over what is there.
    private mutating func blend(_ glyph: FontRasterizer.Glyph, x: Int, y: Int, clip: PixelRect) {
        let (top, bottom) = (max(y, clip.y, 0), min(y + glyph.rows, clip.y + clip.height, height))
        let (left, right) = (max(x, clip.x, 0), min(x + glyph.width, clip.x + clip.width, width))
        // A glyph wholly outside the clip (a long label in a small cell) draws nothing.
        guard top < bottom, left < right else { return }
        let rows = top..<bottom, columns = left..<right
        for pageY in rows {
            for pageX in columns {
                let source = (pageY - y) * glyph.width + pageX - x
                let coverage = Int(glyph.coverage[source])
                guard coverage > 0 else { continue }
                let offset = (pageY * width + pageX) * 3
                for channel in 0..<3 {
                    // Black ink, or a colour glyph's premultiplied colour, over what is there.
                    let ink = glyph.rgba.isEmpty ? 0 : Int(glyph.rgba[source * 4 + channel])
                    pixels[offset + channel] = UInt8(min(255, ink + (Int(pixels[offset + channel]) * (255 - coverage) + 127) / 255))
                }
            }
        }
    }
}
