import Foundation
import Tensors

/// sentence-transformers' `SentenceTransformer` for BERT models such as all-MiniLM-L6-v2: the
/// modules.json pipeline Transformer → Pooling (mean over the tokens) → optional Normalize (L2),
/// computing what `SentenceTransformer.encode` returns for one text.
public struct SentenceEmbedder: Sendable {
    public let tokenizer: BertTokenizer
    public let model: BertModel
    /// Whether a Normalize module follows the pooling.
    public let normalizes: Bool

    /// Numbers per embedding (384 for all-MiniLM-L6-v2).
    public var dimension: Int { model.config.hiddenSize }

    public init(directory: String) throws {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isFolder), isFolder.boolValue else {
            throw SentenceEmbeddingError.notAFolder(directory)
        }
        let folder = URL(fileURLWithPath: directory)
        let modulesFile = folder.appendingPathComponent("modules.json").path
        let modules = try Self.readModules(modulesFile)
        guard modules.count >= 2, modules[0].kind == "Transformer", modules[1].kind == "Pooling",
              modules.count == 2 || (modules.count == 3 && modules[2].kind == "Normalize") else {
            let unexpected = modules.first { !["Transformer", "Pooling", "Normalize"].contains($0.kind) }
            throw SentenceEmbeddingError.unsupportedModule(file: modulesFile, type: unexpected?.type ?? modules.map(\.type).joined(separator: " → "))
        }
        normalizes = modules.count == 3

        let transformer = folder.appendingPathComponent(modules[0].path)
        let bertConfigFile = transformer.appendingPathComponent("sentence_bert_config.json").path
        let bertConfig = FileManager.default.fileExists(atPath: bertConfigFile) ? try JSONConfig(path: bertConfigFile) : nil
        let config = try BertConfig(path: transformer.appendingPathComponent("config.json").path)
        let maxLength = try bertConfig?.positive("max_seq_length", default: config.maxPositions) ?? config.maxPositions
        guard maxLength <= config.maxPositions else {
            throw ConfigError.invalid(path: bertConfigFile, key: "max_seq_length",
                                      reason: "(\(maxLength)) exceeds the model's max_position_embeddings (\(config.maxPositions))")
        }
        tokenizer = try BertTokenizer(directory: transformer.path, maxLength: maxLength,
                                      lowercase: try bertConfig?.bool("do_lower_case", default: false) ?? false)
        guard tokenizer.vocabularySize <= config.vocabularySize else {
            throw ConfigError.invalid(path: transformer.appendingPathComponent("config.json").path, key: "vocab_size",
                                      reason: "(\(config.vocabularySize)) is smaller than the tokenizer's vocabulary (\(tokenizer.vocabularySize))")
        }
        try Self.checkPooling(folder.appendingPathComponent(modules[1].path).appendingPathComponent("config.json").path,
                              width: config.hiddenSize)
        let weights = try ComponentWeights(directory: transformer.path, legacyNames: BertModel.legacyNames)
        model = try BertModel(config: config, parameters: Parameters(weights))
    }

    /// The embedding of `text`: the mean of the model's last hidden state over its tokens,
    /// divided by its length when the folder has a Normalize module.
    public func embed(_ text: String) -> [Float] {
        let ids = tokenizer.encode(text)
        let hidden = model(ids)
        let width = dimension
        var sums = [Double](repeating: 0, count: width)
        hidden.withUnsafeBufferPointer { h in
            for token in 0..<ids.count {
                for i in 0..<width { sums[i] += Double(h[token * width + i]) }
            }
        }
        var mean = sums.map { Float($0 / Double(ids.count)) }
        if normalizes {
            // torch.nn.functional.normalize: x / max(‖x‖, 1e-12).
            let norm = max(Float(mean.reduce(0) { $0 + Double($1) * Double($1) }.squareRoot()), 1e-12)
            mean = mean.map { $0 / norm }
        }
        return mean
    }

    /// modules.json: a list of `{"idx", "name", "path", "type"}` in pipeline order.
    static func readModules(_ file: String) throws -> [(type: String, kind: String, path: String)] {
        guard let data = FileManager.default.contents(atPath: file) else {
            throw SentenceEmbeddingError.unreadable(file: file, reason: FileManager.default.fileExists(atPath: file)
                ? "permission denied" : "no such file (not a sentence-transformers model folder)")
        }
        guard let list = try? JSONSerialization.jsonObject(with: data) as? [[String: Any]] else {
            throw SentenceEmbeddingError.malformed(file: file, reason: "expected a JSON list of modules with \"type\" and \"path\"")
        }
        return try list.map { module in
            guard let type = module["type"] as? String, let path = module["path"] as? String else {
                throw SentenceEmbeddingError.malformed(file: file, reason: "every module needs a \"type\" and a \"path\" string")
            }
            // Only sentence-transformers' own modules; a custom class of the same name computes something else.
            let kind = type.hasPrefix("sentence_transformers.") ? String(type.split(separator: ".").last ?? "") : ""
            guard !path.hasPrefix("/"), !path.split(separator: "/").contains("..") else {
                throw SentenceEmbeddingError.malformed(file: file, reason: "module path \"\(path)\" must stay inside the model folder")
            }
            return (type, kind, path)
        }
    }

    /// 1_Pooling/config.json must ask for mean pooling over vectors as wide as the model's.
    static func checkPooling(_ file: String, width: Int) throws {
        let json = try JSONConfig(path: file)
        let dimension = try json.int("word_embedding_dimension")
        guard dimension == width else {
            throw ConfigError.invalid(path: file, key: "word_embedding_dimension", reason: "is \(dimension) but the model's hidden_size is \(width)")
        }
        if json.has("pooling_mode") {
            let mode = try json.string("pooling_mode")
            guard mode == "mean" else { throw ConfigError.unsupported(path: file, key: "pooling_mode", value: mode, supported: "mean") }
            return
        }
        guard try json.bool("pooling_mode_mean_tokens", default: false) else {
            throw ConfigError.unsupported(path: file, key: "pooling_mode_mean_tokens", value: "false", supported: "true (mean pooling)")
        }
        for other in ["pooling_mode_cls_token", "pooling_mode_max_tokens", "pooling_mode_mean_sqrt_len_tokens",
                      "pooling_mode_weightedmean_tokens", "pooling_mode_lasttoken"] where try json.bool(other, default: false) {
            throw ConfigError.unsupported(path: file, key: other, value: "true", supported: "false (only mean pooling)")
        }
    }
}
