import CFreeType

/// The label fonts opened with FreeType at one pixel size, turning characters into anti-aliased
/// coverage bitmaps. Owns its FreeType library handle (FreeType handles are not thread-safe), so
/// each render makes its own and never shares it.
final class FontRasterizer {
    /// One rendered character: 8-bit coverage, `rows × width`, placed relative to the pen on the baseline.
    struct Glyph {
        var width = 0, rows = 0
        var left = 0, top = 0
        /// Horizontal advance in 26.6 fixed point, as FreeType gives it.
        var advance = 0
        var coverage: [UInt8] = []
        /// For a colour glyph (an emoji from a bitmap font): premultiplied RGBA, `rows × width`;
        /// empty for the usual coverage glyphs.
        var rgba: [UInt8] = []
    }

    private let library: FT_Library
    private var faces: [FT_Face] = []
    private var glyphs: [Unicode.Scalar: Glyph] = [:]
    private(set) var pixelSize = 0
    /// Pixels above and below the baseline that a line reserves, from the first font.
    private(set) var ascender = 0, descender = 0
    var lineHeight: Int { ascender + descender }

    init(_ fonts: LabelFonts) throws(GridError) {
        var library: FT_Library?
        let status = FT_Init_FreeType(&library)
        guard status == 0, let library else { throw .freeType(call: "FT_Init_FreeType", code: status) }
        self.library = library
        // From here deinit runs on a throw and closes whatever was opened.
        for path in fonts.paths {
            var face: FT_Face?
            let error = FT_New_Face(library, path, 0, &face)
            guard error == 0, let face else { throw .unreadableFont(path: path, code: error) }
            faces.append(face)
        }
        guard !faces.isEmpty else { throw .noFont(searched: []) }
    }

    deinit {
        for face in faces { FT_Done_Face(face) }
        FT_Done_FreeType(library)
    }

    func setPixelSize(_ size: Int) throws(GridError) {
        guard size != pixelSize else { return }
        for face in faces {
            // A colour bitmap font (Noto Color Emoji) has fixed strikes only: its first is scaled when drawn.
            let error = Self.isBitmapOnly(face) ? FT_Select_Size(face, 0) : FT_Set_Pixel_Sizes(face, 0, FT_UInt(size))
            guard error == 0 else { throw .freeType(call: "FT_Set_Pixel_Sizes(\(size))", code: error) }
        }
        pixelSize = size
        glyphs = [:]
        let metrics = faces[0].pointee.size.pointee.metrics
        ascender = (Int(metrics.ascender) + 63) >> 6
        descender = (Int(-metrics.descender) + 63) >> 6
    }

    /// Width in whole pixels of `text` set on one line.
    func width(of text: some StringProtocol) -> Int {
        (text.unicodeScalars.reduce(0) { $0 + glyph($1).advance } + 63) >> 6
    }

    func glyph(_ scalar: Unicode.Scalar) -> Glyph {
        if let cached = glyphs[scalar] { return cached }
        let glyph = render(scalar)
        glyphs[scalar] = glyph
        return glyph
    }

    private static func isBitmapOnly(_ face: FT_Face) -> Bool {
        face.pointee.face_flags & FT_Long(FT_FACE_FLAG_SCALABLE) == 0 && face.pointee.num_fixed_sizes > 0
    }

