/// Renders comparison grids in AUTOMATIC1111's X/Y plot style: a white page, column labels above
/// the cells, row labels to their left, labels drawn anti-aliased with FreeType.
///
/// A grid over the pixel budget is split into pages of whole rows, each with the column labels;
/// when not even one row fits, cells are shrunk by a whole factor (box filter) until it does.
/// The same grid and fonts always give the same pixels, whatever the machine's thread count.
public struct GridRenderer: Sendable {
    /// 64 megapixels: a 192 MB page, which image viewers still open.
    public static let defaultPixelBudget = 64_000_000
    public static let placeholderGray: UInt8 = 224

    public let fonts: LabelFonts

    public init(fonts: LabelFonts) {
        self.fonts = fonts
    }

    /// The grid's pages, top to bottom; each is at most `pixelBudget` pixels.
    public func render(_ grid: ComparisonGrid, pixelBudget: Int = defaultPixelBudget) throws(GridError) -> [PNGImage] {
        let cell = try grid.validatedCellSize()
        let rasterizer = try FontRasterizer(fonts)
        let (layout, factor, rowsPerPage) = try fit(grid, cellWidth: cell.width, cellHeight: cell.height,
                                                    budget: pixelBudget, fonts: rasterizer)
        try rasterizer.setPixelSize(layout.fontSize)
        var pages: [PNGImage] = []
        for first in stride(from: 0, to: grid.rows, by: rowsPerPage) {
            let rows = first..<min(first + rowsPerPage, grid.rows)
            pages.append(try page(grid, rows: rows, layout: layout, factor: factor, fonts: rasterizer))
        }
        return pages
    }

    /// The smallest shrink factor at which one row with its header fits the budget.
    private func fit(_ grid: ComparisonGrid, cellWidth: Int, cellHeight: Int, budget: Int,
                     fonts: FontRasterizer) throws(GridError) -> (GridLayout, factor: Int, rowsPerPage: Int) {
        guard budget > 0 else { throw .pixelBudgetTooSmall(budget: budget) }
        var factor = 1
        while true {
            let (width, height) = (cellWidth / factor, cellHeight / factor)
            guard width > 0, height > 0 else { throw .pixelBudgetTooSmall(budget: budget) }
            let layout = try GridLayout(grid, cellWidth: width, cellHeight: height, fonts: fonts)
            let rows = layout.rowsPerPage(budget: budget)
            if rows > 0 { return (layout, factor, rows) }
            // A page's area falls about with the square of the factor, so jump close to the answer
            // instead of trying every factor on a huge grid; rounding down never skips past it.
            let excess = Double(layout.pageWidth) * Double(layout.pageHeight(rows: 1)) / Double(budget)
            factor = max(factor + 1, Int(Double(factor) * excess.squareRoot()))
        }
    }

    private func page(_ grid: ComparisonGrid, rows: Range<Int>, layout: GridLayout, factor: Int,
                      fonts: FontRasterizer) throws(GridError) -> PNGImage {
        var canvas = Canvas(width: layout.pageWidth, height: layout.pageHeight(rows: rows.count))
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
                    canvas.draw(image, x: rect.x, y: rect.y, shrinkingBy: factor)
                } else {
                    canvas.fill(rect, gray: Self.placeholderGray)
                }
            }
        }
        return try canvas.image()
    }
}
