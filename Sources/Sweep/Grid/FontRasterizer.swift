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
            let error = FT_Set_Pixel_Sizes(face, 0, FT_UInt(size))
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

    private func render(_ scalar: Unicode.Scalar) -> Glyph {
        // The first font that has the character, else the first font's .notdef (glyph 0).
        var (face, index) = (faces[0], FT_UInt(0))
        for candidate in faces {
            let found = FT_Get_Char_Index(candidate, FT_ULong(scalar.value))
            if found != 0 { (face, index) = (candidate, found); break }
        }
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
}
