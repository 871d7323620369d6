import Yams

extension Job {
    /// The declared axes written in their own places above the ones declared later.
    private static let writtenAbove: Set<SweepAxis> = [.negativePrompt, .guidance, .steps, .scheduler, .size, .eta, .decoder]

    /// The manifest with every default filled in, as `job.yaml` records it; `ManifestReader`
    /// reads it back to the same job.
    public func resolvedYAML() throws(OutputError) -> String {
        let text = { (value: String) in Node(value, .implicit, .doubleQuoted) }
        let list = { (values: [String]) in Node(values.map { Node($0) }, .implicit, .flow) }
        var pairs: [(Node, Node)] = [("name", text(name)), ("model", text(model))]
        for (key, value) in [("config", config), ("vae", vae)] {
            if let value { pairs.append((Node(key), text(value))) }
        }
        if let promptsFile {
            pairs.append(("prompts_file", text(promptsFile)))
        } else {
            pairs.append(("prompts", Node(prompts.map { text($0.text) })))
        }
        let negatives = negativePrompts
        pairs.append(("negative_prompt", negatives.count == 1 ? text(negatives[0]) : Node(negatives.map(text))))
        switch seeds {
        case let .values(seeds) where seeds.count > 2 && zip(seeds, seeds.dropFirst()).allSatisfy({ $0 &+ 1 == $1 }):
            // A range stays one line, however many seeds it holds.
            pairs.append(("seeds", text("\(seeds[0])-\(seeds[seeds.count - 1])")))
        case let .values(seeds): pairs.append(("seeds", list(seeds.map(String.init))))
        case let .perPrompt(count, jobSeed): pairs += [("seeds_per_prompt", Node(String(count))), ("seed", Node(String(jobSeed)))]
        }
        pairs += [
            ("guidance", list(guidance.map { "\($0)" })),
            ("steps", list(steps.map(String.init))),
            ("scheduler", list(values(of: .scheduler))),
            ("size", list(values(of: .size))),
        ]
        if !promptReplace.isEmpty { pairs.append(("prompt_replace", Node(promptReplace.map(text)))) }
        let etas = values(of: .eta)
        pairs.append(("eta", etas.count == 1 ? Node(etas[0]) : list(etas)))
        if batch > 1 { pairs.append(("batch", Node(String(batch)))) }
        if values(of: .decoder) != ["vae"] { pairs.append(("decoder", Node(values(of: .decoder).map(text)))) }
        if !loras.isEmpty {
            pairs.append(("loras", Node(loras.map { lora in
                Node([("path", text(lora.path)), ("scale", list(lora.scales.map { "\($0)" }))] as [(Node, Node)])
            })))
        }
        // Axes declared since: written only when not at their default, so older jobs read the same.
        for declaration in AxisCatalog.all where !Self.writtenAbove.contains(declaration.axis) {
            let values = values(of: declaration.axis)
            if values.contains(where: { !declaration.isDefault($0) }) { pairs.append((Node(declaration.axis.rawValue), Node(values.map(text), .implicit, .flow))) }
        }
        if let safetyChecker { pairs += [("safety_checker", text(safetyChecker)), ("safety", Node(safety.rawValue))] }
        if let dataset {
            var datasetPairs: [(Node, Node)] = [("formats", list(dataset.formats.map(\.rawValue))), ("shard_size", Node(String(dataset.shardSize)))]
            if let embeddings = dataset.embeddings { datasetPairs.append(("embeddings", text(embeddings))) }
            pairs.append(("dataset", Node(datasetPairs)))
        }
        if let grid {
            var gridPairs: [(Node, Node)] = []
            if let rows = grid.rows { gridPairs.append(("rows", Node(rows.rawValue))) }
            if let columns = grid.columns { gridPairs.append(("columns", Node(columns.rawValue))) }
            gridPairs += [("margin", Node(String(grid.margin))), ("max_pixels", Node(String(grid.maxPixels)))]
            pairs.append(("grid", Node(gridPairs)))
        } else {
            pairs.append(("grid", "none"))
        }
        do { return try Yams.serialize(node: Node(pairs), allowUnicode: true) } catch {
            throw .notWritable(path: "job.yaml", reason: "\(error)")
        }
    }
}
