/// Where the labels and cells of a grid go on a page, for one cell size: the header row of column
/// labels on top, the label column on the left, cells `margin` pixels apart.
struct GridLayout {
    let cellWidth: Int, cellHeight: Int, margin: Int, columns: Int
    let fontSize: Int
    /// Width of the row-label column; 0 when the grid has no row labels.
    let labelColumnWidth: Int
    /// Height of the title band above everything; 0 without a title.
    let titleHeight: Int
    /// Height of the column-label row (below the title); 0 when the grid has no column labels.
    let headerHeight: Int
    /// Each label wrapped into lines (empty when that axis has no labels), and the title's lines.
    let columnLines: [[String]], rowLines: [[String]], titleLines: [String]

    /// Labels scale with the cells so a grid of large images stays legible when viewed whole.
    static func fontSize(cellWidth: Int, cellHeight: Int) -> Int { max(12, (cellWidth + cellHeight) / 32) }

    /// Wraps the labels with `fonts`, which this sets to the layout's font size.
    init(_ grid: ComparisonGrid, cellWidth: Int, cellHeight: Int, fonts: FontRasterizer) throws(GridError) {
        (self.cellWidth, self.cellHeight, margin, columns) = (cellWidth, cellHeight, grid.margin, grid.columns)
        fontSize = Self.fontSize(cellWidth: cellWidth, cellHeight: cellHeight)
        try fonts.setPixelSize(fontSize)
        let padding = fontSize / 2
        // As in AUTOMATIC1111, row labels get three quarters of a cell's width, but never so little
        // that "Seed: 1234" no longer fits on one line.
        labelColumnWidth = grid.rowLabels.isEmpty ? 0 : max(cellWidth * 3 / 4, fontSize * 6)
        let measure = { (text: String) in fonts.width(of: text) }
        // A row label taller than its cell, or a column label taller than a cell (or three lines
        // for tiny cells), has its middle elided, so its start and end both stay readable.
        let cellLines = max(1, (cellHeight - 2 * padding) / max(fonts.lineHeight, 1))
        let columnWrapper = LineWrapper(maxWidth: cellWidth - 2 * padding, measure: measure)
        columnLines = grid.columnLabels.map { columnWrapper.lines($0, maxLines: max(3, cellLines)) }
        let rowWrapper = LineWrapper(maxWidth: labelColumnWidth - 2 * padding, measure: measure)
        rowLines = grid.rowLabels.map { rowWrapper.lines($0, maxLines: cellLines) }
        let headerLines = max(1, columnLines.map(\.count).max() ?? 0)
        headerHeight = grid.columnLabels.isEmpty ? 0 : headerLines * fonts.lineHeight + 2 * padding
        let width = labelColumnWidth + grid.columns * cellWidth + (grid.columns - 1) * grid.margin
        titleLines = LineWrapper(maxWidth: width - 2 * padding, measure: measure).lines(grid.title, maxLines: 3)
        titleHeight = titleLines.isEmpty ? 0 : titleLines.count * fonts.lineHeight + 2 * padding
    }

    var pageWidth: Int { labelColumnWidth + columns * cellWidth + (columns - 1) * margin }

    func pageHeight(rows: Int) -> Int { titleHeight + headerHeight + rows * cellHeight + (rows - 1) * margin }

    /// How many rows fit on one page of at most `budget` pixels; 0 when not even one does.
    func rowsPerPage(budget: Int) -> Int {
        let tallest = budget / pageWidth
        return max(0, (tallest - titleHeight - headerHeight + margin) / (cellHeight + margin))
    }

    /// The cell in `row` (counted from the page's first row) and `column`.
    func cellRect(row: Int, column: Int) -> PixelRect {
        PixelRect(x: labelColumnWidth + column * (cellWidth + margin), y: titleHeight + headerHeight + row * (cellHeight + margin),
                  width: cellWidth, height: cellHeight)
    }

    func columnLabelRect(_ column: Int) -> PixelRect {
        PixelRect(x: cellRect(row: 0, column: column).x, y: titleHeight, width: cellWidth, height: headerHeight)
    }

    var titleRect: PixelRect { PixelRect(x: 0, y: 0, width: pageWidth, height: titleHeight) }

    func rowLabelRect(_ row: Int) -> PixelRect {
        PixelRect(x: 0, y: cellRect(row: row, column: 0).y, width: labelColumnWidth, height: cellHeight)
    }
}
