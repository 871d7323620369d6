import Foundation
import Sweep
import Testing

@Suite struct GridRendererTests {
    let renderer = GridRenderer(fonts: try! LabelFonts.system())
    static let notoCJK = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"

    /// A distinct solid colour per cell index, never white, black or the placeholder gray.
    static func colour(_ index: Int) -> [UInt8] { [UInt8(40 + 20 * index), UInt8(200 - 15 * index), UInt8(90 + 7 * index)] }

    static func solid(_ width: Int, _ height: Int, _ rgb: [UInt8]) -> PNGImage {
        try! PNGImage(width: width, height: height, pixels: Array((0..<width * height).map { _ in rgb }.joined()))
    }

    static func cells(_ count: Int, width: Int = 40, height: Int = 30) -> [PNGImage?] {
        (0..<count).map { solid(width, height, colour($0)) }
    }

    static func pixels(_ image: PNGImage, x: Range<Int>, y: Range<Int>) -> [[UInt8]] {
        y.flatMap { row in x.map { column in Array(image.pixels[(row * image.width + column) * 3..<(row * image.width + column) * 3 + 3]) } }
    }

    static func darkPixels(_ image: PNGImage, x: Range<Int>, y: Range<Int>) -> Int {
        pixels(image, x: x, y: y).filter { $0.contains { $0 < 128 } }.count
    }

    static func isWhite(_ image: PNGImage, x: Range<Int>, y: Range<Int>) -> Bool {
        pixels(image, x: x, y: y).allSatisfy { $0 == [255, 255, 255] }
    }

    /// Checks each cell is copied unchanged at its place and returns the header sizes found.
    static func checkCells(_ page: PNGImage, rows: Int, columns: Int, width: Int = 40, height: Int = 30, margin: Int,
                           firstIndex: Int = 0) -> (left: Int, top: Int) {
        let left = page.width - (columns * width + (columns - 1) * margin)
        let top = page.height - (rows * height + (rows - 1) * margin)
        for row in 0..<rows {
            for column in 0..<columns {
                let (x, y) = (left + column * (width + margin), top + row * (height + margin))
                let cell = pixels(page, x: x..<x + width, y: y..<y + height)
                #expect(cell.allSatisfy { $0 == colour(firstIndex + row * columns + column) }, "cell \(row), \(column)")
            }
        }
        return (left, top)
    }

    @Test func cellsSitInRowMajorOrderMarginsApart() throws {
        let page = try #require(try renderer.render(ComparisonGrid(rows: 2, columns: 3, cells: Self.cells(6), margin: 4)).only)
        #expect((page.width, page.height) == (3 * 40 + 2 * 4, 2 * 30 + 4))
        #expect(Self.checkCells(page, rows: 2, columns: 3, margin: 4) == (0, 0))
        #expect(Self.isWhite(page, x: 40..<44, y: 0..<64))
        #expect(Self.isWhite(page, x: 0..<128, y: 30..<34))
    }

    @Test func labelsInkOnlyTheirOwnHeaderBands() throws {
        let grid = ComparisonGrid(rows: 2, columns: 3, rowLabels: ["Seed: 1", "Seed: 2"],
                                  columnLabels: ["CFG scale: 5", "CFG scale: 7.5", "CFG: 9"], cells: Self.cells(6), margin: 4)
        let page = try #require(try renderer.render(grid).only)
        let (left, top) = Self.checkCells(page, rows: 2, columns: 3, margin: 4)
        #expect(left > 0 && top > 0)
        for column in 0..<3 {
            let x = left + column * 44
            #expect(Self.darkPixels(page, x: x..<x + 40, y: 0..<top) > 20, "column label \(column)")
            #expect(Self.isWhite(page, x: x + 40..<min(x + 44, page.width), y: 0..<page.height), "margin after column \(column)")
        }
        for row in 0..<2 {
            let y = top + row * 34
            #expect(Self.darkPixels(page, x: 0..<left, y: y..<y + 30) > 20, "row label \(row)")
        }
        #expect(Self.isWhite(page, x: 0..<left, y: 0..<top), "corner")
        #expect(Self.isWhite(page, x: 0..<page.width, y: top + 30..<top + 34), "margin between rows")
    }

