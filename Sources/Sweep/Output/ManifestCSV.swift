/// `manifest.csv` (one row per image, manifest order) and, for dataset builds, Kaggle's
/// "Stable Diffusion – Image to Prompts" style `prompts.csv` (`imgId,prompt`).
public enum ManifestCSV {
    /// Columns for settings a job leaves at their defaults are left out, so older readers see the same file.
    public static func columns(eta: Bool, vae: Bool = false, decoder: Bool = false, lora: Bool = false, axes: [AxisDeclaration] = [],
                               safety: Bool = false) -> [String] {
        var columns = ["image", "id", "prompt", "negative_prompt", "seed", "steps", "guidance", "scheduler"] + (eta ? ["eta"] : [])
        columns += ["width", "height", "model"] + (vae ? ["vae"] : []) + (decoder ? ["decoder"] : [])
        columns += ["sha256", "seconds", "rank", "host"] + (lora ? ["lora"] : [])
        return columns + axes.compactMap(\.csvColumn) + (safety ? ["image_nsfw", "nsfw_score"] : [])
    }

    /// Rows for the tasks that have journal entries; `seconds`, `rank` and `host` describe the run,
    /// every other column depends on the task alone. An `eta` column follows `scheduler` when
    /// eta changes some image of the job (DDIM with eta ≠ 0); a `vae` column follows `model` when
    /// the job replaces the model's VAE; a `decoder` column (TAESD folder name, or `vae`) follows
    /// them when the job sweeps decoders; a `lora` column (`name:scale, …`) ends the row when the
    /// job has LoRAs; then a column for each declared axis with a CSV column that the job sets
    /// to something other than its default (`Job.csvAxes`); `image_nsfw` and `nsfw_score` end it
    /// when the job names a safety checker.
    public static func manifest(tasks: some Sequence<RenderTask>, entries: [String: JournalEntry], model: String, eta: Bool,
                                vae: String? = nil, decoder: Bool = false, lora: Bool = false, axes: [AxisDeclaration] = [],
                                safety: Bool = false, imagePath: @escaping (RenderTask) -> String = { JobOutput.imagePath($0.id) }) -> String {
        let rows = tasks.lazy.compactMap { task -> [String]? in
            guard let entry = entries[task.id] else { return nil }
            var row = [imagePath(task), task.id, task.prompt, task.negativePrompt, String(task.seed), String(task.steps),
                       GenerationParameters.format(guidance: task.guidance), task.scheduler.rawValue]
            if eta { row.append("\(task.eta)") }
            row += [String(task.size.width), String(task.size.height), model]
            if let vae { row.append(vae) }
            if decoder { row.append(task.decoderName ?? "vae") }
            row += [entry.sha256, String(format: "%.3f", entry.seconds), String(entry.rank), entry.host]
            if lora { row.append(task.loras.map(\.description).joined(separator: ", ")) }
            row += axes.map { $0.display(task.value($0.axis)) }
            if safety { row += [entry.safety.map { "\($0.nsfw)" } ?? "", entry.safety.map { "\($0.score)" } ?? ""] }
            return row
        }
        return CSV.file([columns(eta: eta, vae: vae != nil, decoder: decoder, lora: lora, axes: axes, safety: safety)] + Array(rows))
    }

    public static func prompts(tasks: some Sequence<RenderTask>) -> String {
        CSV.file([["imgId", "prompt"]] + tasks.map { [$0.id, $0.prompt] })
    }
}
