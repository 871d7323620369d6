import Foundation

/// The font files labels are drawn with, in fallback order: each character comes from the first
/// font that has a glyph for it, so a Latin font first keeps Latin text in its own design and a
/// CJK font after it supplies Japanese, Chinese and Korean. Face 0 of a collection (.ttc) is used.
public struct LabelFonts: Sendable, Equatable {
    /// Where Debian's fonts-dejavu-core, fonts-noto-cjk and fonts-noto-color-emoji put their
    /// regular faces (face 0 of the Noto CJK collection is the Japanese one; the emoji font is
    /// colour bitmaps, scaled to the label size).
    public static let debianPaths = [
        "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
        "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
        "/usr/share/fonts/truetype/noto/NotoSansCJK-Regular.ttc",
        "/usr/share/fonts/truetype/noto/NotoColorEmoji.ttf",
    ]

    /// Existing font files, in fallback order.
    public let paths: [String]

    /// The fonts among `searching` (default: `debianPaths`) that exist, in that order. Only finding
    /// none is an error: a missing CJK or emoji font just leaves those characters as the Latin
    /// font's .notdef box, a visible fallback.
    public static func system(searching candidates: [String]? = nil) throws(GridError) -> LabelFonts {
        let searched = candidates ?? debianPaths
        let found = searched.filter { FileManager.default.isReadableFile(atPath: $0) }
        guard !found.isEmpty else { throw .noFont(searched: searched) }
        return LabelFonts(paths: found)
    }
}
