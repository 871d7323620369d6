import Foundation
import StableDiffusion

extension Job {
    /// The tasks that render: the cartesian product of the axes in manifest order
    /// (`SweepAxis.expansionOrder`), each settings combination once. Made one at a time, so a
    /// job of millions of tasks starts at once and holds no list of them.
    public func tasks() -> TaskSequence { TaskSequence(job: self, unique: true) }

    /// Every cell of the product, duplicates included (a grid shows a repeated value twice).
    public func allTasks() -> TaskSequence { TaskSequence(job: self, unique: false) }

    /// 16 hex digits of the settings' SHA-256: 64 bits, so ids of a million-image job do not collide.
    static func derivedID(_ identity: String) -> String {
        String(ContentHash.hex(identity).prefix(16))
    }

    /// How many values each declared axis (`AxisCatalog.all`) has: the per-prompt product, innermost last.
    var innerAxes: [Int] { AxisCatalog.all.map { values(of: $0.axis).count } }
}

/// A job's tasks, made on demand. Two tasks with the same settings share an id and an image; in
/// `unique` mode only the first is made. Duplicates are found from the axes' values (a repeated
/// value, or a prompt block — a prompt after Prompt S/R — that repeats an earlier one), so
/// finding them keeps memory to the size of the manifest, not of the product.
public struct TaskSequence: Sequence {
    let job: Job
    let unique: Bool
    let plan: ExpansionPlan

    init(job: Job, unique: Bool) {
        self.job = job
        self.unique = unique
        plan = ExpansionPlan(job: job)
    }

    public func makeIterator() -> TaskIterator { TaskIterator(sequence: self) }

    /// How many tasks there are, counted without making them.
    public var count: Int {
        var walker = TaskBlockWalker(sequence: self)
        var total = 0
        while let block = walker.next() {
            let kept = unique ? block.keep.lazy.filter { $0 }.count : block.seeds.count
            total = total.addingSaturating(kept.multipliedSaturating(by: unique && block.derivedIDs ? plan.uniqueInner : plan.inner))
        }
        // LoRA sets differ in every id, so each set repeats the same tasks.
        return total.multipliedSaturating(by: plan.loraSets.count)
    }
}

/// What expansion works out once per job: which values of each axis repeat an earlier one, and
/// which prompt blocks occur more than once.
final class ExpansionPlan: Sendable {
    let replacements: [String]
    /// The outermost axis: each combination of the LoRAs' scales (one empty set without LoRAs).
    let loraSets: [[LoRA]]
    /// Per declared axis: its values, and the index where each value first occurs.
    let innerValues: [[String]]
    let firstIndex: [[String: Int]]
    /// How many values each declared axis has (`Job.innerAxes`), and their product.
    let innerCounts: [Int]
    let inner: Int
    /// Inner positions that make a new task (not a repeated value, not a setting that does not apply).
    let uniqueInner: Int
    /// Past this many inner positions the unique ones are counted per value, not by walking them
    /// (exact unless a setting that does not apply, such as eta without DDIM, merges some).
    static let walkedInnerLimit = 1 << 16
    /// For `seeds:` lists: whether each seed is its first occurrence.
    let seedFirst: [Bool]
    /// Hashes of block keys that occur in more than one block (a hash collision only costs memory).
    let repeatedBlocks: Set<Int>

    init(job: Job) {
        replacements = job.promptReplace.isEmpty ? [] : job.promptReplace
        loraSets = job.loraSets
        let values = AxisCatalog.all.map { job.values(of: $0.axis) }
        let first = values.map { values in
            var first: [String: Int] = [:]
            for (index, value) in values.enumerated() where first[value] == nil { first[value] = index }
            return first
        }
        (innerValues, firstIndex) = (values, first)
        let counts = job.innerAxes, product = counts.reduce(1) { $0.multipliedSaturating(by: $1) }
        (innerCounts, inner) = (counts, product)
        uniqueInner = product <= Self.walkedInnerLimit
            ? (0..<product).lazy.filter { Self.settings(at: TaskIterator.split($0, counts), values: values, firstIndex: first).isNew }.count
            : first.reduce(1) { $0.multipliedSaturating(by: $1.count) }
        if case let .values(seeds) = job.seeds {
            // Ranges and sorted lists have no repeats; only others need a set.
            seedFirst = zip(seeds, seeds.dropFirst()).allSatisfy(<) ? [Bool](repeating: true, count: seeds.count) : seeds.firstOccurrences
        } else {
            seedFirst = []
        }
        var seen = Set<Int>(), repeated = Set<Int>()
        for prompt in job.prompts {
            for text in Self.texts(of: prompt.text, replacements: replacements) {
                let key = TaskBlock.key(prompt: prompt, text: text, job: job).hashValue
                if !seen.insert(key).inserted { repeated.insert(key) }
            }
        }
        repeatedBlocks = repeated
    }

