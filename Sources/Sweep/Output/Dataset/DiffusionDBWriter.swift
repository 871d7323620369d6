import Foundation

/// DiffusionDB's metadata table, as `metadata.csv` and `metadata.jsonl`: its columns where they
/// apply (image_name, prompt, part_id = the shard, seed, step, cfg, sampler, width, height,
/// timestamp, and image_nsfw with a safety checker), then negative_prompt, model and nsfw_score.
/// DiffusionDB's user_name and prompt_nsfw (a text classifier's score) have no counterpart.
struct DiffusionDBWriter: DatasetWriter {
    static let files = ["metadata.csv", "metadata.jsonl"]

    func write(_ context: DatasetContext) throws(OutputError) {
        let safety = context.job.safetyChecker != nil
        let columns = ["image_name", "prompt", "part_id", "seed", "step", "cfg", "sampler", "width", "height", "timestamp"]
            + (safety ? ["image_nsfw"] : []) + ["negative_prompt", "model"] + (safety ? ["nsfw_score"] : [])
        let csv = try StreamedFile(path: context.path("metadata.csv")), jsonl = try StreamedFile(path: context.path("metadata.jsonl"))
        try csv.append(CSV.record(columns) + "\r\n")
        for row in context.rows() {
            let task = row.task
            // (CSV text, JSON text) per column.
            var values: [(String, String)] = [
                (row.fileName, JSONText.string(row.fileName)), (task.prompt, JSONText.string(task.prompt)),
                (String(row.shardNumber), String(row.shardNumber)), (String(task.seed), String(task.seed)),
                (String(task.steps), String(task.steps)),
                DatasetColumns.guidance(task),
                (task.scheduler.samplerName, JSONText.string(task.scheduler.samplerName)),
                (String(task.size.width), String(task.size.width)), (String(task.size.height), String(task.size.height)),
                DatasetColumns.text(row.entry.timestamp),
            ]
            if safety { values.append(DatasetColumns.nsfw(row.entry)) }
            values += [(task.negativePrompt, JSONText.string(task.negativePrompt)), (context.job.modelName, JSONText.string(context.job.modelName))]
            if safety { values.append(DatasetColumns.score(row.entry)) }
            try csv.append(CSV.record(values.map(\.0)) + "\r\n")
            try jsonl.append(JSONText.object(zip(columns, values.map(\.1)).map { ($0, $1) }))
        }
        try csv.finish()
        try jsonl.finish()
    }

    func remove(_ context: DatasetContext) { context.remove(Self.files) }
}
