import Foundation

/// A finished task as rank 0 records it: the PNG file's bytes and who made it how fast, with
/// what a dataset job adds: the prompt's sentence embedding and the safety checker's verdict.
public struct RenderResult: Codable, Equatable, Sendable {
    public var taskID: String
    public var png: Data
    public var seconds: Double
    public var rank: Int
    public var host: String
    /// The prompt's embedding as little-endian float32 bytes, so it crosses between ranks bit for bit.
    public var embedding: Data?
    public var safety: SafetyVerdict?

    public init(taskID: String, png: Data, seconds: Double, rank: Int, host: String, embedding: [Float]? = nil,
                safety: SafetyVerdict? = nil) {
        self.taskID = taskID
        self.png = png
        self.seconds = seconds
        self.rank = rank
        self.host = host
        self.embedding = embedding.map(Self.bytes)
        self.safety = safety
    }

    /// The embedding, checked: `dimension` finite numbers.
    public func embeddingValues(dimension: Int) throws(RenderResultError) -> [Float] {
        guard let embedding else { throw .missingEmbedding(task: taskID) }
        guard embedding.count == dimension * 4 else { throw .embeddingSize(task: taskID, bytes: embedding.count, expected: dimension) }
        let values = embedding.withUnsafeBytes { raw in
            (0..<dimension).map { Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 4, as: UInt32.self))) }
        }
        guard values.allSatisfy(\.isFinite) else { throw .nonFinite(task: taskID) }
        return values
    }

    static func bytes(_ values: [Float]) -> Data {
        var data = Data(capacity: values.count * 4)
        for value in values { withUnsafeBytes(of: value.bitPattern.littleEndian) { data.append(contentsOf: $0) } }
        return data
    }
}

/// diffusers' safety checker on one image: its flag and its score (the largest concept score;
/// above 0 after rounding to 3 decimals is flagged). The score crosses ranks and sits in the
/// journal as its shortest decimal text, which reads back to the same float bits.
public struct SafetyVerdict: Codable, Equatable, Sendable {
    public var nsfw: Bool
    public var score: Float

    public init(nsfw: Bool, score: Float) {
        self.nsfw = nsfw
        self.score = score
    }

    enum CodingKeys: String, CodingKey { case nsfw, score }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        nsfw = try container.decode(Bool.self, forKey: .nsfw)
        let text = try container.decode(String.self, forKey: .score)
        guard let score = Float(text), score.isFinite else {
            throw DecodingError.dataCorruptedError(forKey: .score, in: container, debugDescription: "score '\(text)': expected a finite number")
        }
        self.score = score
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(nsfw, forKey: .nsfw)
        try container.encode("\(score)", forKey: .score)
    }
}

/// A result that lacks what the job asks rank 0 to record, or carries it damaged.
public enum RenderResultError: Error, CustomStringConvertible, Equatable {
    case missingEmbedding(task: String)
    case embeddingSize(task: String, bytes: Int, expected: Int)
    case nonFinite(task: String)
    case missingSafety(task: String)

    public var description: String {
        switch self {
        case let .missingEmbedding(task): "task \(task): the result has no prompt embedding, but the job asks for embeddings"
        case let .embeddingSize(task, bytes, expected):
            "task \(task): the prompt embedding has \(bytes) bytes, expected \(expected) float32 numbers (\(expected * 4) bytes)"
        case let .nonFinite(task): "task \(task): the prompt embedding holds NaN or infinity"
        case let .missingSafety(task): "task \(task): the result has no safety checker verdict, but the job names a safety_checker"
        }
    }
}
