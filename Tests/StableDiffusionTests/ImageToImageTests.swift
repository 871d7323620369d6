import Foundation
import StableDiffusion
import Tensors
import Testing

/// The pieces of diffusers' image-to-image that the parity images (PipelineParityTests, the
/// `img2img.*` cases) do not isolate: Pillow's Lanczos resize, every scheduler's `add_noise` at a
/// begin index, the strength arithmetic and what is refused.
@Suite struct ImageToImageTests {
    static let directory = PipelineCase.fixtures.appendingPathComponent("img2img")

    @Test func everySchedulerHasAnImageToImageCase() {
        // A case without a scheduler on sd1-tiny runs its own PNDM.
        let covered = Set(PipelineCase.all.filter { $0.init_image != nil }.compactMap { $0.scheduler ?? ($0.model == "sd1-tiny" ? "pndm" : nil) })
        #expect(covered == Set(SchedulerKind.allCases.map(\.rawValue)))
    }

    @Test(arguments: [("down-40x24", "init-50x30.png"), ("up-48x40", "init-32.png"),
                      ("wide-only-64x30", "init-50x30.png"), ("tall-only-50x16", "init-50x30.png")])
    func lanczosResizeIsPillows(_ name: String, _ source: String) throws {
        let expected = try PipelineCase.pixels(name, in: Self.directory)
        let image = try PipelineCase.pixels(source, in: Self.directory)
        let resized = PillowResampler(.lanczos).resize(image, width: expected.width, height: expected.height)
        let differing = zip(resized.pixels, expected.pixels).filter { $0 != $1 }.count
        #expect(differing == 0, "\(name): \(differing) of \(expected.pixels.count) bytes differ from Pillow's")
    }

    @Test func preprocessingAnImageOfTheRequestedSizeOnlyRescales() throws {
        let image = try PipelineCase.pixels("init-32.png", in: Self.directory)
        let tensor = VAEImageProcessor.preprocess(image, width: 32, height: 32)
        #expect(tensor.shape == [1, 3, 32, 32])
        // Pixel (row 0, column 1), green: plane 1.
        #expect(tensor.scalars[32 * 32 + 1] == 2 * (Float(image.pixels[1 * 3 + 1]) / 255) - 1)
    }

    @Test(arguments: SchedulerKind.allCases)
    func addNoiseAtTheBeginIndexIsDiffusers(_ kind: SchedulerKind) throws {
        let reference = try SafeTensorsFile(path: Self.directory.appendingPathComponent("add_noise.safetensors").path)
        let config = try SchedulerConfig(path: ModelFixtures.model("sd1-tiny") + "/scheduler/scheduler_config.json")
        var scheduler = try makeScheduler(kind, config: config, steps: 10, eta: 0)
        let begin = 4 * scheduler.evaluationsPerStep
        scheduler.setBeginIndex(begin)
        let noised = scheduler.addNoise(try reference.tensor("original"), noise: try reference.tensor("noise"), step: begin)
        let expected = try reference.tensor(kind.rawValue)
        let worst = zip(noised.scalars, expected.scalars).map { abs($0 - $1) }.max() ?? .infinity
        #expect(worst <= 1e-6, "\(kind.rawValue): add_noise is \(worst) off")
    }

    @Test func strengthCutsTheScheduleAsDiffusersGetTimesteps() throws {
        let config = try SchedulerConfig(path: ModelFixtures.model("sd1-tiny") + "/scheduler/scheduler_config.json")
        let lms = try makeScheduler(.lms, config: config, steps: 10, eta: 0)
        // int(10 * 0.7) is 7 in doubles; in float32 0.7 * 10 is 6.9999995 and would keep 6.
        #expect(lms.beginIndex(steps: 10, strength: 0.7) == 3)
        #expect(lms.beginIndex(steps: 10, strength: 1) == 0)
        let heun = try makeScheduler(.heun, config: config, steps: 4, eta: 0)
        #expect(heun.beginIndex(steps: 4, strength: 0.5) == 4)
    }

    @Test func badStrengthsAreRefusedNamingTheValue() throws {
        let image = RGBImage(width: 8, height: 8, pixels: [UInt8](repeating: 128, count: 8 * 8 * 3))
        for strength in [0, -0.5, 1.5, .nan] {
            #expect {
                try GenerationRequest(prompt: "x", steps: 10, initImage: image, strength: strength).validate()
            } throws: { error in
                // NaN is not equal to itself: compare what the user reads.
                "\(error)" == PipelineError.badStrength(strength).description
            }
        }
        #expect(throws: PipelineError.noDenoisingSteps(strength: 0.05, steps: 10)) {
            try GenerationRequest(prompt: "x", steps: 10, initImage: image, strength: 0.05).validate()
        }
        // Without an init image the strength is not used, so not checked.
        try GenerationRequest(prompt: "x", steps: 10, strength: 5).validate()
    }

    @Test func aTAESDDecoderCannotEncodeAnInitImage() throws {
        let model = try StableDiffusionModel(directory: ModelFixtures.model("sd1-tiny"))
        let tiny = try AutoencoderTiny(directory: PipelineCase.fixtures.appendingPathComponent("fewstep/taesd-tiny").path)
        let pipeline = try TextToImagePipeline(model: model, decoder: tiny)
        let image = try PipelineCase.pixels("init-32.png", in: Self.directory)
        #expect(throws: PipelineError.noImageEncoder) {
            try pipeline.generate(GenerationRequest(prompt: "x", steps: 2, initImage: image, strength: 0.5))
        }
    }
}
