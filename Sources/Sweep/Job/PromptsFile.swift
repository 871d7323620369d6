import Foundation

/// A `prompts_file`: a .txt with one prompt a line, or a .csv with a `prompt` column and
/// optional `negative_prompt`, `seed` and `id` columns (other columns are ignored, so a
/// dataset's CSV can be used as it is).
struct PromptsFile {
    /// The name problems are reported under, as the manifest spells it.
    let name: String
    let url: URL

    /// A million long prompts fit in far less.
    static let maximumBytes = 1_000_000_000

    func read() -> (prompts: [JobPrompt], lines: [Int], problems: [ManifestProblem]) {
        let text: String
        switch TextFile.read(url.path, limit: Self.maximumBytes) {
        case let .success(read): text = read
        case let .failure(error): return ([], [], [problem(nil, "cannot read the prompts file: \(error.reason)")])
        }
        switch url.pathExtension.lowercased() {
        case "txt": return readLines(text)
        case "csv": return readCSV(text)
        default: return ([], [], [problem(nil, "prompts_file must end in .txt or .csv")])
        }
    }

    private func readLines(_ text: String) -> (prompts: [JobPrompt], lines: [Int], problems: [ManifestProblem]) {
        var prompts: [JobPrompt] = [], lines: [Int] = []
        for (number, line) in TextFile.lines(text).enumerated() {
            let prompt = line.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !prompt.isEmpty else { continue }
            prompts.append(JobPrompt(text: prompt))
            lines.append(number + 1)
        }
        return (prompts, lines, [])
    }

    private func readCSV(_ text: String) -> (prompts: [JobPrompt], lines: [Int], problems: [ManifestProblem]) {
        let records: [CSV.Record]
        do { records = try CSV.parse(text) } catch { return ([], [], [ManifestProblem(file: name, line: nil, message: error.description)]) }
        guard let header = records.first else { return ([], [], [problem(nil, "the CSV is empty; expected a header row with a 'prompt' column")]) }
        let columns = header.fields.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        guard let promptColumn = columns.firstIndex(of: "prompt") else {
            return ([], [], [problem(header.line, "no 'prompt' column in the header (found: \(columns.joined(separator: ", ")))")])
        }
        let column = { (name: String) in columns.firstIndex(of: name) }
        var prompts: [JobPrompt] = [], lines: [Int] = [], problems: [ManifestProblem] = []
        for record in records.dropFirst() where record.fields != [""] {
            // A comma in an unquoted prompt shifts every later column: never guess which was meant.
            guard record.fields.count == columns.count else {
                problems.append(problem(record.line, "\(record.fields.count) field(s) but the header has \(columns.count)"
                                        + (record.fields.count > columns.count ? " (quote a prompt that holds a comma)" : "")))
                continue
            }
            let value = { (index: Int?) -> String? in index.flatMap { $0 < record.fields.count ? record.fields[$0] : nil } }
            guard let text = value(promptColumn), !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
                problems.append(problem(record.line, "empty prompt"))
                continue
            }
            var prompt = JobPrompt(text: text)
            if let negative = value(column("negative_prompt")), !negative.isEmpty { prompt.negativePrompt = negative }
            if let seed = value(column("seed")), !seed.isEmpty {
                if let parsed = UInt64(seed.trimmingCharacters(in: .whitespaces)) { prompt.seed = parsed } else {
                    problems.append(problem(record.line, "seed '\(seed)': expected a whole number from 0 to \(UInt64.max)"))
                }
            }
            if let id = value(column("id")), !id.isEmpty {
                if TaskID.isValid(id) { prompt.id = id } else { problems.append(problem(record.line, TaskID.invalidMessage(id))) }
            }
            prompts.append(prompt)
            lines.append(record.line)
        }
        return (prompts, lines, problems)
    }

    private func problem(_ line: Int?, _ message: String) -> ManifestProblem {
        ManifestProblem(file: name, line: line, message: message)
    }

    static func reason(_ error: any Error) -> String {
        (error as NSError).localizedFailureReason ?? (error as NSError).localizedDescription
    }
}
