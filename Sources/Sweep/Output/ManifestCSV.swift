/// `manifest.csv` (one row per image, manifest order) and, for dataset builds, Kaggle's
/// "Stable Diffusion – Image to Prompts" style `prompts.csv` (`imgId,prompt`).
public enum ManifestCSV {
    public static let columns = ["image", "id", "prompt", "negative_prompt", "seed", "steps", "guidance", "scheduler",
                                 "width", "height", "model", "vae", "sha256", "seconds", "rank", "host"]

    /// Rows for the tasks that have journal entries; `seconds`, `rank` and `host` describe the run,
    /// every other column depends on the task alone.
    /// `vae` is a replacement VAE's name, empty for the model's own.
    public static func manifest(tasks: [RenderTask], entries: [String: JournalEntry], model: String, vae: String = "") -> String {
        let rows = tasks.compactMap { task -> [String]? in
            guard let entry = entries[task.id] else { return nil }
            return [JobOutput.imagePath(task.id), task.id, task.prompt, task.negativePrompt, String(task.seed), String(task.steps),
                    GenerationParameters.format(guidance: task.guidance), task.scheduler.rawValue, String(task.size.width),
                    String(task.size.height), model, vae, entry.sha256, String(format: "%.3f", entry.seconds), String(entry.rank), entry.host]
        }
        return CSV.file([columns] + rows)
    }

    public static func prompts(tasks: [RenderTask]) -> String {
        CSV.file([["imgId", "prompt"]] + tasks.map { [$0.id, $0.prompt] })
    }
}
