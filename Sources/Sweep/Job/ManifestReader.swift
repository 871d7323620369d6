import Foundation
import StableDiffusion
import Yams

/// Reads a YAML (or JSON) job manifest into a `Job`, finding every problem, each with its line,
/// before anything renders. Paths in the manifest are relative to its folder.
public struct ManifestReader {
    public static let keys = ["name", "model", "config", "vae", "prompts", "prompts_file", "negative_prompt", "seeds", "seeds_per_prompt",
                              "seed", "guidance", "steps", "scheduler", "size", "prompt_replace", "eta", "grid", "loras",
                              "decoder", "batch", "dataset", "safety_checker", "safety"]
    static let gridKeys = ["rows", "columns", "margin", "max_pixels"]
    /// Names users bring from AUTOMATIC1111 and diffusers, and ours for the same thing.
    static let foreignKeys = ["sampler": "scheduler", "sampler_name": "scheduler", "scheduler_name": "scheduler",
                              "cfg_scale": "guidance", "guidance_scale": "guidance", "cfg": "guidance",
                              "width": "size", "height": "size", "num_inference_steps": "steps", "steps_count": "steps",
                              "negative": "negative_prompt", "negative_prompts": "negative_prompt", "prompt": "prompts",
                              "model_id": "model", "pretrained_model_name_or_path": "model", "ckpt": "model"]
    /// A manifest is a few kilobytes; inline prompts for a dataset belong in a prompts_file.
    static let maximumBytes = 16_000_000
    static let loraKeys = ["path", "scale"]

    let folder: URL
    let values: ManifestValues

    public static func read(_ path: String) throws(ManifestError) -> Job {
        try read(path) { _ in }
    }

    /// Reads the manifest, handing each warning (a duplicate prompt merged, a prompt past CLIP's
    /// 77 tokens) to `warn`; warnings never stop a job.
    public static func read(_ path: String, warn: (ManifestProblem) -> Void) throws(ManifestError) -> Job {
        let text: String
        switch TextFile.read(path, limit: maximumBytes) {
        case let .success(read): text = read
        case let .failure(error): throw .unreadable(file: path, reason: error.reason)
        }
        if let line = ManifestNesting.firstTooDeepLine(in: text) {
            throw .invalid([ManifestProblem(file: path, line: line,
                                            message: "nested more than \(ManifestNesting.maximumDepth) levels deep; a job manifest needs a few")])
        }
        let reader = ManifestReader(folder: URL(fileURLWithPath: path).deletingLastPathComponent(), values: ManifestValues(file: path))
        let job = reader.parse(text, defaultName: URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent)
        reader.values.warnings.forEach(warn)
        guard let job, reader.values.problems.isEmpty else {
            // In file order, as a compiler lists errors; the manifest before the prompts file it names.
            let ordered = reader.values.problems.enumerated().sorted { a, b in
                let key = { (p: ManifestProblem) in (p.file == path ? 0 : 1, p.line ?? 0) }
                return key(a.element) != key(b.element) ? key(a.element) < key(b.element) : a.offset < b.offset
            }
            throw .invalid(ordered.map(\.element))
        }
        return job
    }

