import Foundation
import StableDiffusion
import Testing

/// A tiny random `StableDiffusionSafetyChecker` against transformers' PIL-backed CLIP image
/// processor and diffusers' cosine scores and flags, recorded by
/// Tests/Fixtures/safety/make_safety_fixtures.py.
@Suite struct SafetyCheckerTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../Fixtures/safety").standardized
    static let checkerFolder = fixtures.appendingPathComponent("tiny-checker").path

    struct Reference: Decodable {
        struct Image: Decodable {
            let width, height: Int
            let rgb: String
            let pixel_values, concept_cos, special_cos: [Float]
            let nsfw: Bool
        }
        let concept_thresholds, special_thresholds: [Float]
        let images: [Image]
    }

    static func reference() throws -> Reference {
        try JSONDecoder().decode(Reference.self, from: Data(contentsOf: fixtures.appendingPathComponent("safety.json")))
    }

    static func image(_ image: Reference.Image) throws -> RGBImage {
        let bytes = try #require(Data(base64Encoded: image.rgb))
        return RGBImage(width: image.width, height: image.height, pixels: [UInt8](bytes))
    }

    /// Pillow's bicubic (antialiased downscaling, byte rounding between passes) then crop and
    /// normalisation: any off-by-one byte shows as ≥ 0.014 here.
    @Test func preprocessingMatchesTransformers() throws {
        let reference = try Self.reference()
        let processor = try SafetyChecker(directory: Self.checkerFolder).processor
        let sizes = Set(reference.images.map { "\($0.width)x\($0.height)" })
        #expect(sizes.isSuperset(of: ["64x48", "300x200", "48x64", "32x32"]))
        for image in reference.images {
            let values = try processor(Self.image(image)).scalars
            let worst = zip(values, image.pixel_values).map { abs($0 - $1) }.max() ?? .infinity
            #expect(values.count == image.pixel_values.count && worst <= 1e-5, "\(image.width)×\(image.height): max difference \(worst)")
        }
    }

    @Test func scoresAndFlagsMatchDiffusers() throws {
        let reference = try Self.reference()
        let checker = try SafetyChecker(directory: Self.checkerFolder)
        #expect(reference.images.contains { $0.nsfw } && reference.images.contains { !$0.nsfw })
        for image in reference.images {
            let result = try checker.evaluate(Self.image(image))
            // Without a special-care hit (none in these images reaches one without its 0.01), scores are cos − threshold + adjustment.
            let specialHit = zip(image.special_cos, reference.special_thresholds).contains { $0 - $1 > 0.0005 }
            let expected = zip(image.concept_cos, reference.concept_thresholds).map { $0 - $1 + (specialHit ? 0.01 : 0) }
            let worst = zip(result.conceptScores, expected).map { abs($0 - $1) }.max() ?? .infinity
            #expect(result.conceptScores.count == expected.count && worst <= 1e-4, "\(image.width)×\(image.height): max score difference \(worst)")
            #expect(result.nsfw == image.nsfw, "\(image.width)×\(image.height)")
            let check = try checker.check(Self.image(image))
            #expect(check.nsfw == image.nsfw && check.score == result.score)
        }
    }

    /// diffusers rounds scores to 3 decimals before "> 0": a concept 0.0004 above its threshold is not flagged.
    @Test func scoresJustAboveThresholdRoundToSafe() throws {
        let reference = try Self.reference()
        let checker = try SafetyChecker(directory: Self.checkerFolder)
        let nearMiss = try #require(reference.images.first { image in
            !image.nsfw && zip(image.concept_cos, reference.concept_thresholds).contains { $0 - $1 > 0 }
        })
        let result = try checker.evaluate(Self.image(nearMiss))
        #expect(result.score > 0 && result.score < 0.0005 && !result.nsfw)
    }

    /// Checkers saved by transformers 4 (CompVis' among them) nest the tower as `vision_model.vision_model.`.
    @Test func transformers4KeyLayoutLoads() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("safety-\(UUID().uuidString)")
        try FileManager.default.copyItem(at: URL(fileURLWithPath: Self.checkerFolder), to: folder)
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("model.safetensors")
        let bytes = [UInt8](try Data(contentsOf: file))
        let headerLength = Int(bytes[0..<8].reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) })
        let header = try #require(try JSONSerialization.jsonObject(with: Data(bytes[8..<8 + headerLength])) as? [String: Any])
        let renamed = Dictionary(uniqueKeysWithValues: header.map { ($0.key.hasPrefix("vision_model.") ? "vision_model." + $0.key : $0.key, $0.value) })
        #expect(renamed.keys.contains("vision_model.vision_model.post_layernorm.weight"))
        let text = String(decoding: try JSONSerialization.data(withJSONObject: renamed), as: UTF8.self)
        try Data(SafeTensorsBuilder(SafeTensorsBuilder.header(text, dataStartingAt: 0), data: Array(bytes[(8 + headerLength)...])).bytes).write(to: file)
        let image = try Self.image(Self.reference().images[0])
        #expect(try SafetyChecker(directory: folder.path).evaluate(image) == SafetyChecker(directory: Self.checkerFolder).evaluate(image))
    }

    @Test func unusableFoldersFailWithOneLine() throws {
        #expect(throws: SafetyCheckerError.notAFolder("/nonexistent/checker")) { try SafetyChecker(directory: "/nonexistent/checker") }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("safety-\(UUID().uuidString)")
        try FileManager.default.copyItem(at: URL(fileURLWithPath: Self.checkerFolder), to: folder)
        defer { try? FileManager.default.removeItem(at: folder) }
        let processorFile = folder.appendingPathComponent("feature_extractor/preprocessor_config.json")
        try #"{"size": {"shortest_edge": 32}, "crop_size": 24}"#.write(to: processorFile, atomically: true, encoding: .utf8)
        #expect(throws: SafetyCheckerError.self) { try SafetyChecker(directory: folder.path) }
        try #"{"size": 32, "crop_size": 32, "resample": 2}"#.write(to: processorFile, atomically: true, encoding: .utf8)
        #expect(throws: ConfigError.unsupported(path: processorFile.path, key: "resample", value: "2", supported: "3 (bicubic)")) {
            try SafetyChecker(directory: folder.path)
        }
        try FileManager.default.removeItem(at: folder.appendingPathComponent("feature_extractor"))
        #expect(throws: SafetyCheckerError.missingFeatureExtractor(checker: folder.path)) { try SafetyChecker(directory: folder.path) }
    }
}