    @Test func oneAxisGridsOmitTheOtherHeader() throws {
        let columnsOnly = try #require(try renderer.render(ComparisonGrid(rows: 1, columns: 2, columnLabels: ["a", "b"], cells: Self.cells(2))).only)
        let (left, top) = Self.checkCells(columnsOnly, rows: 1, columns: 2, margin: 0)
        #expect(left == 0 && top > 0)
        let rowsOnly = try #require(try renderer.render(ComparisonGrid(rows: 2, columns: 1, rowLabels: ["a", "b"], cells: Self.cells(2))).only)
        let sizes = Self.checkCells(rowsOnly, rows: 2, columns: 1, margin: 0)
        #expect(sizes.left > 0 && sizes.top == 0)
    }

    @Test func aLongPromptWrapsIntoATallerHeader() throws {
        func headerHeight(_ label: String) throws -> Int {
            let page = try #require(try renderer.render(ComparisonGrid(rows: 1, columns: 1, columnLabels: [label], cells: Self.cells(1, width: 128, height: 128))).only)
            return page.height - 128
        }
        let oneLine = try headerHeight("Seed: 1")
        let prompt = "a photograph of an astronaut riding a horse on the moon, highly detailed, golden hour"
        #expect(try headerHeight(prompt) >= oneLine + 3 * 12, "at least four lines of 12-pixel text")
    }

    @Test func labelsLargerThanTinyCellsAreClippedNotFatal() throws {
        let grid = ComparisonGrid(rows: 2, columns: 2, rowLabels: ["W", "a lighthouse on a cliff at sunset"],
                                  columnLabels: ["Seed: 18446744073709551615", "富士山の夕焼け"], cells: Self.cells(4, width: 8, height: 8))
        let page = try #require(try renderer.render(grid).only)
        #expect(page.width >= 16 && page.height >= 16)
    }

    @Test func japaneseLabelsRenderWithNotoCJK() throws {
        try #require(FileManager.default.fileExists(atPath: Self.notoCJK), "fonts-noto-cjk is installed here and in CI")
        let grid = ComparisonGrid(rows: 1, columns: 1, columnLabels: ["富士山の夕焼け"], cells: Self.cells(1, width: 128, height: 64))
        let page = try #require(try renderer.render(grid).only)
        #expect(Self.darkPixels(page, x: 0..<128, y: 0..<page.height - 64) > 100)
        // Without the CJK font the characters are .notdef boxes: still no error, but other pixels.
        let latinOnly = GridRenderer(fonts: try LabelFonts.system(searching: [LabelFonts.debianPaths[0]]))
        #expect(try latinOnly.render(grid).only != page)
    }

    @Test func emojiLabelsRenderInColourWithNotoColorEmoji() throws {
        let emoji = "/usr/share/fonts/truetype/noto/NotoColorEmoji.ttf"
        try #require(FileManager.default.fileExists(atPath: emoji), "fonts-noto-color-emoji is installed by scripts/install-deps.sh")
        let grid = ComparisonGrid(rows: 1, columns: 1, columnLabels: ["a fox 🦊"], cells: Self.cells(1, width: 128, height: 64))
        let page = try #require(try renderer.render(grid).only)
        let header = Self.pixels(page, x: 0..<128, y: 0..<page.height - 64)
        // Orange fur: red well above blue, which black ink on white never gives.
        #expect(header.filter { Int($0[0]) - Int($0[2]) > 80 }.count > 10)
        let withoutEmoji = GridRenderer(fonts: try LabelFonts.system(searching: [LabelFonts.debianPaths[0]]))
        let fallback = try #require(try withoutEmoji.render(grid).only)
        #expect(Self.pixels(fallback, x: 0..<128, y: 0..<fallback.height - 64).allSatisfy { $0[0] == $0[1] && $0[1] == $0[2] })
    }