    func parse(_ text: String, defaultName: String) -> Job? {
        let root: Node?
        do { root = try Yams.compose(yaml: text) } catch let error as YamlError {
            values.report(line: Self.line(of: error), "not valid YAML or JSON: \(Self.problem(of: error))")
            return nil
        } catch {
            values.report(line: nil, "not valid YAML or JSON: \(error)")
            return nil
        }
        guard let root, case let .mapping(mapping) = root else {
            values.report(root, "expected a mapping of keys such as model, prompts, seeds")
            return nil
        }
        let entries = values.entries(of: mapping, known: Self.keys, what: "key", aliases: Self.foreignKeys)

        let name = entries["name"].flatMap { values.string($0, key: "name") } ?? defaultName
        if !TaskID.isValid(name) {
            values.report(entries["name"], "name '\(name)' names the output folder: expected letters, digits, '.', '_' or '-'"
                          + (entries["name"] == nil ? " (set 'name' in the manifest)" : ""))
        }
        let (model, config, vae, description, tokenizer) = readModel(entries, root: root)
        let (prompts, promptLines, promptsFile) = readPrompts(entries)
        let negativePrompt = entries["negative_prompt"].flatMap { values.string($0, key: "negative_prompt") } ?? ""
        let seeds = readSeeds(entries)
        let guidance = values.list(entries["guidance"], key: "guidance", default: [7.5]) { node in
            // Checked as a Float, the type it renders with: 1e39 is a finite Double but an infinite Float.
            values.number(node, key: "guidance").flatMap {
                Float($0).isFinite && $0 >= 0 ? Float($0) : values.reject(node, "guidance \($0): expected a finite number of 0 or more")
            }
        }
        let steps = values.list(entries["steps"], key: "steps", default: [50]) { node in
            values.integer(node, key: "steps", in: 1...1000)
        }
        let schedulers = values.list(entries["scheduler"], key: "scheduler", default: description.map { [$0.ownScheduler] } ?? []) { node in
            readScheduler(node)
        }
        let sizes = values.list(entries["size"], key: "size",
                                default: description.map { [ImageSize(width: $0.nativeImageSize, height: $0.nativeImageSize)] } ?? []) { node in
            readSize(node)
        }
        let promptReplace = values.list(entries["prompt_replace"], key: "prompt_replace", default: []) { node in
            values.string(node, key: "prompt_replace")
        }
        let eta = entries["eta"].flatMap { node in
            values.number(node, key: "eta").flatMap { (0...1).contains($0) ? Float($0) : values.reject(node, "eta \($0): expected a number from 0 to 1") }
        } ?? 0
        checkPromptReplace(promptReplace, prompts: prompts, node: entries["prompt_replace"])
        let promptsFileName = entries["prompts_file"]?.scalar?.string
        warnAboutDuplicates(prompts, lines: promptLines, file: promptsFile == nil ? nil : promptsFileName)
        if let tokenizer {
            warnAboutTruncation(prompts, lines: promptLines, file: promptsFile == nil ? nil : promptsFileName,
                                negativePrompt: (negativePrompt, entries["negative_prompt"]?.mark?.line), promptReplace: promptReplace,
                                tokenizer: tokenizer)
        }
        checkEta(eta, schedulers: schedulers, node: entries["eta"])
        let loras = values.list(entries["loras"], key: "loras", default: []) { node in readLoRA(node) }
        if let model, !loras.isEmpty, description != nil {
            do {
                try StableDiffusionModel.check(loras.map { LoRA(path: $0.path) }, against: ModelSource(model: model, config: config, vae: vae))
            } catch { values.report(entries["loras"], error.description) }
        }

        var job = Job(name: name, model: model ?? "", config: config, vae: vae, prompts: prompts, promptsFile: promptsFile, negativePrompt: negativePrompt, seeds: seeds,
                      guidance: guidance, steps: steps, schedulers: schedulers, sizes: sizes, promptReplace: promptReplace,
                      eta: eta, loras: loras, grid: nil)
        job.decoders = values.list(entries["decoder"], key: "decoder", default: [nil]) { node in readDecoder(node) }
        job.batch = entries["batch"].flatMap { values.integer($0, key: "batch", in: 1...64) } ?? 1
        job.grid = readGrid(entries["grid"], job: job)
        readDataset(entries, into: &job)
        checkIDs(job, promptLines: promptLines, promptsNode: entries["prompts_file"])
        return model == nil ? nil : job
    }

    // MARK: - Keys

