/// Which swept axes lay out each comparison grid; every other swept axis gives one grid per value.
public struct GridChoice: Codable, Equatable, Sendable {
    public var rows: SweepAxis?
    public var columns: SweepAxis?
    /// Pixels between cells.
    public var margin: Int
    /// Larger grids are split into pages by rows, or scaled down.
    public var maxPixels: Int

    public static let defaultMargin = 0
    public static let defaultMaxPixels = 64_000_000

    public init(rows: SweepAxis?, columns: SweepAxis?, margin: Int = defaultMargin, maxPixels: Int = defaultMaxPixels) {
        self.rows = rows
        self.columns = columns
        self.margin = margin
        self.maxPixels = maxPixels
    }
}
