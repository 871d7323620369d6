/// Renders comparison grids in AUTOMATIC1111's X/Y plot style: a white page, column labels above
/// the cells, row labels to their left, labels drawn anti-aliased with FreeType.
///
/// A grid over the pixel budget is split into pages of whole rows, each with the column labels;
/// when not even one row fits, cells are shrunk by a whole factor (box filter) until it does.
/// The same grid and font files always give the same pixels (with the same FreeType version),
/// whichever rank or machine draws them.
public struct GridRenderer: Sendable {
    /// 64 megapixels: a 192 MB page, which image viewers still open.
    public static let defaultPixelBudget = 64_000_000
    public static let placeholderGray: UInt8 = 224

    public let fonts: LabelFonts

    public init(fonts: LabelFonts) {
        self.fonts = fonts
    }

    /// The grid's pages, top to bottom; each is at most `pixelBudget` pixels. A grid with many
    /// pages is better drawn one page at a time with `pages(of:pixelBudget:)`.
    public func render(_ grid: ComparisonGrid, pixelBudget: Int = defaultPixelBudget) throws(GridError) -> [PNGImage] {
        let pages = try pages(of: grid, pixelBudget: pixelBudget)
        var images: [PNGImage] = []
        for index in 0..<pages.count { images.append(try pages.page(index)) }
        return images
    }

    /// Checks the grid and lays it out in pages of at most `pixelBudget` pixels, drawing none yet.
    public func pages(of grid: ComparisonGrid, pixelBudget: Int = defaultPixelBudget) throws(GridError) -> GridPages {
        let cell = try grid.validatedCellSize()
        guard pixelBudget > 0 else { throw .pixelBudgetTooSmall(budget: pixelBudget) }
        let fonts = try FontRasterizer(fonts)
        var factor = 1
        while true {
            let (width, height) = (cell.width / factor, cell.height / factor)
            guard width > 0, height > 0 else { throw .pixelBudgetTooSmall(budget: pixelBudget) }
            let layout = try GridLayout(grid, cellWidth: width, cellHeight: height, fonts: fonts)
            let rows = layout.rowsPerPage(budget: pixelBudget)
            if rows > 0 { return GridPages(grid: grid, layout: layout, shrinkFactor: factor, rowsPerPage: rows, fonts: fonts) }
            // A page's area falls about with the square of the factor, so jump close to the answer
            // instead of trying every factor on a huge grid; rounding down never skips past it.
            let excess = Double(layout.pageWidth) * Double(layout.pageHeight(rows: 1)) / Double(pixelBudget)
            factor = max(factor + 1, Int(Double(factor) * excess.squareRoot()))
        }
    }
}
