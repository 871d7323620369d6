/// What a comparison grid shows, in AUTOMATIC1111's X/Y plot style: cells in row-major order,
/// one label per column above the cells and one per row to their left.
public struct ComparisonGrid: Sendable {
    public var rows: Int
    public var columns: Int
    /// One per row, or empty for a grid with no row axis (then no label column is drawn).
    public var rowLabels: [String]
    /// One per column, or empty for a grid with no column axis (then no header row is drawn).
    public var columnLabels: [String]
    /// `rows × columns` images in row-major order; `nil` marks a missing image, drawn as a gray
    /// placeholder. Images may differ in size: each is centred in a slot of the largest size.
    public var cells: [PNGImage?]
    /// Pixels between neighbouring cells (not around the edges).
    public var margin: Int
    /// A line above the grid, e.g. the values of the axes the grid holds fixed; empty for none.
    public var title: String

    public init(rows: Int, columns: Int, rowLabels: [String] = [], columnLabels: [String] = [],
                cells: [PNGImage?], margin: Int = 0, title: String = "") {
        (self.rows, self.columns, self.rowLabels, self.columnLabels) = (rows, columns, rowLabels, columnLabels)
        (self.cells, self.margin, self.title) = (cells, margin, title)
    }

    /// Checks the grid is consistent and returns the size of a cell's slot: the widest and tallest
    /// image (as A1111 does for a size axis, smaller images sit centred in their slots).
    func validatedCellSize() throws(GridError) -> (width: Int, height: Int) {
        guard rows > 0, columns > 0 else { throw .noRowsOrColumns(rows: rows, columns: columns) }
        // Checked multiplication: absurd row and column counts are an error, not a crash.
        let (count, overflow) = rows.multipliedReportingOverflow(by: columns)
        guard !overflow, cells.count == count else { throw .cellCount(expected: count, got: cells.count) }
        guard rowLabels.isEmpty || rowLabels.count == rows else { throw .labelCount(axis: "row", expected: rows, got: rowLabels.count) }
        guard columnLabels.isEmpty || columnLabels.count == columns else {
            throw .labelCount(axis: "column", expected: columns, got: columnLabels.count)
        }
        guard margin >= 0 else { throw .negativeMargin(margin) }
        let images = cells.compactMap { $0 }
        guard !images.isEmpty else { throw .noCellImages }
        return (images.map(\.width).max() ?? 0, images.map(\.height).max() ?? 0)
    }
}
