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

    /// CLIP sees 77 tokens; diffusers warns with the words it drops, and so do we, once per text.
    func warnAboutTruncation(_ prompts: [JobPrompt], lines: [Int?], file: String?, negativePrompts: (texts: [String], line: Int?),
                                     promptReplace: [String], tokenizer: CLIPTokenizer) {
        var checked = Set<String>()
        let check = { (text: String, what: String, line: Int?, file: String?) in
            guard checked.insert(text).inserted, let dropped = tokenizer.truncatedText(text) else { return }
            values.warn(line: line, file: file, "\(what): the following part was truncated because CLIP can only handle sequences up to "
                        + "\(tokenizer.maxLength) tokens: '\(dropped)'")
        }
        for (index, prompt) in prompts.enumerated() {
            let line = lines.indices.contains(index) ? lines[index] : nil
            let texts = promptReplace.isEmpty ? [prompt.text] : promptReplace.map { prompt.text.replacingOccurrences(of: promptReplace[0], with: $0) }
            for text in texts { check(text, file == nil ? "prompts[\(index)]" : "prompt", line, file) }
            if let negative = prompt.negativePrompt { check(negative, "negative_prompt", line, file) }
        }
        for text in negativePrompts.texts { check(text, "negative_prompt", negativePrompts.line, nil) }
    }
}
