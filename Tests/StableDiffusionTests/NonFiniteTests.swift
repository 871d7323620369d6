import Foundation
import StableDiffusion
import Tensors
import Testing

/// A NaN or infinity anywhere in the pipeline used to trap converting the decoded image to bytes;
/// now the stage that first made one is named, as A1111 does ("A tensor with all NaNs was produced in VAE").
@Suite struct NonFiniteTests {
    /// A copy of the tiny SD 1.x model with one weight of `component`'s `tensor` set to NaN.
    static func model(withNaNIn component: String, tensor: String) throws -> String {
        let copy = FileManager.default.temporaryDirectory.appendingPathComponent("nan-model-\(UUID().uuidString)")
        try FileManager.default.copyItem(atPath: ModelFixtures.model("sd1-tiny"), toPath: copy.path)
        let folder = copy.appendingPathComponent(component)
        let name = try #require(try FileManager.default.contentsOfDirectory(atPath: folder.path).first { $0.hasSuffix(".safetensors") })
        let path = folder.appendingPathComponent(name).path
        let entry = try #require(try SafeTensorsFile(path: path).entries[tensor])
        try #require(entry.dtype == .f32)
        var bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        let headerLength = bytes.prefix(8).withUnsafeBytes { $0.loadUnaligned(as: UInt64.self).littleEndian }
        let offset = 8 + Int(headerLength) + entry.range.lowerBound
        withUnsafeBytes(of: Float.nan.bitPattern.littleEndian) { bytes.replaceSubrange(offset..<offset + 4, with: $0) }
        try bytes.write(to: URL(fileURLWithPath: path))
        return copy.path
    }

    static func generate(_ model: String, guidance: Float = 7.5) throws -> RGBImage {
        let pipeline = try TextToImagePipeline(model: StableDiffusionModel(directory: model))
        return try pipeline.generate(GenerationRequest(prompt: "a cat", seed: 1, steps: 2, guidance: guidance, width: 32, height: 32))
    }

    @Test(arguments: [
        ("vae", "decoder.conv_out.bias", "the VAE decoder"),
        ("unet", "conv_out.bias", "the UNet at step 1"),
        ("text_encoder", "text_model.final_layer_norm.bias", "the text encoder (prompt)"),
    ])
    func aNaNWeightIsReportedAtTheStageThatMadeIt(component: String, tensor: String, stage: String) throws {
        let model = try Self.model(withNaNIn: component, tensor: tensor)
        #expect(throws: PipelineError.nonFinite(stage: stage)) { try Self.generate(model) }
    }

    @Test func anExtremeGuidanceScaleFailsCleanly() throws {
        do {
            _ = try Self.generate(ModelFixtures.model("sd1-tiny"), guidance: 3.4e38)
            Issue.record("expected non-finite values from guidance 3.4e38")
        } catch let PipelineError.nonFinite(stage) {
            #expect(!stage.isEmpty)
        }
    }

    @Test func aNaNNeverTrapsTheConversionToBytes() {
        let decoded = Tensor(shape: [1, 3, 1, 2], scalars: [.nan, 1, -.infinity, .infinity, 0, 0.5])
        #expect(RGBImage(decoded: decoded).pixels == [0, 0, 128, 255, 255, 191])
    }
}