    /// `model` (a diffusers folder or a .safetensors checkpoint), with the optional `config`
    /// (a single file's diffusers configs) and `vae` (a replacement VAE), as absolute paths.
    private func readModel(_ entries: [String: Node], root: Node) -> (String?, String?, String?, ModelDescription?, CLIPTokenizer?) {
        guard let node = entries["model"] else {
            values.report(root, "missing key 'model': expected the path of a diffusers model folder or a .safetensors checkpoint")
            return (nil, nil, nil, nil, nil)
        }
        func absolute(_ key: String) -> String? {
            entries[key].flatMap { values.string($0, key: key) }.map { URL(fileURLWithPath: $0, relativeTo: folder).standardizedFileURL.path }
        }
        guard let path = values.string(node, key: "model"), let model = absolute("model") else { return (nil, nil, nil, nil, nil) }
        let (config, vae) = (absolute("config"), absolute("vae"))
        // A bad config or VAE is reported on its own line.
        let checks: [(String, String?, (String) throws(ModelError) -> Void)] = [
            ("config", config, { path throws(ModelError) in _ = try StableDiffusionModel.index(path) }),
            ("vae", vae, { path throws(ModelError) in _ = try VAESource(path: path) }),
        ]
        for (key, path, check) in checks {
            guard let path, let node = entries[key] else { continue }
            do { try check(path) } catch {
                values.report(node, "\(key) '\(values.string(node, key: key) ?? path)': \(error.description)")
                return (nil, nil, nil, nil, nil)
            }
        }
        do {
            let source = try ModelSource(model: model, config: config, vae: vae)
            // The tokenizer only feeds the 77-token warnings; a model that cannot give one is
            // reported, with the reason, when it is loaded before anything is written.
            return (model, config, vae, try ModelDescription(source: source), try? source.tokenizer())
        } catch {
            values.report(node, "model '\(path)': \(error.description)")
            return (nil, nil, nil, nil, nil)
        }
    }

    private func readPrompts(_ entries: [String: Node]) -> ([JobPrompt], [Int?], String?) {
        switch (entries["prompts"], entries["prompts_file"]) {
        case let (list?, nil):
            let texts = values.list(list, key: "prompts", default: []) { node in
                values.string(node, key: "prompts").flatMap { $0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
                    ? values.reject(node, "empty prompt") : $0 }
            }
            return (texts.map { JobPrompt(text: $0) }, values.items(list).map { $0.mark?.line }, nil)
        case let (nil, fileNode?):
            guard let path = values.string(fileNode, key: "prompts_file") else { return ([], [], nil) }
            let url = URL(fileURLWithPath: path, relativeTo: folder).standardizedFileURL
            guard FileManager.default.fileExists(atPath: url.path) else {
                values.report(fileNode, "prompts_file '\(path)': no such file (looked at \(url.path))")
                return ([], [], nil)
            }
            let read = PromptsFile(name: path, url: url).read()
            values.problems += read.problems
            if read.prompts.isEmpty, read.problems.isEmpty { values.report(fileNode, "prompts_file '\(path)' holds no prompts") }
            return (read.prompts, read.lines.map { $0 }, url.path)
        case (_?, _?):
            values.report(entries["prompts_file"], "give either prompts or prompts_file, not both")
        case (nil, nil):
            values.report(line: 1, "missing key 'prompts' (a list) or 'prompts_file' (a .txt or .csv)")
        }
        return ([], [], nil)
    }

    private func readSeeds(_ entries: [String: Node]) -> SeedAxis {
        let jobSeed = entries["seed"].flatMap { values.seed($0) } ?? 0
        if let count = entries["seeds_per_prompt"] {
            if entries["seeds"] != nil { values.report(count, "give either seeds or seeds_per_prompt, not both") }
            return .perPrompt(count: values.integer(count, key: "seeds_per_prompt", in: 1...100_000) ?? 1, jobSeed: jobSeed)
        }
        guard let node = entries["seeds"] else { return .values([jobSeed]) }
        if entries["seed"] != nil { values.report(entries["seed"], "seed is the job seed for seeds_per_prompt; with seeds, leave it out") }
        let seeds = values.seedList(node)
        return .values(seeds.isEmpty ? [jobSeed] : seeds)
    }

