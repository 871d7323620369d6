/// Why a comparison grid cannot be rendered.
public enum GridError: Error, CustomStringConvertible, Equatable {
    /// None of the font files exists; `searched` lists every path tried.
    case noFont(searched: [String])
    /// A font file exists but FreeType cannot open it (`code` is FreeType's error number).
    case unreadableFont(path: String, code: Int32)
    /// A FreeType call other than opening a face failed.
    case freeType(call: String, code: Int32)
    case noRowsOrColumns(rows: Int, columns: Int)
    case cellCount(expected: Int, got: Int)
    case labelCount(axis: String, expected: Int, got: Int)
    case negativeMargin(Int)
    case noCellImages
    /// Not even a single row of one-pixel cells with its header fits in the budget.
    case pixelBudgetTooSmall(budget: Int)

    public var description: String {
        switch self {
        case let .noFont(searched):
            "no label font found (searched \(searched.joined(separator: ", "))); install the Debian package fonts-dejavu-core (and fonts-noto-cjk for Japanese, Chinese and Korean labels, fonts-noto-color-emoji for emoji)"
        case let .unreadableFont(path, code): "\(path): FreeType cannot open this font (error \(code))"
        case let .freeType(call, code): "\(call) failed (FreeType error \(code))"
        case let .noRowsOrColumns(rows, columns): "a grid needs at least one row and one column, got \(rows)×\(columns)"
        case let .cellCount(expected, got): "a grid of \(expected) cells was given \(got) cell images"
        case let .labelCount(axis, expected, got): "\(got) \(axis) labels for \(expected) \(axis)s (give one per \(axis), or none)"
        case let .negativeMargin(margin): "grid margin \(margin) is negative"
        case .noCellImages: "every grid cell is missing, so the cell size is unknown"
        case let .pixelBudgetTooSmall(budget): "a grid pixel budget of \(budget) cannot hold even one row of the grid"
        }
    }
}