    private func render(_ scalar: Unicode.Scalar) -> Glyph {
        // The first font that has the character, else the first font's .notdef (glyph 0).
        var (face, index) = (faces[0], FT_UInt(0))
        for candidate in faces {
            let found = FT_Get_Char_Index(candidate, FT_ULong(scalar.value))
            if found != 0 { (face, index) = (candidate, found); break }
        }
        if index != 0, Self.isBitmapOnly(face) { return colourGlyph(face, index) }
        // Outlines only: embedded bitmaps could be monochrome, and labels are always anti-aliased.
        guard FT_Load_Glyph(face, index, FT_Int32(FT_LOAD_RENDER | FT_LOAD_NO_BITMAP)) == 0,
              let slot = face.pointee.glyph else { return Glyph() }
        let bitmap = slot.pointee.bitmap
        var glyph = Glyph(left: Int(slot.pointee.bitmap_left), top: Int(slot.pointee.bitmap_top),
                          advance: Int(slot.pointee.advance.x))
        guard bitmap.pixel_mode == UInt8(FT_PIXEL_MODE_GRAY.rawValue), let buffer = bitmap.buffer else { return glyph }
        (glyph.width, glyph.rows) = (Int(bitmap.width), Int(bitmap.rows))
        let pitch = Int(bitmap.pitch)
        glyph.coverage.reserveCapacity(glyph.width * glyph.rows)
        for row in 0..<glyph.rows {
            // A negative pitch means the buffer starts with the bottom row.
            let start = pitch >= 0 ? row * pitch : (glyph.rows - 1 - row) * -pitch
            glyph.coverage.append(contentsOf: UnsafeBufferPointer(start: buffer + start, count: glyph.width))
        }
        return glyph
    }

    /// A glyph of a colour bitmap font, its strike scaled to the pixel size by averaging boxes of
    /// source pixels (premultiplied BGRA in, premultiplied RGBA out).
    private func colourGlyph(_ face: FT_Face, _ index: FT_UInt) -> Glyph {
        guard FT_Load_Glyph(face, index, FT_Int32(FT_LOAD_COLOR)) == 0, let slot = face.pointee.glyph,
              slot.pointee.bitmap.pixel_mode == UInt8(FT_PIXEL_MODE_BGRA.rawValue), let buffer = slot.pointee.bitmap.buffer else { return Glyph() }
        let bitmap = slot.pointee.bitmap
        let strike = max(Int(face.pointee.size.pointee.metrics.y_ppem), 1)
        let scale = Double(pixelSize) / Double(strike)
        let (sourceWidth, sourceRows, pitch) = (Int(bitmap.width), Int(bitmap.rows), Int(bitmap.pitch))
        var glyph = Glyph(left: Int((Double(slot.pointee.bitmap_left) * scale).rounded()), top: Int((Double(slot.pointee.bitmap_top) * scale).rounded()),
                          advance: Int((Double(slot.pointee.advance.x) * scale).rounded()))
        (glyph.width, glyph.rows) = (max(1, Int((Double(sourceWidth) * scale).rounded())), max(1, Int((Double(sourceRows) * scale).rounded())))
        glyph.coverage = [UInt8](repeating: 0, count: glyph.width * glyph.rows)
        glyph.rgba = [UInt8](repeating: 0, count: glyph.width * glyph.rows * 4)
        for y in 0..<glyph.rows {
            let (y0, y1) = (y * sourceRows / glyph.rows, max(y * sourceRows / glyph.rows + 1, (y + 1) * sourceRows / glyph.rows))
            for x in 0..<glyph.width {
                let (x0, x1) = (x * sourceWidth / glyph.width, max(x * sourceWidth / glyph.width + 1, (x + 1) * sourceWidth / glyph.width))
                var sums = [0, 0, 0, 0]
                for sy in y0..<min(y1, sourceRows) {
                    for sx in x0..<min(x1, sourceWidth) {
                        let pixel = buffer + (pitch >= 0 ? sy * pitch : (sourceRows - 1 - sy) * -pitch) + sx * 4
                        // BGRA → RGBA
                        sums[0] += Int(pixel[2]); sums[1] += Int(pixel[1]); sums[2] += Int(pixel[0]); sums[3] += Int(pixel[3])
                    }
                }
                let count = max(1, (min(y1, sourceRows) - y0) * (min(x1, sourceWidth) - x0))
                for channel in 0..<4 { glyph.rgba[(y * glyph.width + x) * 4 + channel] = UInt8((sums[channel] + count / 2) / count) }
                glyph.coverage[y * glyph.width + x] = glyph.rgba[(y * glyph.width + x) * 4 + 3]
            }
        }
        return glyph
    }
}
