import Foundation
import StableDiffusion
import Testing
@testable import Sweep

/// SDXL's manifest keys: axes that change nothing when absent, reach the request when set, and
/// are refused on SD 1.x/2.x models.
@Suite struct SDXLAxesTests {
    static let sdxl = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../Fixtures/sdxl/sdxl-tiny").standardized.path

    let manifest = """
        model: \(Self.sdxl)
        prompts: [a lighthouse]
        seeds: [1]
        steps: 2
        """

    @Test func absentKeysLeaveIdsAndColumnsAsTheyWere() throws {
        let fixture = try ManifestFixture()
        let plain = try fixture.read(manifest)
        let explicit = try fixture.read(manifest + "\nprompt_2: \"\"\ntarget_size: \"\"")
        #expect(plain.tasks().map(\.id) == explicit.tasks().map(\.id))
        let resolved = try plain.resolvedYAML()
        #expect(plain.csvAxes.isEmpty && !resolved.contains("prompt_2"))
        let request = try #require(Array(plain.tasks()).first).request
        #expect(!request.usesSDXLSettings && !request.hasNegativePrompt)
    }

    @Test func valuesReachTheRequestAndSweep() throws {
        let job = try ManifestFixture().read(manifest + """

            negative_prompt: blurry
            prompt_2: [an oil painting, a sketch]
            negative_prompt_2: dark
            original_size: 1024x768
            crops_coords_top_left: "8, 4"
            target_size: 512
            """)
        let tasks = Array(job.tasks())
        #expect(tasks.count == 2 && job.sweptAxes == [.prompt2] && Set(tasks.map(\.id)).count == 2)
        let request = tasks[0].request
        #expect(request.prompt2 == "an oil painting" && request.negativePrompt2 == "dark" && request.hasNegativePrompt)
        #expect(request.microConditioning == MicroConditioning(originalSize: .init(width: 1024, height: 768),
                                                               cropTopLeft: .init(top: 8, left: 4),
                                                               targetSize: .init(width: 512, height: 512)))
        #expect(job.csvAxes.map(\.axis) == [.prompt2, .negativePrompt2, .originalSize, .cropTopLeft, .targetSize])
        #expect(request.sdxlInfotext == ["Prompt 2: an oil painting", "Negative prompt 2: dark", "Original size: 1024x768",
                                         "Crop top: 8, Crop left: 4", "Target size: 512x512"])
        // job.yaml reads back to the same job.
        #expect(try Array(ManifestFixture().read(job.resolvedYAML()).tasks()) == tasks)
    }

    @Test func badValuesAndSDModelsAreRefusedWithTheirLine() throws {
        let fixture = try ManifestFixture()
        let bad = try fixture.problems(manifest + "\noriginal_size: 1024by768\ncrops_coords_top_left: -1,0")
        #expect(bad.map(\.description).contains { $0.contains("original_size '1024by768': expected WIDTHxHEIGHT") })
        #expect(bad.map(\.description).contains { $0.contains("crops_coords_top_left '-1,0': expected TOP,LEFT") })
        let sd = try fixture.problems("model: MODEL\nprompts: [x]\nprompt_2: y\n")
        #expect(sd.count == 1 && sd.first?.line == 3)
        #expect(sd[0].description.contains("prompt_2: an SDXL setting; the model is Stable Diffusion 1.x/2.x"))
    }

    /// An A1111 quoted value keeps its commas: `Prompt 2: "a, b"`.
    @Test func pngTextQuotesWhatA1111Quotes() {
        let request = GenerationRequest(prompt: "x", prompt2: "a, b: \"c\"/d")
        #expect(request.sdxlInfotext == [#"Prompt 2: "a, b: \"c\"/d""#])
    }
}
