import ArgumentParser
import Foundation
import StableDiffusion

/// `sweep tokenize --model DIR TEXT`: the ids the text encoder receives for TEXT.
struct TokenizeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tokenize",
        abstract: "Print the token ids the model's text encoder gets for TEXT, as one JSON array.",
        discussion: """
            Uses the model folder's own CLIP tokenizer (tokenizer/vocab.json + merges.txt or \
            tokenizer.json, and its config files; for a lone checkpoint file, CLIP's vocabulary \
            with SD 1.x's or 2.x's pad token): <|startoftext|>, the BPE tokens truncated to fit, <|endoftext|>, then \
            the tokenizer's pad token up to model_max_length (77 for Stable Diffusion).
            """
    )

    @Option(help: "A diffusers model folder (with model_index.json and tokenizer/) or a .safetensors checkpoint.")
    var model: String

    @Option(help: "For a single checkpoint: a diffusers folder whose tokenizer to use (default: CLIP's vocabulary, shipped with sweep).")
    var config: String?

    @Argument(help: "The prompt to tokenize.")
    var text: String

    func run() throws {
        let tokenizer = try ModelSource(model: model, config: config).tokenizer()
        print("[" + tokenizer.encode(text).map(String.init).joined(separator: ", ") + "]")
    }
}
