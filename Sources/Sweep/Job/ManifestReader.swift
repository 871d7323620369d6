import Foundation
import StableDiffusion
import Yams

/// Reads a YAML (or JSON) job manifest into a `Job`, finding every problem, each with its line,
/// before anything renders. Paths in the manifest are relative to its folder.
public struct ManifestReader {
    /// The keys besides the declared axes' (`AxisCatalog`).
    static let ownKeys = ["name", "model", "config", "vae", "prompts", "prompts_file", "seeds", "seeds_per_prompt",
                          "seed", "prompt_replace", "grid", "loras", "batch", "dataset", "safety_checker", "safety"]
    public static var keys: [String] { ownKeys + AxisCatalog.all.map(\.axis.rawValue) }
    static let gridKeys = ["rows", "columns", "margin", "max_pixels"]
    /// Names users bring from AUTOMATIC1111 and diffusers, and ours for the same thing.
    /// An axis's declared aliases are hints too: a manifest uses one name per setting.
    static var foreignKeys: [String: String] {
        var hints = ["scheduler_name": "scheduler", "cfg": "guidance", "width": "size", "height": "size", "steps_count": "steps",
                     "negative_prompts": "negative_prompt", "prompt": "prompts",
                     "model_id": "model", "pretrained_model_name_or_path": "model", "ckpt": "model"]
        for declaration in AxisCatalog.all {
            for alias in declaration.aliases { hints[alias] = declaration.axis.rawValue }
        }
        return hints
    }
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
        let interpolation = readInterpolation(entries)
        let (prompts, promptLines, promptsFile) = interpolation.map { ([$0.from], [$0.line], nil) }
            ?? (entries["interpolate"]?.mapping == nil ? readPrompts(entries) : ([], [], nil))
        let (seeds, randomSeeds) = readSeeds(entries)
        let promptReplace = values.list(entries["prompt_replace"], key: "prompt_replace", default: []) { node in
            values.string(node, key: "prompt_replace")
        }
        var axisValues: [SweepAxis: [String]] = [:]
        for declaration in AxisCatalog.all where !(declaration.axis == .interpolate && entries["interpolate"]?.mapping != nil) {
            axisValues[declaration.axis] = readAxis(declaration, entries, model: description)
        }
        if let interpolation { axisValues[.interpolate] = interpolation.values }
        let negativePrompts = axisValues[.negativePrompt] ?? [""]
        checkPromptReplace(promptReplace, prompts: prompts, node: entries["prompt_replace"])
        let promptsFileName = entries["prompts_file"]?.scalar?.string
        warnAboutDuplicates(prompts, lines: promptLines, file: promptsFile == nil ? nil : promptsFileName)
        // A1111's syntax reads long prompts in chunks; only plain text is truncated at 77 tokens.
        if let tokenizer, (axisValues[.promptSyntax] ?? []).contains(PromptSyntax.plain.rawValue) {
            warnAboutTruncation(prompts, lines: promptLines, file: promptsFile == nil ? nil : promptsFileName,
                                negativePrompts: (negativePrompts, entries["negative_prompt"]?.mark?.line), promptReplace: promptReplace,
                                tokenizer: tokenizer)
        }
        checkEta(axisValues[.eta] ?? [], schedulers: axisValues[.scheduler] ?? [], node: entries["eta"])
        checkStrength(axisValues[.strength] ?? [], steps: axisValues[.steps] ?? [], initImages: axisValues[.initImage] ?? [],
                      node: entries["strength"])
        checkFamily(description?.family, entries)
        checkNegativePrompts(negativePrompts, prompts: prompts, node: entries["negative_prompt"])
        checkPromptSyntax(prompts.map(\.text) + negativePrompts + (axisValues[.interpolate] ?? []).compactMap { InterpolationValue($0)?.interpolation.target },
                          syntaxes: axisValues[.promptSyntax] ?? [], node: entries["prompts"] ?? entries["interpolate"])
        let loras = values.list(entries["loras"], key: "loras", default: []) { node in readLoRA(node) }
        if let model, !loras.isEmpty, description != nil, description?.family == .sd {
            do {
                try StableDiffusionModel.check(loras.map { LoRA(path: $0.path) }, against: ModelSource(model: model, config: config, vae: vae))
            } catch { values.report(entries["loras"], error.description) }
        }

