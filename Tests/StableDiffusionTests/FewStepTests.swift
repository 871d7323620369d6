import Foundation
import StableDiffusion
import Tensors
import Testing

/// The few-step path's rules beside its image parity (PipelineParityTests' fewstep cases).
@Suite struct FewStepTests {
    static let fewstep = PipelineCase.fixtures.appendingPathComponent("fewstep")

    @Test func guidanceEmbeddingUNetsRunNoClassifierFreeBatch() throws {
        let lcm = try TextToImagePipeline(model: StableDiffusionModel(directory: Self.fewstep.appendingPathComponent("lcm-tiny").path))
        let plain = try TextToImagePipeline(model: StableDiffusionModel(directory: ModelFixtures.model("sd1-tiny")))
        #expect(lcm.model.unet.config.timeCondProjDim == 24)
        #expect(!lcm.usesNegativePrompt(GenerationRequest(prompt: "x", guidance: 8)))
        #expect(plain.usesNegativePrompt(GenerationRequest(prompt: "x", guidance: 8)))
        #expect(!plain.usesNegativePrompt(GenerationRequest(prompt: "x", guidance: 0)))
        #expect(try lcm.schedulerKind(for: GenerationRequest(prompt: "x")) == .lcm)
    }

    @Test func lcmStepsBeyondTheDistillationScheduleAreRejected() throws {
        let config = try SchedulerConfig(path: writeTemporary(#"{"_class_name": "LCMScheduler", "original_inference_steps": 8}"#,
                                                              named: "scheduler_config.json"))
        let expected = ConfigError.invalid(path: config.path, key: "original_inference_steps",
                                           reason: "(8) allows 1 to 8 inference steps, not 9")
        #expect(throws: expected) { try LCMScheduler(config: config, steps: 9) }
        #expect(try LCMScheduler(config: config, steps: 8).timesteps.count == 8)
        // diffusers' LCMScheduler honours it; we do not implement it, so it is refused, not ignored.
        let rescaled = try SchedulerConfig(path: writeTemporary(#"{"_class_name": "LCMScheduler", "rescale_betas_zero_snr": true}"#,
                                                                named: "scheduler_config.json"))
        #expect(throws: ConfigError.unsupported(path: rescaled.path, key: "rescale_betas_zero_snr", value: "true", supported: "false")) {
            try LCMScheduler(config: rescaled, steps: 4)
        }
    }

    @Test func decoderFoldersMustHoldAnAutoencoderTiny() throws {
        let vae = ModelFixtures.model("sd1-tiny") + "/vae"
        #expect(throws: ModelError.self) { try AutoencoderTiny(directory: vae) }
        do { _ = try AutoencoderTiny(directory: vae) } catch {
            #expect(error.description == ConfigError.unsupported(path: vae + "/config.json", key: "_class_name",
                                                                 value: "AutoencoderKL", supported: "AutoencoderTiny").description)
        }
        let silu = try writeTemporary(#"{"_class_name": "AutoencoderTiny", "act_fn": "silu"}"#)
        #expect(throws: ConfigError.unsupported(path: silu, key: "act_fn", value: "silu", supported: "relu")) {
            try AutoencoderTinyConfig(path: silu)
        }
        let missing = try temporaryFolder().path
        #expect(throws: ModelError.self) { try AutoencoderTiny(directory: missing) }
    }

    @Test func taesdFixtureHasTheRealLayout() throws {
        let tiny = try AutoencoderTiny(directory: Self.fewstep.appendingPathComponent("taesd-tiny").path)
        #expect(tiny.config.blocksPerLevel == [3, 3, 3, 1])
        #expect(tiny.scaleFactor == 8 && tiny.scalingFactor == 1)
    }
}

/// Batched rendering: one UNet call per step for several images, each the bytes it has alone.
@Suite struct BatchRenderingTests {
    static func requests(seeds: [UInt64], guidance: [Float], steps: Int, scheduler: SchedulerKind?) -> [GenerationRequest] {
        zip(seeds, guidance).enumerated().map { index, pair in
            GenerationRequest(prompt: ["a lighthouse", "a red fox in the snow", "an astronaut"][index % 3],
                              negativePrompt: index == 1 ? "blurry" : "", seed: pair.0, steps: steps, guidance: pair.1,
                              scheduler: scheduler, width: 32, height: 24)
        }
    }

    @Test(arguments: [("sd1-tiny", SchedulerKind.eulerAncestral, Float(7.5)), ("sd2-tiny", .dpmSolverMultistep, 5),
                      ("lcm-tiny", .lcm, 8), ("turbo-tiny", .eulerAncestral, 0)])
    func eachImageIsTheBytesItHasAlone(_ model: String, _ scheduler: SchedulerKind, _ guidance: Float) throws {
        let own = FewStepTests.fewstep.appendingPathComponent(model).path
        let directory = FileManager.default.fileExists(atPath: own) ? own : ModelFixtures.model(model)
        let pipeline = try TextToImagePipeline(model: StableDiffusionModel(directory: directory))
        let requests = Self.requests(seeds: [3, 4, 5], guidance: [guidance, guidance * 2, guidance], steps: 3, scheduler: scheduler)
        let prompts = try requests.map { try pipeline.encode($0.prompt) }
        let negatives = try requests.map { pipeline.usesNegativePrompt($0) ? try pipeline.encode($0.negativePrompt) : nil }
        let batched = try pipeline.diffusion.render(requests, prompts: prompts, negativePrompts: negatives)
        for (index, request) in requests.enumerated() {
            let alone = try pipeline.generate(request)
            #expect(batched[index].pixels == alone.pixels, "\(model) image \(index) differs from its single render")
        }
        #expect(batched[0].pixels != batched[1].pixels)
    }

    /// OpenBLAS's sums change with a product's width, so its batches are rendered image by image.
    @Test func aBatchOnOpenBLASIsEachImageAlone() throws {
        let model = try StableDiffusionModel(directory: ModelFixtures.model("sd1-tiny"))
        let pipeline = try TextToImagePipeline(model: model, compute: ComputeContext(gemm: .openBLAS))
        let requests = Self.requests(seeds: [3, 4], guidance: [7.5, 3], steps: 2, scheduler: .eulerAncestral)
        let prompts = try requests.map { try pipeline.encode($0.prompt) }
        let negatives = try requests.map { try pipeline.encode($0.negativePrompt) }
        let batched = try pipeline.diffusion.render(requests, prompts: prompts, negativePrompts: negatives)
        for (index, request) in requests.enumerated() {
            #expect(batched[index].pixels == (try pipeline.generate(request)).pixels, "image \(index) differs from its single render")
        }
    }

    @Test func requestsThatCannotShareAUNetCallAreRefused() throws {
        let pipeline = try TextToImagePipeline(model: StableDiffusionModel(directory: ModelFixtures.model("sd1-tiny")))
        let prompt = try pipeline.encode("x")
        let base = GenerationRequest(prompt: "x", steps: 2, guidance: 0, width: 32, height: 32)
        var other = base
        other.steps = 3
        #expect(throws: PipelineError.self) {
            try pipeline.diffusion.render([base, other], prompts: [prompt, prompt], negativePrompts: [nil, nil])
        }
        other = base
        other.guidance = 7.5
        #expect(throws: PipelineError.self) {
            try pipeline.diffusion.render([base, other], prompts: [prompt, prompt], negativePrompts: [nil, prompt])
        }
    }
}