    /// The settings at an inner position, each setting that does not apply at its default, and
    /// whether the position is the first to make them (not a repeated value, nor a value that
    /// does not apply).
    static func settings(at position: [Int], values: [[String]], firstIndex: [[String: Int]]) -> (settings: [SweepAxis: String], isNew: Bool) {
        var settings: [SweepAxis: String] = [:]
        for (axis, declaration) in AxisCatalog.all.enumerated() { settings[declaration.axis] = values[axis][position[axis]] }
        var isNew = true
        for (axis, declaration) in AxisCatalog.all.enumerated() {
            var value = values[axis][position[axis]]
            if !declaration.applies(settings) {
                value = declaration.defaultValue(nil) ?? values[axis][0]
                settings[declaration.axis] = value
            }
            // A value not in the list (a default standing in) is made at the axis's first position.
            if (firstIndex[axis][value] ?? 0) != position[axis] { isNew = false }
        }
        return (settings, isNew)
    }

    func settings(at position: [Int]) -> (settings: [SweepAxis: String], isNew: Bool) {
        Self.settings(at: position, values: innerValues, firstIndex: firstIndex)
    }

    static func texts(of prompt: String, replacements: [String]) -> [String] {
        replacements.isEmpty ? [prompt] : replacements.map { prompt.replacingOccurrences(of: replacements[0], with: $0) }
    }
}

/// One prompt after Prompt S/R with its seeds: the tasks of a block are its seeds × the inner axes.
struct TaskBlock {
    /// Blocks with equal keys make the same tasks for the seeds they share. A prompt's own id
    /// numbers its tasks by position, so there the key also holds the row's seed.
    struct Key: Hashable {
        let id: String?
        let text: String
        let negative: String
        let rowSeed: UInt64?
    }

    let promptIndex: Int
    let replaceIndex: Int
    let text: String
    let seeds: [UInt64]
    /// Per seed: whether its tasks can be new (unique mode).
    let keep: [Bool]
    /// Ids derived from the settings; otherwise the prompt's own id, numbered by position.
    let derivedIDs: Bool
    /// Position of the block's first task, and of its prompt's first task, in the full product.
    let firstOrdinal: Int
    let promptFirstOrdinal: Int
    let promptTaskCount: Int

    static func key(prompt: JobPrompt, text: String, job: Job) -> Key {
        Key(id: prompt.id, text: text, negative: prompt.negativePrompt ?? job.negativePrompts.joined(separator: "\u{0}"),
            rowSeed: prompt.id == nil ? nil : prompt.seed)
    }
}

/// Walks the prompt blocks in manifest order, remembering the seeds of blocks that repeat.
struct TaskBlockWalker {
    let sequence: TaskSequence
    private var promptIndex = 0
    private var replaceIndex = 0
    /// Tasks of the full product walked so far.
    private(set) var ordinal = 0
    private var promptFirstOrdinal = 0
    private var promptSeeds: [UInt64] = []
    private var emitted: [TaskBlock.Key: Set<UInt64>] = [:]

    init(sequence: TaskSequence) {
        self.sequence = sequence
    }

    mutating func next() -> TaskBlock? {
        let job = sequence.job, plan = sequence.plan
        let blocksPerPrompt = max(plan.replacements.count, 1)
        if replaceIndex == blocksPerPrompt { promptIndex += 1; replaceIndex = 0 }
        guard promptIndex < job.prompts.count else { return nil }
        let prompt = job.prompts[promptIndex]
        if replaceIndex == 0 {
            promptSeeds = prompt.seed.map { [$0] } ?? job.seeds.seeds(for: prompt.text)
            promptFirstOrdinal = ordinal
        }
        let text = ExpansionPlan.texts(of: prompt.text, replacements: plan.replacements)[replaceIndex]
        let derived = prompt.id == nil
        var keep: [Bool]
        if !sequence.unique || !derived {
            keep = [Bool](repeating: true, count: promptSeeds.count)
        } else if prompt.seed == nil, case .values = job.seeds {
            keep = plan.seedFirst
        } else {
            keep = promptSeeds.firstOccurrences
        }
        let key = TaskBlock.key(prompt: prompt, text: text, job: job)
        if sequence.unique, plan.repeatedBlocks.contains(key.hashValue) {
            let earlier = emitted[key] ?? []
            for (s, seed) in promptSeeds.enumerated() where earlier.contains(seed) { keep[s] = false }
            emitted[key, default: []].formUnion(promptSeeds)
        }
        let blockTasks = promptSeeds.count.multipliedSaturating(by: plan.inner)
        let block = TaskBlock(promptIndex: promptIndex, replaceIndex: replaceIndex, text: text, seeds: promptSeeds, keep: keep,
                              derivedIDs: derived, firstOrdinal: ordinal, promptFirstOrdinal: promptFirstOrdinal,
                              promptTaskCount: blockTasks.multipliedSaturating(by: blocksPerPrompt))
        ordinal = ordinal.addingSaturating(blockTasks)
        replaceIndex += 1
        return block
    }
}

