import Foundation

/// The seeds each prompt is rendered with.
public enum SeedAxis: Codable, Equatable, Sendable {
    /// The same seeds for every prompt.
    case values([UInt64])
    /// `count` seeds per prompt, derived from the job's seed and the prompt's text, so a prompt
    /// keeps its seeds when rows are added to or removed from a dataset.
    case perPrompt(count: Int, jobSeed: UInt64)

    public var count: Int {
        switch self {
        case let .values(seeds): seeds.count
        case let .perPrompt(count, _): count
        }
    }

    public func seeds(for prompt: String) -> [UInt64] {
        switch self {
        case let .values(seeds):
            return seeds
        case let .perPrompt(count, jobSeed):
            // 32 bits, so the seed means the same to torch.manual_seed and to every tool that
            // stores seeds as a 32-bit number.
            return (0..<count).map { k in
                let digest = ContentHash.bytes(Data("\(jobSeed)\u{0}\(prompt)\u{0}\(k)".utf8))
                return digest.prefix(4).reduce(0) { $0 << 8 | UInt64($1) }
            }
        }
    }
}
