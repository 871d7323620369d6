import ArgumentParser
import StableDiffusion

/// `sweep embed --model DIR TEXT…`: sentence-transformers embeddings, one JSON array per line.
struct EmbedCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "embed",
        abstract: "Print the sentence embedding of each TEXT as one JSON array per line.",
        discussion: """
            Computes what sentence-transformers' SentenceTransformer.encode returns for a BERT \
            model folder such as all-MiniLM-L6-v2 (modules.json: Transformer, mean Pooling, \
            Normalize): the WordPiece tokenizer (truncating at max_seq_length), BertModel, mean \
            pooling and L2 normalisation, in float32 on the CPU. Weights must be safetensors.
            """
    )

    @Option(help: "A sentence-transformers model folder (modules.json, config.json, model.safetensors, vocab.txt or tokenizer.json).")
    var model: String

    @Argument(help: "The texts to embed (use -- before texts that start with a dash).")
    var texts: [String] = []

    func run() throws {
        let embedder = try SentenceEmbedder(directory: model)
        // All embeddings first: an error never leaves half the lines printed.
        let lines = texts.map { text in "[" + embedder.embed(text).map { "\($0)" }.joined(separator: ", ") + "]" }
        for line in lines { print(line) }
    }
}