/// Makes the tasks of one block after another.
public struct TaskIterator: IteratorProtocol {
    private let sequence: TaskSequence
    private var walker: TaskBlockWalker
    private var loraIndex = 0
    /// Position of the current LoRA set's first task in the full product.
    private var loraFirstOrdinal = 0
    private var block: TaskBlock?
    private var seedIndex = 0
    private var innerIndex = 0

    init(sequence: TaskSequence) {
        self.sequence = sequence
        walker = TaskBlockWalker(sequence: sequence)
    }

    public mutating func next() -> RenderTask? {
        let plan = sequence.plan
        while true {
            if block == nil {
                guard let next = walker.next() else {
                    guard loraIndex + 1 < plan.loraSets.count else { return nil }
                    loraIndex += 1
                    loraFirstOrdinal = loraFirstOrdinal.addingSaturating(walker.ordinal)
                    walker = TaskBlockWalker(sequence: sequence)
                    continue
                }
                block = next
                seedIndex = 0
                innerIndex = 0
            }
            guard let current = block else { return nil }
            guard seedIndex < current.seeds.count else { block = nil; continue }
            guard !sequence.unique || current.keep[seedIndex], innerIndex < plan.inner else {
                seedIndex += 1
                innerIndex = 0
                continue
            }
            let inner = innerIndex
            innerIndex += 1
            let position = Self.split(inner, plan.innerCounts)
            let (settings, isNew) = plan.settings(at: position)
            if sequence.unique, current.derivedIDs, !isNew { continue }
            return task(current, seed: seedIndex, position, settings: settings, ordinal: current.firstOrdinal + seedIndex * plan.inner + inner)
        }
    }

    /// `position`: the indices along the declared axes (`AxisCatalog.all`).
    private func task(_ block: TaskBlock, seed s: Int, _ position: [Int], settings: [SweepAxis: String], ordinal: Int) -> RenderTask {
        let job = sequence.job, prompt = job.prompts[block.promptIndex]
        let loraSets = sequence.plan.loraSets
        var settings = settings
        if let negative = prompt.negativePrompt { settings[.negativePrompt] = negative }
        var coordinates: [SweepAxis: Int] = [.prompts: block.promptIndex, .promptReplace: block.replaceIndex, .seeds: s, .loras: loraIndex]
        for (axis, declaration) in AxisCatalog.all.enumerated() { coordinates[declaration.axis] = position[axis] }
        var task = RenderTask(id: "", index: loraFirstOrdinal.addingSaturating(ordinal), prompt: block.text, seed: block.seeds[s],
                              settings: settings, basePrompt: prompt.text, coordinates: coordinates)
        task.loras = loraSets[loraIndex]
        if var id = prompt.id {
            // A prompt's own id names one image per LoRA set.
            if loraSets.count > 1 { id += "-lora\(loraIndex + 1)" }
            task.id = block.promptTaskCount == 1 ? id : "\(id)-\(ordinal - block.promptFirstOrdinal + 1)"
        } else {
            task.id = Job.derivedID(task.identity(model: job.modelName))
        }
        return task
    }

    /// An inner position as indices along `Job.innerAxes`, the last varying fastest.
    static func split(_ index: Int, _ counts: [Int]) -> [Int] {
        var rest = index
        var parts = [Int](repeating: 0, count: counts.count)
        for axis in counts.indices.reversed() {
            parts[axis] = rest % counts[axis]
            rest /= counts[axis]
        }
        return parts
    }
}

extension Array where Element: Hashable {
    /// Whether each element is the first with its value.
    var firstOccurrences: [Bool] {
        var seen = Set<Element>()
        return map { seen.insert($0).inserted }
    }
}

extension Int {
    func multipliedSaturating(by other: Int) -> Int {
        let (product, overflow) = multipliedReportingOverflow(by: other)
        return overflow ? .max : product
    }

    func addingSaturating(_ other: Int) -> Int {
        let (sum, overflow) = addingReportingOverflow(other)
        return overflow ? .max : sum
    }
}
