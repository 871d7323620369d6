import StableDiffusion
import Testing

/// Progress counts the steps the user asked for, as diffusers' progress bar does, however many
/// UNet evaluations a scheduler makes (PNDM evaluates its first timestep twice, Heun two per step).
@Suite struct PipelineProgressTests {
    @Test(arguments: SchedulerKind.allCases)
    func everyStepIsReportedOnceOutOfTheStepsAsked(_ kind: SchedulerKind) throws {
        let pipeline = try TextToImagePipeline(model: StableDiffusionModel(directory: ModelFixtures.model("sd1-tiny")))
        var reported: [String] = []
        _ = try pipeline.generate(GenerationRequest(prompt: "a fox", negativePrompt: "", seed: 1, steps: 4, guidance: 1,
                                                    scheduler: kind, eta: 0, width: 16, height: 16)) { progress in
            reported.append("\(progress.step)/\(progress.steps)")
        }
        #expect(reported == ["1/4", "2/4", "3/4", "4/4"])
    }

    /// Image-to-image counts the `int(steps × strength)` steps it runs, diffusers' `num_inference_steps - t_start`,
    /// with PNDM's repeated timestep cut away with the skipped steps (diffusers then has no warm-up left).
    @Test(arguments: SchedulerKind.allCases)
    func imageToImageReportsTheStepsItRuns(_ kind: SchedulerKind) throws {
        let pipeline = try TextToImagePipeline(model: StableDiffusionModel(directory: ModelFixtures.model("sd1-tiny")))
        let image = RGBImage(width: 16, height: 16, pixels: (0..<(16 * 16 * 3)).map { UInt8($0 % 251) })
        var reported: [String] = []
        _ = try pipeline.generate(GenerationRequest(prompt: "a fox", seed: 1, steps: 6, guidance: 1, scheduler: kind,
                                                    initImage: image, strength: 0.5)) { progress in
            reported.append("\(progress.step)/\(progress.steps)")
        }
        #expect(reported == ["1/3", "2/3", "3/3"])
    }
}