    private func readScheduler(_ node: Node) -> SchedulerKind? {
        guard let name = values.string(node, key: "scheduler") else { return nil }
        if let kind = SchedulerKind(rawValue: name.lowercased()) { return kind }
        let names = SchedulerKind.allCases.map(\.rawValue)
        return values.reject(node, "unknown scheduler '\(name)'\(DidYouMean.hint(for: name, among: names)): expected one of "
                             + names.joined(separator: ", "))
    }

    /// `vae` (the model's own, nil) or an AutoencoderTiny folder (TAESD), made absolute.
    private func readDecoder(_ node: Node) -> String?? {
        guard let path = values.string(node, key: "decoder") else { return nil }
        if path.lowercased() == "vae" { return .some(nil) }
        let url = URL(fileURLWithPath: path, relativeTo: folder).standardizedFileURL
        do { _ = try AutoencoderTinyConfig(path: url.appendingPathComponent("config.json").path) } catch {
            return values.reject(node, "decoder '\(path)': \(error.description) (expected 'vae' or an AutoencoderTiny folder)")
        }
        return .some(url.path)
    }

    private func readSize(_ node: Node) -> ImageSize? {
        guard let text = values.scalar(node, key: "size", expected: "WIDTHxHEIGHT such as 512x768") else { return nil }
        let size = Int(text).map { ImageSize(width: $0, height: $0) } ?? ImageSize(text)
        guard let size else { return values.reject(node, "size '\(text)': expected WIDTHxHEIGHT such as 512x768") }
        do {
            try GenerationRequest.checkDimension("width", size.width)
            try GenerationRequest.checkDimension("height", size.height)
        } catch {
            return values.reject(node, "size \(text): \(error.description)")
        }
        return size
    }

    /// `{path: x.safetensors, scale: 0.8}` or `scale: [0.5, 0.8, 1]`, the file read as a LoRA now.
    private func readLoRA(_ node: Node) -> JobLoRA? {
        guard case let .mapping(mapping) = node else {
            return values.reject(node, "loras: expected entries such as {path: style.safetensors, scale: [0.5, 1]}")
        }
        let entries = values.entries(of: mapping, known: Self.loraKeys, what: "lora key")
        guard let pathNode = entries["path"] else { return values.reject(node, "loras: an entry without 'path'") }
        guard let path = values.string(pathNode, key: "lora path") else { return nil }
        let url = URL(fileURLWithPath: path, relativeTo: folder).standardizedFileURL
        let scales = values.list(entries["scale"], key: "lora scale", default: [1]) { node in
            values.number(node, key: "lora scale").flatMap { $0.isFinite ? Float($0) : values.reject(node, "lora scale \($0): expected a finite number") }
        }
        do { _ = try LoRAFile(path: url.path) } catch {
            return values.reject(pathNode, "lora '\(path)': \(error.description)")
        }
        return JobLoRA(path: url.path, scales: scales)
    }

    private func checkPromptReplace(_ replacements: [String], prompts: [JobPrompt], node: Node?) {
        guard let search = replacements.first else { return }
        if search.isEmpty { values.report(node, "prompt_replace: the first value is searched for, so it cannot be empty") }
        let missing = prompts.filter { !$0.text.contains(search) }
        if let first = missing.first, !search.isEmpty {
            values.report(node, "prompt_replace: '\(search)' is not in \(missing.count) prompt(s), e.g. '\(first.text)'")
        }
    }

