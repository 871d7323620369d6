import Foundation
import StableDiffusion
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
