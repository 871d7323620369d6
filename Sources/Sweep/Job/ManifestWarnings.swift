import StableDiffusion

/// What renders but maybe not as the user meant: said once, with the file and line, never an error.
extension ManifestReader {
    /// Equal prompts make equal images, rendered once; say so, as the user may have meant two.
    func warnAboutDuplicates(_ prompts: [JobPrompt], lines: [Int?], file: String?) {
        var first: [String: Int] = [:], repeats: [(prompt: Int, first: Int)] = []
        for (index, prompt) in prompts.enumerated() {
            let key = "\(prompt.text)\u{0}\(prompt.negativePrompt ?? "")\u{0}\(prompt.seed.map(String.init) ?? "")\u{0}\(prompt.id ?? "")"
            if let earlier = first[key] { repeats.append((index, earlier)) } else { first[key] = index }
        }
        guard !repeats.isEmpty else { return }
        let place = { (index: Int) in lines.indices.contains(index) ? lines[index].map { "line \($0)" } ?? "prompts[\(index)]" : "prompts[\(index)]" }
        let listed = repeats.prefix(10).map { "'\(prompts[$0.prompt].text)' (\(place($0.prompt)), same as \(place($0.first)))" }
        values.warn(line: lines.indices.contains(repeats[0].prompt) ? lines[repeats[0].prompt] : nil, file: file,
                    "\(repeats.count) duplicate prompt(s) merged, each rendered once: " + listed.joined(separator: ", ")
                    + (repeats.count > 10 ? ", …" : ""))
    }

    /// Texts tokenized for the 77-token warning before rendering: enough for any hand-made
    /// job, while a million-prompt dataset starts in seconds rather than after minutes of BPE.
    static let truncationCheckLimit = 10_000
    /// Truncated texts named one by one; the rest are counted in one more line.
    static let truncationWarningLimit = 10

    /// CLIP sees 77 tokens; diffusers warns with the words it drops, and so do we, once per text
    /// (the first `truncationWarningLimit` by name, of the first `truncationCheckLimit` texts).
    func warnAboutTruncation(_ prompts: [JobPrompt], lines: [Int?], file: String?, negativePrompts: (texts: [String], line: Int?),
                                     promptReplace: [String], tokenizer: CLIPTokenizer) {
        var checked = Set<String>(), named = 0, more = 0, unchecked = false
        var firstMore: (line: Int?, file: String?)?
        let check = { (text: String, what: String, line: Int?, file: String?) in
            guard checked.count < Self.truncationCheckLimit else { unchecked = unchecked || !checked.contains(text); return }
            guard checked.insert(text).inserted, let dropped = tokenizer.truncatedText(text) else { return }
            named += 1
            guard named <= Self.truncationWarningLimit else {
                more += 1
                if firstMore == nil { firstMore = (line, file) }
                return
            }
            values.warn(line: line, file: file, "\(what): the following part was truncated because CLIP can only handle sequences up to "
                        + "\(tokenizer.maxLength) tokens: '\(dropped)'")
        }
        for text in negativePrompts.texts { check(text, "negative_prompt", negativePrompts.line, nil) }
        for (index, prompt) in prompts.enumerated() {
            let line = lines.indices.contains(index) ? lines[index] : nil
            let texts = promptReplace.isEmpty ? [prompt.text] : promptReplace.map { prompt.text.replacingOccurrences(of: promptReplace[0], with: $0) }
            for text in texts { check(text, file == nil ? "prompts[\(index)]" : "prompt", line, file) }
            if let negative = prompt.negativePrompt { check(negative, "negative_prompt", line, file) }
            if unchecked { break }
        }
        if more > 0 {
            values.warn(line: firstMore?.line, file: firstMore?.file, "\(more) more prompt(s) past CLIP's \(tokenizer.maxLength) tokens are truncated")
        }
        if unchecked {
            values.warn(line: nil, "prompts after the first \(Self.truncationCheckLimit) distinct texts are not checked for CLIP's "
                        + "\(tokenizer.maxLength)-token limit before rendering; CLIP keeps the first \(tokenizer.maxLength) tokens of each")
        }
    }
}