    private func readGrid(_ node: Node?, job: Job) -> GridChoice? {
        guard let node else { return Self.defaultGrid(for: job) }
        if node.scalar?.string.lowercased() == "none" { return nil }
        guard case let .mapping(mapping) = node else {
            return values.reject(node, "grid: expected 'none' or a mapping with rows and/or columns")
        }
        let entries = values.entries(of: mapping, known: Self.gridKeys, what: "grid key")
        let axis = { (key: String) -> SweepAxis? in
            guard let axisNode = entries[key], let name = values.string(axisNode, key: "grid \(key)") else { return nil }
            let names = SweepAxis.allCases.map(\.rawValue)
            guard let axis = SweepAxis(rawValue: name) else {
                return values.reject(axisNode, "grid \(key): unknown axis '\(name)'\(DidYouMean.hint(for: name, among: names)): "
                                     + "expected one of \(names.joined(separator: ", "))")
            }
            guard job.count(of: axis) > 1 else {
                return values.reject(axisNode, "grid \(key): \(name) is not swept (it has one value); a grid axis needs several")
            }
            guard axis != .size else {
                return values.reject(axisNode, "grid \(key): cells of one grid share a size, so size cannot be a grid axis")
            }
            return axis
        }
        let rows = axis("rows"), columns = axis("columns")
        if entries["rows"] == nil, entries["columns"] == nil { values.report(node, "grid: give rows, columns or both (or grid: none)") }
        if let rows, rows == columns { values.report(entries["columns"], "grid: rows and columns are both \(rows.rawValue)") }
        let margin = entries["margin"].flatMap { values.integer($0, key: "grid margin", in: 0...1000) } ?? GridChoice.defaultMargin
        let maxPixels = entries["max_pixels"].flatMap { values.integer($0, key: "grid max_pixels", in: 1_000_000...4_000_000_000) }
            ?? GridChoice.defaultMaxPixels
        return GridChoice(rows: rows, columns: columns, margin: margin, maxPixels: maxPixels)
    }

    /// Without a `grid` key: the first two swept axes (size aside) as rows and columns.
    static func defaultGrid(for job: Job) -> GridChoice? {
        let swept = job.sweptAxes.filter { $0 != .size }
        switch swept.count {
        case 0: return nil
        case 1: return GridChoice(rows: nil, columns: swept[0])
        default: return GridChoice(rows: swept[0], columns: swept[1])
        }
    }

    /// Ids from a prompts file must not collide with each other or with derived ids. Only jobs
    /// that give ids are walked, so a job of millions of derived ids is not expanded here.
    private func checkIDs(_ job: Job, promptLines: [Int?], promptsNode: Node?) {
        guard job.prompts.contains(where: { $0.id != nil }) else { return }
        var identities: [String: String] = [:]
        for task in job.allTasks() {
            let identity = task.identity(model: job.modelName)
            if let earlier = identities[task.id], earlier != identity {
                let prompt = task.coordinates[.prompts] ?? 0
                let line = promptLines.indices.contains(prompt) ? promptLines[prompt] : nil
                if let line, let name = promptsNode?.scalar?.string {
                    values.problems.append(ManifestProblem(file: name, line: line, message: "id '\(task.id)' is used by two different images"))
                } else {
                    values.report(promptsNode, "id '\(task.id)' is used by two different images")
                }
                return
            }
            identities[task.id] = identity
        }
    }

    /// Only DDIM uses eta: an eta that no scheduler of the job uses would change nothing.
    private func checkEta(_ eta: Float, schedulers: [SchedulerKind], node: Node?) {
        guard eta != 0, !schedulers.isEmpty, !schedulers.contains(where: \.usesEta) else { return }
        values.report(node, "eta \(eta): only ddim uses eta, and this job's scheduler(s) "
                      + "\(schedulers.map(\.rawValue).joined(separator: ", ")) ignore it; remove eta or add ddim")
    }

    private static func line(of error: YamlError) -> Int? {
        switch error {
        case let .scanner(_, _, mark, _), let .parser(_, _, mark, _), let .composer(_, _, mark, _): mark.line
        default: nil
        }
    }

    private static func problem(of error: YamlError) -> String {
        switch error {
        case let .scanner(context, problem, _, _), let .parser(context, problem, _, _), let .composer(context, problem, _, _):
            [context?.text, problem].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: " ")
        default: "\(error)"
        }
    }
}
