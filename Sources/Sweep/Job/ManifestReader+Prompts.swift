import StableDiffusion
import Yams

/// The manifest's prompt interpolation and the checks of A1111 prompt syntax.
extension ManifestReader {
    static let interpolateKeys = ["from", "to", "steps", "method"]

    /// `interpolate: {from: TEXT, to: TEXT, steps: N, method: slerp|lerp}`: the `from` text is the
    /// job's prompt and the `interpolate` axis holds the N points from 0 to 1. nil when the key is
    /// absent or a list (the canonical values `job.yaml` records, read as any axis).
    func readInterpolation(_ entries: [String: Node]) -> (from: JobPrompt, line: Int?, values: [String])? {
        guard let node = entries["interpolate"], case let .mapping(mapping) = node else { return nil }
        let keys = values.entries(of: mapping, known: Self.interpolateKeys, what: "interpolate key")
        if entries["prompts"] != nil || entries["prompts_file"] != nil {
            values.report(node, "interpolate: its 'from' is the prompt; leave out prompts and prompts_file")
        }
        func text(_ key: String) -> String? {
            guard let textNode = keys[key] else { return values.reject(node, "interpolate: missing '\(key)' (the prompt to go \(key))") }
            guard let text = values.string(textNode, key: "interpolate \(key)") else { return nil }
            return text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty ? values.reject(textNode, "interpolate \(key): empty prompt") : text
        }
        let (from, to) = (text("from"), text("to"))
        guard let stepsNode = keys["steps"] else { return values.reject(node, "interpolate: missing 'steps' (the number of images, 2 or more)") }
        let steps = values.integer(stepsNode, key: "interpolate steps", in: 2...10_000)
        var method = PromptInterpolation.Method.slerp
        if let methodNode = keys["method"], let name = values.string(methodNode, key: "interpolate method") {
            guard let named = PromptInterpolation.Method(rawValue: name.lowercased()) else {
                return values.reject(methodNode, "interpolate method '\(name)': expected slerp or lerp")
            }
            method = named
        }
        guard let from, let to, let steps else { return nil }
        return (JobPrompt(text: from), keys["from"]?.mark?.line, InterpolationValue.values(to: to, steps: steps, method: method))
    }

    /// Under A1111's syntax a weight that is not a number stops the prompt (as it stops A1111):
    /// reported with the manifest before anything renders.
    func checkPromptSyntax(_ texts: [String], syntaxes: [String], node: Node?) {
        guard syntaxes.contains(PromptSyntax.a1111.rawValue) else { return }
        for text in Set(texts) {
            do { _ = try PromptAttention.parse(text) } catch {
                values.report(node, "'\(text)': \(error.description) (or prompt_syntax: plain)")
                return
            }
        }
    }
}
