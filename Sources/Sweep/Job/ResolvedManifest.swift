import Yams

extension Job {
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
        pairs.append(("negative_prompt", text(negativePrompt)))
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
            ("scheduler", list(schedulers.map(\.rawValue))),
            ("size", list(sizes.map(\.description))),
        ]
        if !promptReplace.isEmpty { pairs.append(("prompt_replace", Node(promptReplace.map(text)))) }
        pairs.append(("eta", Node("\(eta)")))
        if batch > 1 { pairs.append(("batch", Node(String(batch)))) }
        if decoders != [nil] { pairs.append(("decoder", Node(decoders.map { text($0 ?? "vae") }))) }
        if !loras.isEmpty {
            pairs.append(("loras", Node(loras.map { lora in
                Node([("path", text(lora.path)), ("scale", list(lora.scales.map { "\($0)" }))] as [(Node, Node)])
            })))
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
