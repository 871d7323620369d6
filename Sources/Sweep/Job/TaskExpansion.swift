import Foundation

extension Job {
    /// The cartesian product of the axes in manifest order (`SweepAxis.expansionOrder`). Two
    /// tasks with the same settings share an id and an image.
    public func tasks() -> [RenderTask] {
        var tasks: [RenderTask] = []
        for (p, prompt) in prompts.enumerated() {
            let seeds = prompt.seed.map { [$0] } ?? self.seeds.seeds(for: prompt.text)
            let replacements = promptReplace.isEmpty
                ? [prompt.text]
                : promptReplace.map { prompt.text.replacingOccurrences(of: promptReplace[0], with: $0) }
            let first = tasks.count
            for (r, text) in replacements.enumerated() {
                for (s, seed) in seeds.enumerated() {
                    for (g, guidance) in guidance.enumerated() {
                        for (st, steps) in steps.enumerated() {
                            for (sc, scheduler) in schedulers.enumerated() {
                                for (z, size) in sizes.enumerated() {
                                    for (d, decoder) in decoders.enumerated() {
                                        var task = RenderTask(
                                            id: "", index: tasks.count, prompt: text, negativePrompt: prompt.negativePrompt ?? negativePrompt,
                                            seed: seed, steps: steps, guidance: guidance, scheduler: scheduler, size: size, eta: eta,
                                            basePrompt: prompt.text,
                                            coordinates: [.prompts: p, .promptReplace: r, .seeds: s, .guidance: g, .steps: st,
                                                          .scheduler: sc, .size: z, .decoder: d],
                                            decoder: decoder)
                                        task.id = Self.derivedID(task.identity(model: modelName))
                                        tasks.append(task)
                                    }
                                }
                            }
                        }
                    }
                }
            }
            if let id = prompt.id {
                let count = tasks.count - first
                for i in first..<tasks.count { tasks[i].id = count == 1 ? id : "\(id)-\(i - first + 1)" }
            }
        }
        return tasks
    }

    /// The first tasks with each id: what actually renders.
    public func uniqueTasks() -> [RenderTask] {
        var seen = Set<String>()
        return tasks().filter { seen.insert($0.id).inserted }
    }

    /// 16 hex digits of the settings' SHA-256: 64 bits, so ids of a million-image job do not collide.
    static func derivedID(_ identity: String) -> String {
        String(SHA256.hex(Data(identity.utf8)).prefix(16))
    }
}
