/// Column values the dataset writers share, as (CSV text, JSON text) where both are needed.
enum DatasetColumns {
    /// Every generation parameter of an image as JSON fields, for ImageFolder's metadata.
    static func parameters(of row: DatasetRow, job: Job) -> [(String, String)] {
        let task = row.task
        var fields: [(String, String)] = [
            ("id", JSONText.string(task.id)), ("negative_prompt", JSONText.string(task.negativePrompt)), ("seed", String(task.seed)),
            ("steps", String(task.steps)), ("guidance", guidance(task).1),
            ("scheduler", JSONText.string(task.scheduler.rawValue)), ("sampler", JSONText.string(task.scheduler.samplerName)),
        ]
        if job.etaApplies { fields.append(("eta", "\(task.eta)")) }
        fields += [("width", String(task.size.width)), ("height", String(task.size.height)), ("model", JSONText.string(job.modelName))]
        if let vae = job.vaeName { fields.append(("vae", JSONText.string(vae))) }
        if job.decoders.contains(where: { $0 != nil }) { fields.append(("decoder", JSONText.string(task.decoderName ?? "vae"))) }
        if !job.loras.isEmpty { fields.append(("lora", JSONText.string(task.loras.map(\.description).joined(separator: ", ")))) }
        if job.safetyChecker != nil { fields += [("image_nsfw", nsfw(row.entry).1), ("nsfw_score", score(row.entry).1)] }
        fields += [("sha256", JSONText.string(row.entry.sha256)), ("timestamp", text(row.entry.timestamp).1)]
        return fields
    }

    /// Always with a decimal point (`7.0`), so `datasets` reads every shard's column as one float type.
    static func guidance(_ task: RenderTask) -> (String, String) { ("\(task.guidance)", "\(task.guidance)") }

    static func text(_ value: String?) -> (String, String) { (value ?? "", value.map(JSONText.string) ?? "null") }

    static func nsfw(_ entry: JournalEntry) -> (String, String) {
        entry.safety.map { ("\($0.nsfw)", "\($0.nsfw)") } ?? ("", "null")
    }

    static func score(_ entry: JournalEntry) -> (String, String) {
        entry.safety.map { ("\($0.score)", "\($0.score)") } ?? ("", "null")
    }
}
