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
}
