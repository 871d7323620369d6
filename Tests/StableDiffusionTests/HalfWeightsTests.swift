import Foundation
@testable import StableDiffusion
import Tensors
import Testing

/// F16/BF16 checkpoints keep their weight matrices at two bytes a value (issue 18: an SDXL rank
/// in about 9 GB), widened to float32 only inside the products, so the images are byte for byte
/// those of the same checkpoint widened to float32 at load.
@Suite struct HalfWeightsTests {
    /// F16 fixtures: an SD 2 folder, the SDXL folder (two text encoders), and the SDXL single
    /// file (OpenCLIP's fused q/k/v rows and transposed projection, through `RenamedWeights`).
    static let models = ["sd2-tiny", "sdxl-tiny", "sdxl-single-file"]

    static func source(_ name: String) throws -> ModelSource {
        switch name {
        case "sdxl-tiny": try ModelSource(model: SDXLCase.folder)
        case "sdxl-single-file": try ModelSource(model: SDXLCase.path("sdxl.safetensors"), config: SDXLCase.folder)
        default: try ModelSource(model: ModelFixtures.model(name))
        }
    }

    /// The UNet's, VAE's and text encoder's matrices of a model, to see what they hold.
    static func weights(_ model: any DiffusionModel) throws -> [Weight] {
        let (unet, vae, text): (UNet2DConditionModel, AutoencoderKL, CLIPTextModel)
        switch model {
        case let model as StableDiffusionModel: (unet, vae, text) = (model.unet, model.vae, model.textEncoder)
        case let model as StableDiffusionXLModel: (unet, vae, text) = (model.unet, model.vae, model.textEncoder2.text)
        default: throw WeightsError.unreadable(file: "\(type(of: model))", reason: "not a Stable Diffusion model")
        }
        return [unet.convIn.weight, unet.timeLinear1.weight, vae.decoder.convOut.weight, text.tokenEmbedding, text.layers[0].fc1.weight]
    }

    @Test(arguments: models)
    func halfWeightsRenderTheWidenedImage(_ name: String) throws {
        let source = try Self.source(name)
        let request = GenerationRequest(prompt: "a red cube on a table", negativePrompt: "blurry", seed: 11, steps: 3, guidance: 6,
                                        scheduler: .eulerAncestral)
        let kept = try source.loadModel(), widened = try source.loadModel(reading: .widened)
        #expect(try Self.weights(kept).allSatisfy { if case .half = $0.values { true } else { false } }, "\(name) keeps no half weights")
        #expect(try Self.weights(widened).allSatisfy { if case .float32 = $0.values { true } else { false } })
        let image = try TextToImagePipeline(model: kept).generate(request)
        #expect(image.pixels == (try TextToImagePipeline(model: widened).generate(request)).pixels, "\(name)")
    }

    /// options-tiny's UNet is stored as BF16.
    @Test func bf16UNetGivesTheWidenedBytes() throws {
        let source = ModelSource(componentsIn: ModelFixtures.model(ModelFixtures.options))
        let kept = try StableDiffusionModel.unet(source), widened = try StableDiffusionModel.unet(source, reading: .widened)
        guard case let .half(half) = kept.convIn.weight.values else { Issue.record("BF16 convolution widened at load"); return }
        #expect(half.format == .bf16)
        let reference = try ModelFixtures.reference(ModelFixtures.options)
        let (sample, context) = (try reference.tensor("unet.wide.sample"), try reference.tensor("unet.wide.context"))
        #expect(kept(sample, timestep: 400, context: context).scalars == widened(sample, timestep: 400, context: context).scalars)
    }

    /// The full-size SDXL components loaded from an F16 checkpoint hold all but a fraction of a
    /// percent of their parameters (the bias and norm vectors) at two bytes.
    @Test func sdxlHoldsItsMatricesAtTwoBytes() throws {
        let source = PlaceholderSource()
        let p = Parameters(source), sdxl = PublishedArchitecture.sdxl
        _ = try UNet2DConditionModel(config: sdxl.unet, parameters: p)
        _ = try AutoencoderKL(config: sdxl.vae, parameters: p)
        _ = try CLIPTextModel(config: sdxl.textEncoder, parameters: p)
        _ = try CLIPTextModelWithProjection(config: PublishedArchitecture.sdxlTextEncoder2, parameters: p["text_encoder_2"])
        let total = source.count("") + source.count("text_encoder_2")
        let float32 = source.float32Count("") + source.float32Count("text_encoder_2")
        #expect(total > 3_400_000_000)
        #expect(Double(float32) < 0.005 * Double(total), "\(float32) of \(total) parameters held as float32")
        let gib = Double(2 * (total - float32) + 4 * float32) / Double(1 << 30)
        #expect(gib < 6.5, "weights take \(gib) GiB")
    }

    /// A file's F16/BF16 tensors come as half weights in the mapped file, equal to `tensor`'s
    /// float32 (row slices too); its float32 ones as the tensor itself.
    @Test func safeTensorsWeightsStayAsStored() throws {
        let f16 = try SafeTensorsFile(path: ModelFixtures.model("sd2-tiny") + "/unet/diffusion_pytorch_model.fp16.safetensors")
        let name = try #require(f16.names.first { f16.entries[$0]?.shape.count == 4 })
        let weight = try f16.weight(name)
        guard case .half = weight.values else { Issue.record("F16 tensor \(name) widened"); return }
        #expect(weight.float32.scalars == (try f16.tensor(name)).scalars)
        #expect(try f16.weight(name, part: 1, of: 2).float32.scalars == (try f16.tensor(name, part: 1, of: 2)).scalars)
        let f32 = try SafeTensorsFile(path: ModelFixtures.model("sd1-tiny") + "/unet/diffusion_pytorch_model.safetensors")
        guard case .float32 = try f32.weight(f32.names[0]).values else { Issue.record("F32 tensor made half"); return }
    }

    /// A LoRA fused into a half-precision base: the changed weights become float32 (base widened
    /// plus the update, as `tensor` gives them), the others stay half.
    @Test func loraFusesIntoHalfWeights() throws {
        let listing = try ComponentWeights(directory: ModelFixtures.model("sd1-tiny") + "/unet").listing
        let shapes = listing.mapValues(\.shape)
        let lora = try LoRAFile(path: LoRAFixtures.path("kohya.safetensors"))
        let base = RandomWeights(seed: 5, stored: .f16)
        let merged = try LoRAMergedWeights(base: base, shapes: shapes, component: .unet, loras: [(lora, 0.7)])
        let changed = try #require(lora.targets(in: .unet, shapes: shapes).first?.weight)
        let unchanged = try #require(shapes.keys.sorted().first { $0.hasSuffix(".weight") && merged.changes[LoRAFile.matchKey(
            String($0.dropLast(".weight".count)), .unet)] == nil && shapes[$0]?.count == 4 })
        guard case let .float32(fused) = try merged.weight(changed, shape: shapes[changed]!).values else {
            Issue.record("fused weight \(changed) not float32"); return
        }
        #expect(fused.scalars == (try merged.tensor(changed, shape: shapes[changed]!)).scalars)
        #expect(fused.scalars != (try base.tensor(changed, shape: shapes[changed]!)).scalars)
        guard case .half = try merged.weight(unchanged, shape: shapes[unchanged]!).values else {
            Issue.record("unchanged weight \(unchanged) widened"); return
        }
    }
}
