extension Job {
    /// A1111 draws a `-1` seed from 0..<4294967294, so it fits every tool's 32-bit seed.
    public static let randomSeedRange: Range<UInt64> = 0..<4_294_967_294

    /// The job with its `-1` seeds filled in: from `recorded` (the `job.yaml` an earlier run of it
    /// wrote) when that has the same seeds elsewhere, so a resumed run renders the same images;
    /// otherwise drawn anew. The result records them as plain seeds.
    public func drawingRandomSeeds(recorded: Job?, using generator: inout some RandomNumberGenerator) -> Job {
        guard !randomSeedSlots.isEmpty else { return self }
        var job = self
        job.randomSeedSlots = []
        switch (seeds, recorded?.seeds) {
        case let (.values(mine), .values(theirs)?) where theirs.count == mine.count
            && mine.indices.allSatisfy { randomSeedSlots.contains($0) || mine[$0] == theirs[$0] }:
            job.seeds = .values(theirs)
        case let (.perPrompt(count, _), .perPrompt(recordedCount, recordedSeed)?) where count == recordedCount:
            job.seeds = .perPrompt(count: count, jobSeed: recordedSeed)
        case (.values(var values), _):
            for slot in randomSeedSlots { values[slot] = UInt64.random(in: Self.randomSeedRange, using: &generator) }
            job.seeds = .values(values)
        case let (.perPrompt(count, _), _):
            job.seeds = .perPrompt(count: count, jobSeed: UInt64.random(in: Self.randomSeedRange, using: &generator))
        }
        return job
    }
}