        var job = Job(name: name, model: model ?? "", config: config, vae: vae, prompts: prompts, promptsFile: promptsFile, seeds: seeds,
                      promptReplace: promptReplace, values: axisValues, loras: loras, grid: nil)
        job.randomSeedSlots = randomSeeds
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

    /// The seeds, and the positions the manifest gave as -1 (A1111's "random"), which hold 0 until
    /// `Job.drawingRandomSeeds` fills them.
    private func readSeeds(_ entries: [String: Node]) -> (SeedAxis, random: [Int]) {
        let randomJobSeed = entries["seed"].map(ManifestValues.isRandomSeed) ?? false
        let jobSeed = randomJobSeed ? 0 : entries["seed"].flatMap { values.seed($0) } ?? 0
        if let count = entries["seeds_per_prompt"] {
            if entries["seeds"] != nil { values.report(count, "give either seeds or seeds_per_prompt, not both") }
            return (.perPrompt(count: values.integer(count, key: "seeds_per_prompt", in: 1...100_000) ?? 1, jobSeed: jobSeed), randomJobSeed ? [0] : [])
        }
        guard let node = entries["seeds"] else { return (.values([jobSeed]), randomJobSeed ? [0] : []) }
        if entries["seed"] != nil { values.report(entries["seed"], "seed is the job seed for seeds_per_prompt; with seeds, leave it out") }
        let seeds = values.seedList(node)
        guard !seeds.isEmpty else { return (.values([jobSeed]), []) }
        return (.values(seeds.map { $0 ?? 0 }), seeds.indices.filter { seeds[$0] == nil })
    }

    /// A declared axis's values, each checked by its declaration; its default when the key is absent.
    private func readAxis(_ declaration: AxisDeclaration, _ entries: [String: Node], model: ModelDescription?) -> [String] {
        let key = declaration.axis.rawValue
        let context = AxisContext(folder: folder)
        return values.list(entries[key], key: key, default: declaration.defaultValue(model).map { [$0] } ?? []) { node in
            guard let text = values.scalar(node, key: key, expected: declaration.expects) else { return nil }
            switch declaration.parse(text, context) {
            case let .success(value): return value
            case let .failure(error): return values.reject(node, error.description)
            }
        }
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
            guard names.contains(name) else {
                return values.reject(axisNode, "grid \(key): unknown axis '\(name)'\(DidYouMean.hint(for: name, among: names)): "
                                     + "expected one of \(names.joined(separator: ", "))")
            }
            let axis = SweepAxis(rawValue: name)
            guard job.count(of: axis) > 1 else {
                return values.reject(axisNode, "grid \(key): \(name) is not swept (it has one value); a grid axis needs several")
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

    /// Without a `grid` key: the first two swept axes as rows and columns.
    static func defaultGrid(for job: Job) -> GridChoice? {
        let swept = job.sweptAxes
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
    private func checkEta(_ etas: [String], schedulers: [String], node: Node?) {
        guard let eta = etas.first(where: { !AxisDeclaration.eta.isDefault($0) }), !schedulers.isEmpty,
              !schedulers.contains(where: { SchedulerKind(rawValue: $0)?.usesEta ?? false }) else { return }
        values.report(node, "eta \(eta): only ddim uses eta, and this job's scheduler(s) "
                      + "\(schedulers.joined(separator: ", ")) ignore it; remove eta or add ddim")
    }

    /// A prompts file's own negative prompt replaces the job's, so it cannot also be swept.
    private func checkNegativePrompts(_ negatives: [String], prompts: [JobPrompt], node: Node?) {
        guard negatives.count > 1, let own = prompts.first(where: { $0.negativePrompt != nil }) else { return }
        values.report(node, "negative_prompt: a list cannot be swept when the prompts file gives prompts their own "
                      + "(e.g. '\(own.text)'); remove the negative_prompt column or give one negative_prompt")
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
