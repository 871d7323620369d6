import Foundation

/// A finished task as rank 0 records it: the PNG file's bytes and who made it how fast.
public struct RenderResult: Codable, Equatable, Sendable {
    public var taskID: String
    public var png: Data
    public var seconds: Double
    public var rank: Int
    public var host: String

    public init(taskID: String, png: Data, seconds: Double, rank: Int, host: String) {
        self.taskID = taskID
        self.png = png
        self.seconds = seconds
        self.rank = rank
        self.host = host
    }
}
