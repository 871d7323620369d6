/// A grid laid out into pages that fit the pixel budget, drawn one page at a time on request, so a
/// caller that writes each page before asking for the next holds only one page in memory.
/// Not Sendable: it owns the FreeType handle that draws its labels.
public struct GridPages {
    let grid: ComparisonGrid
    let layout: GridLayout
    /// Each cell's side is divided by this (1: full size).
    public let shrinkFactor: Int
    let rowsPerPage: Int
    let fonts: FontRasterizer

    public var count: Int { (grid.rows + rowsPerPage - 1) / rowsPerPage }

    /// The grid rows that page `index` shows.
    public func rows(onPage index: Int) -> Range<Int> {
        index * rowsPerPage..<min((index + 1) * rowsPerPage, grid.rows)
    }

    /// Page `index` (0..<count): the column labels, then its rows.
    public func page(_ index: Int) throws(GridError) -> PNGImage {
        let rows = rows(onPage: index)
        try fonts.setPixelSize(layout.fontSize)
        var canvas = Canvas(width: layout.pageWidth, height: layout.pageHeight(rows: rows.count))
        if !layout.titleLines.isEmpty { canvas.drawLabel(layout.titleLines, centredIn: layout.titleRect, fonts: fonts) }
        for (column, lines) in layout.columnLines.enumerated() {
            canvas.drawLabel(lines, centredIn: layout.columnLabelRect(column), fonts: fonts)
        }
        for (pageRow, row) in rows.enumerated() {
            if !layout.rowLines.isEmpty {
                canvas.drawLabel(layout.rowLines[row], centredIn: layout.rowLabelRect(pageRow), fonts: fonts)
            }
            for column in 0..<grid.columns {
                let rect = layout.cellRect(row: pageRow, column: column)
                if let image = grid.cells[row * grid.columns + column] {
                    let (width, height) = (image.width / shrinkFactor, image.height / shrinkFactor)
                    canvas.draw(image, x: rect.x + (rect.width - width) / 2, y: rect.y + (rect.height - height) / 2, shrinkingBy: shrinkFactor)
                } else {
                    canvas.fill(rect, gray: GridRenderer.placeholderGray)
                }
            }
        }
        return try canvas.image()
    }
}