    /// The values a grid holds fixed, drawn as a title band above everything else.
    @Test func aTitleSitsAboveTheColumnLabels() throws {
        let plain = ComparisonGrid(rows: 1, columns: 2, columnLabels: ["a", "b"], cells: Self.cells(2))
        var titled = plain
        titled.title = "Steps: 16, Sampler: Euler a"
        let (without, with) = (try #require(try renderer.render(plain).only), try #require(try renderer.render(titled).only))
        let band = with.height - without.height
        #expect(band > 10 && with.width == without.width)
        #expect(Self.darkPixels(with, x: 0..<with.width, y: 0..<band) > 20)
        #expect(Self.pixels(with, x: 0..<with.width, y: band..<with.height) == Self.pixels(without, x: 0..<without.width, y: 0..<without.height))
    }

    @Test func tallGridsSplitIntoPagesThatEachKeepTheColumnLabels() throws {
        var grid = ComparisonGrid(rows: 5, columns: 2, rowLabels: (1...5).map { "Seed: \($0)" },
                                  columnLabels: ["CFG scale: 5", "CFG scale: 9"], cells: Self.cells(10), margin: 2)
        let whole = try #require(try renderer.render(grid).only)
        let top = Self.checkCells(whole, rows: 5, columns: 2, margin: 2).top
        let budget = whole.width * (top + 2 * 30 + 2)
        let pages = try renderer.render(grid, pixelBudget: budget)
        let layout = try renderer.pages(of: grid, pixelBudget: budget)
        #expect((layout.count, layout.shrinkFactor, layout.rows(onPage: 2)) == (3, 1, 4..<5))
        #expect(pages.map(\.height) == [top + 62, top + 62, top + 30])
        for (index, page) in pages.enumerated() {
            #expect(page.width * page.height <= budget)
            let rows = index == 2 ? 1 : 2
            #expect(Self.checkCells(page, rows: rows, columns: 2, margin: 2, firstIndex: index * 4).top == top)
            #expect(Self.darkPixels(page, x: 0..<page.width, y: 0..<top) > 40, "page \(index) column labels")
        }
        grid.columnLabels = []
        #expect(try renderer.render(grid, pixelBudget: budget).count == 2, "without a header, three rows fit a page")
    }

    @Test func rowsWiderThanTheBudgetAreShrunkByABoxFilter() throws {
        // Vertical black and white stripes one pixel wide average to mid gray at any even factor.
        let stripes = try PNGImage(width: 64, height: 64, pixels: (0..<64 * 64).flatMap { Array(repeating: UInt8($0 % 2 * 255), count: 3) })
        let cells = [stripes] + Self.cells(4, width: 64, height: 64).dropFirst()
        let grid = ComparisonGrid(rows: 1, columns: 4, cells: cells)
        let pages = try renderer.render(grid, pixelBudget: 4 * 64 * 64 - 1)
        #expect(try renderer.pages(of: grid, pixelBudget: 4 * 64 * 64 - 1).shrinkFactor == 2)
        let page = try #require(pages.only)
        #expect((page.width, page.height) == (128, 32))
        #expect(Self.pixels(page, x: 0..<32, y: 0..<32).allSatisfy { $0 == [128, 128, 128] })
        for column in 1..<4 {
            #expect(Self.pixels(page, x: column * 32..<column * 32 + 32, y: 0..<32).allSatisfy { $0 == Self.colour(column) })
        }
        let labelled = ComparisonGrid(rows: 2, columns: 4, rowLabels: ["1", "2"], columnLabels: ["a", "b", "c", "d"], cells: cells + cells)
        let full = try #require(try renderer.render(labelled).only)
        let budget = full.width * (full.height - 64) * 2 / 3
        let shrunk = try renderer.render(labelled, pixelBudget: budget)
        #expect(!shrunk.isEmpty && shrunk.allSatisfy { $0.width * $0.height <= budget && $0.width < full.width })
        #expect(throws: GridError.pixelBudgetTooSmall(budget: 500)) { try renderer.render(labelled, pixelBudget: 500) }
    }

    @Test func missingCellsAreGrayPlaceholders() throws {
        let page = try #require(try renderer.render(ComparisonGrid(rows: 1, columns: 2, cells: [nil] + Self.cells(2).dropFirst())).only)
        #expect(Self.pixels(page, x: 0..<40, y: 0..<30).allSatisfy { $0 == Array(repeating: GridRenderer.placeholderGray, count: 3) })
        #expect(Self.pixels(page, x: 40..<80, y: 0..<30).allSatisfy { $0 == Self.colour(1) })
    }

    /// A1111's size axis: slots as large as the largest image, smaller images centred in theirs.
    @Test func cellsOfDifferentSizesAreCentredInTheirSlots() throws {
        let mixed = [Self.solid(16, 8, [1, 2, 3]), Self.solid(20, 16, [4, 5, 6])]
        let page = try #require(try renderer.render(ComparisonGrid(rows: 1, columns: 2, cells: mixed)).only)
        #expect(page.width == 40 && page.height == 16)
        #expect(Self.pixels(page, x: 2..<18, y: 4..<12).allSatisfy { $0 == [1, 2, 3] })
        #expect(Self.pixels(page, x: 0..<2, y: 0..<16).allSatisfy { $0 == [255, 255, 255] })
        #expect(Self.pixels(page, x: 2..<18, y: 0..<4).allSatisfy { $0 == [255, 255, 255] })
        #expect(Self.pixels(page, x: 20..<40, y: 0..<16).allSatisfy { $0 == [4, 5, 6] })
    }

    @Test func inconsistentGridsAreRejected() {
        #expect(throws: GridError.cellCount(expected: 4, got: 2)) { try renderer.render(ComparisonGrid(rows: 2, columns: 2, cells: Self.cells(2))) }
        #expect(throws: GridError.labelCount(axis: "row", expected: 2, got: 1)) {
            try renderer.render(ComparisonGrid(rows: 2, columns: 1, rowLabels: ["x"], cells: Self.cells(2)))
        }
        #expect(throws: GridError.noCellImages) { try renderer.render(ComparisonGrid(rows: 1, columns: 1, cells: [nil])) }
    }

    @Test func renderingIsDeterministic() throws {
        let grid = ComparisonGrid(rows: 2, columns: 2, rowLabels: ["Seed: 1", "Seed: 2"],
                                  columnLabels: ["a long prompt about a cat", "富士山の夕焼け"], cells: Self.cells(3) + [nil], margin: 3)
        let first = try renderer.render(grid)
        let second = try GridRenderer(fonts: LabelFonts.system()).render(grid)
        #expect(first == second)
        #expect(try first.map { try $0.encoded() } == second.map { try $0.encoded() })
    }

    @Test func noFontFoundNamesThePathsAndTheDebianPackage() {
        #expect(throws: GridError.noFont(searched: ["/nonexistent/a.ttf", "/nonexistent/b.ttc"])) {
            try LabelFonts.system(searching: ["/nonexistent/a.ttf", "/nonexistent/b.ttc"])
        }
        let message = GridError.noFont(searched: ["/nonexistent/a.ttf"]).description
        #expect(message.contains("/nonexistent/a.ttf") && message.contains("fonts-dejavu-core") && !message.contains("\n"))
    }
}

extension Array {
    /// The element of a one-element array; nil otherwise, so a test expecting one page fails cleanly.
    var only: Element? { count == 1 ? first : nil }
}
