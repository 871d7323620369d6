import ArgumentParser
import Foundation
import StableDiffusion

/// `sweep tokenize --model DIR TEXT`: the ids the text encoder receives for TEXT.
struct TokenizeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tokenize",
        abstract: "Print the token ids the model's text encoder gets for TEXT, as one JSON array.",
        discussion: """
            Uses the model folder's own CLIP tokenizer (tokenizer/vocab.json, merges.txt and its \
            config files): <|startoftext|>, the BPE tokens truncated to fit, <|endoftext|>, then \
            the tokenizer's pad token up to model_max_length (77 for Stable Diffusion).
            """
    )

    @Option(help: "A diffusers model folder (with model_index.json and tokenizer/).")
    var model: String

    @Argument(help: "The prompt to tokenize.")
    var text: String

    func run() throws {
        let tokenizer = try StableDiffusionModel.tokenizer(model)
        print("[" + tokenizer.encode(text).map(String.init).joined(separator: ", ") + "]")
    }
}
