import Foundation
import Tensors

/// diffusers' `StableDiffusionSafetyChecker`: the CLIP vision tower's pooled output, projected,
/// compared by cosine with the stored "concept" and "special care" embeddings against their
/// thresholds. Images come through transformers' `CLIPImageProcessor` (see there).
public struct SafetyChecker: Sendable {
    /// What diffusers' `forward` computes for one image.
    public struct Result: Equatable, Sendable {
        /// `cos − threshold + adjustment` per special-care concept, in float32, before rounding.
        public let specialScores: [Float]
        /// `cos − threshold + adjustment` per concept, in float32, before rounding; `adjustment` is
        /// 0.01 once a special-care concept fired, else 0.
        public let conceptScores: [Float]
        /// Whether any concept score, rounded to 3 decimals as diffusers rounds it, is above 0:
        /// diffusers' `has_nsfw_concepts` (it would return a black image instead).
        public let nsfw: Bool
        /// The largest concept score (unrounded): how far the image is above (> 0) or below (< 0)
        /// its nearest concept's threshold. A score in (0, 0.0005] still rounds to "not nsfw".
        public var score: Float { conceptScores.max() ?? -.infinity }
    }

    public let processor: CLIPImageProcessor
    public let vision: CLIPVisionModel
    let projection: Linear
    let concepts, specialConcepts: Tensor
    let conceptThresholds, specialThresholds: [Float]

    /// Loads `directory` (config.json and model.safetensors, as `save_pretrained` writes them) and
    /// the `preprocessor_config.json` in `featureExtractor`, by default `directory/feature_extractor`
    /// or, in a diffusers pipeline folder, the sibling `feature_extractor/`.
    public init(directory: String, featureExtractor: String? = nil) throws {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isFolder), isFolder.boolValue else {
            throw SafetyCheckerError.notAFolder(directory)
        }
        let folder = URL(fileURLWithPath: directory)
        let defaultFolders = [folder.appendingPathComponent("feature_extractor"),
                              folder.deletingLastPathComponent().appendingPathComponent("feature_extractor")]
        let processorFiles = (featureExtractor.map { [URL(fileURLWithPath: $0)] } ?? defaultFolders)
            .map { $0.appendingPathComponent("preprocessor_config.json").path }
        // A folder given explicitly is read (and its absence reported by the config reader).
        guard let processorFile = featureExtractor == nil
            ? processorFiles.first(where: { FileManager.default.fileExists(atPath: $0) }) : processorFiles[0] else {
            throw SafetyCheckerError.missingFeatureExtractor(checker: directory)
        }
        processor = try CLIPImageProcessor(path: processorFile)
        let configFile = folder.appendingPathComponent("config.json").path
        let config = try CLIPVisionConfig(path: configFile)
        guard let crop = processor.crop, crop == (config.imageSize, config.imageSize) else {
            throw SafetyCheckerError.mismatch(file: processorFile, reason: "crop_size must be the vision model's image_size, \(config.imageSize)×\(config.imageSize) (\(configFile))")
        }
        let weights = try ComponentWeights(directory: directory, legacyNames: Self.legacyNames)
        let p = Parameters(weights)
        vision = try CLIPVisionModel(config: config, parameters: p["vision_model"])
        projection = try Linear(p["visual_projection"], in: config.hiddenSize, out: config.projectionDim, bias: false)
        let listing = weights.listing
        let count = { (name: String) in listing[name]?.shape.first ?? 0 }
        concepts = try p.tensor("concept_embeds", [count("concept_embeds"), config.projectionDim])
        specialConcepts = try p.tensor("special_care_embeds", [count("special_care_embeds"), config.projectionDim])
        conceptThresholds = try p.tensor("concept_embeds_weights", [concepts.shape[0]]).scalars
        specialThresholds = try p.tensor("special_care_embeds_weights", [specialConcepts.shape[0]]).scalars
    }

    /// transformers 4 saved the vision tower as `vision_model.vision_model.…`; transformers 5 drops one level.
    static func legacyNames(_ name: String) -> [String] {
        name.hasPrefix("vision_model.") ? ["vision_model." + name] : []
    }

    /// Whether diffusers flags `image`, and its score (see `Result.score`).
    public func check(_ image: RGBImage) throws -> (nsfw: Bool, score: Float) {
        let result = try evaluate(image)
        return (result.nsfw, result.score)
    }

    /// `StableDiffusionSafetyChecker.forward` for one image, keeping the scores it computes.
    public func evaluate(_ image: RGBImage) throws -> Result {
        let embedding = projection(vision.pooledOutput(try processor(image))).scalars
        let specialCos = Self.cosines(embedding, specialConcepts), conceptCos = Self.cosines(embedding, concepts)
        // diffusers' loop: after the first special-care concept above its threshold, every later
        // score (special ones included) gets 0.01 more; scores are rounded to 3 decimals before "> 0".
        var adjustment: Float = 0
        var specialScores: [Float] = []
        for (cos, threshold) in zip(specialCos, specialThresholds) {
            let score = cos - threshold + adjustment
            specialScores.append(score)
            if Self.roundedToThousandths(score) > 0 { adjustment = 0.01 }
        }
        let conceptScores = zip(conceptCos, conceptThresholds).map { $0 - $1 + adjustment }
        return Result(specialScores: specialScores, conceptScores: conceptScores,
                      nsfw: conceptScores.contains { Self.roundedToThousandths($0) > 0 })
    }

    /// numpy's `round(x, 3)` on a float32: `rint(x · 1000) / 1000`.
    static func roundedToThousandths(_ x: Float) -> Float { (x * 1000).rounded(.toNearestOrEven) / 1000 }

    /// diffusers' `cosine_distance` of one embedding with each row of `rows`.
    static func cosines(_ embedding: [Float], _ rows: Tensor) -> [Float] {
        let unit = normalized(embedding), width = embedding.count, values = rows.scalars
        return (0..<rows.shape[0]).map { row in
            let other = normalized(Array(values[row * width..<(row + 1) * width]))
            return zip(unit, other).reduce(0) { $0 + $1.0 * $1.1 }
        }
    }

    /// `torch.nn.functional.normalize`: x / max(‖x‖, 1e-12).
    static func normalized(_ x: [Float]) -> [Float] {
        let norm = max(x.reduce(0) { $0 + $1 * $1 }.squareRoot(), 1e-12)
        return x.map { $0 / norm }
    }
}
