import Foundation
import StableDiffusion
import Testing
@testable import Sweep

/// `prompt_syntax`, `clip_skip`, `guidance_rescale` and `interpolate` as manifest axes: read and
/// checked, out of the ids at their defaults, and rendering diffusers' images
/// (Tests/Fixtures/prompts) through the whole sweep path.
@Suite struct PromptAxesTests {
    let fixture: ManifestFixture
    init() throws { fixture = try ManifestFixture() }

    static let images = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../Fixtures/prompts/images.safetensors").standardized.path
    let base = "model: MODEL\nprompts: [a photograph of an astronaut riding a horse]\nseeds: [7]\nsteps: 4\nscheduler: euler\nsize: 32\n"

    @Test func defaultsLeaveIdsAndTextAsTheyWere() throws {
        let plain = try fixture.read(base)
        let swept = try fixture.read(base + "clip_skip: [1, 2]\nguidance_rescale: [0, 0.7]\nprompt_syntax: [a1111, plain]\n")
        let tasks = Array(swept.tasks())
        #expect(tasks.count == 8)
        let defaults = tasks.filter { $0.request.clipSkip == 1 && $0.request.guidanceRescale == 0 && $0.request.promptSyntax == .a1111 }
        #expect(defaults.map(\.id) == Array(plain.tasks()).map(\.id))
        #expect(Set(tasks.map(\.id)).count == 8)
        let identity = tasks.first { $0.request.clipSkip == 2 && $0.request.guidanceRescale == 0.7 && $0.request.promptSyntax == .plain }?
            .identity(model: "sd1-tiny") ?? ""
        #expect(identity.hasSuffix("prompt_syntax=plain\u{0}clip_skip=2\u{0}guidance_rescale=0.7"))
    }

    @Test func guidanceRescaleOnlyAppliesToGuidedTasks() throws {
        let job = try fixture.read(base + "guidance: [1, 7.5]\nguidance_rescale: [0, 0.7]\n")
        #expect(Array(job.tasks()).map { "\($0.guidance) \($0.request.guidanceRescale)" } == ["1.0 0.0", "7.5 0.0", "7.5 0.7"])
    }

    @Test func interpolationIsAnAxisFromOnePromptToAnother() throws {
        let job = try fixture.read("model: MODEL\ninterpolate: {from: a red apple, to: a blue car, steps: 3, method: lerp}\nseeds: [7]\n")
        let tasks = Array(job.tasks())
        #expect(job.prompts.map(\.text) == ["a red apple"])
        #expect(tasks.map(\.request.interpolation) == [0, 0.5, 1].map { PromptInterpolation(target: "a blue car", fraction: $0, method: .lerp) })
        #expect(Set(tasks.map(\.seed)) == [7] && job.grid?.columns == .interpolate)
        #expect(tasks.map { AxisDeclaration.interpolate.label($0.value(.interpolate)) } == ["Interpolate: 0", "Interpolate: 0.5", "Interpolate: 1"])
        // job.yaml records the points and reads back to the same job.
        #expect(try fixture.read(job.resolvedYAML()) == job)
        let slerp = try fixture.read("model: MODEL\ninterpolate: {from: a red apple, to: a blue car, steps: 2}\n")
        #expect(Array(slerp.tasks()).map(\.request.interpolation?.method) == [.slerp, .slerp])
    }

    @Test func badSettingsAreReportedWithTheirLines() throws {
        #expect(try fixture.problems(base + "clip_skip: 0\n").map(\.description).last?.hasSuffix("clip_skip '0': expected a whole number from 1 to 48") == true)
        #expect(try fixture.problems(base + "guidance_rescale: 1.5\n").map(\.message) == ["guidance_rescale 1.5: expected a number from 0 (off) to 1"])
        #expect(try fixture.problems(base + "prompt_syntax: fancy\n").map(\.message) == ["prompt_syntax 'fancy': expected a1111 or plain"])
        #expect(try fixture.problems("model: MODEL\nprompts: [a (cat:1.2.3)]\n").map(\.message)
                == ["'a (cat:1.2.3)': prompt weight ':1.2.3)' is not a number (expected e.g. (word:1.3)) (or prompt_syntax: plain)"])
        #expect(try fixture.problems("model: MODEL\nprompts: [a (cat:1.2.3)]\nprompt_syntax: plain\n").isEmpty)
        let interpolate = { (body: String) in try fixture.problems("model: MODEL\ninterpolate: {\(body)}\n").map(\.message) }
        #expect(try interpolate("from: a, to: b, steps: 1") == ["interpolate steps '1': expected a whole number from 2 to 10000"])
        #expect(try interpolate("from: a, to: b, steps: 3, method: cubic") == ["interpolate method 'cubic': expected slerp or lerp"])
        #expect(try interpolate("from: a, steps: 3") == ["interpolate: missing 'to' (the prompt to go to)"])
        #expect(try fixture.problems("model: MODEL\nprompts: [x]\ninterpolate: {from: a, to: b, steps: 2}\n").map(\.message)
                == ["interpolate: its 'from' is the prompt; leave out prompts and prompts_file"])
    }

    /// The PNG text names what is not the default, as A1111 writes it.
    @Test func pngTextNamesClipSkipRescaleEmphasisAndInterpolation() throws {
        var request = GenerationRequest(prompt: "a (cat)", guidance: 7)
        #expect(PromptSettingsText.items(for: request).isEmpty)
        request.clipSkip = 2
        request.guidanceRescale = 0.7
        request.promptSyntax = .plain
        request.interpolation = PromptInterpolation(target: "a dog, running", fraction: 0.25, method: .slerp)
        #expect(PromptSettingsText.items(for: request) == ["Clip skip: 2", "CFG Rescale phi: 0.7", "Emphasis: None",
                                                           "Interpolate to: \"a dog, running\"", "Interpolate: slerp 0.25"])
    }

    @Test func interpolationRendersDiffusersImage() throws {
        let job = try fixture.read("model: MODEL\ninterpolate: {from: a red apple, to: a (blue:1.2) car, steps: 3}\nseeds: [7]\nsteps: 4\n"
                                   + "scheduler: euler\nsize: 32\n")
        try expectRendered(job, task: 1, matches: "sd1.interpolate-slerp-0.5")
    }

    @Test func clipSkipAndRescaleAxesRenderDiffusersImages() throws {
        let job = try fixture.read(base + "negative_prompt: blurry\nclip_skip: [1, 2]\nguidance_rescale: [0, 0.7]\n")
        try expectRendered(job, task: 1, matches: "sd1.rescale-0.7")
        let negative = try fixture.read(base + "negative_prompt: blurry, low quality\nclip_skip: [1, 2]\n")
        try expectRendered(negative, task: 1, matches: "sd1.clip-skip-2-negative")
    }

    /// A prompt of two chunks cannot share a UNet call with one of one chunk: each gets its own,
    /// and every file is the one rendering it alone gives, in the order asked.
    @Test func batchesOfPromptsOfDifferentLengthsGiveTheFilesOfSingleRenders() throws {
        let long = Array(repeating: "cat", count: 80).joined(separator: " ")
        let job = try fixture.read("model: MODEL\nprompts: [a dog, \(long), an owl]\nsteps: 2\nsize: 32\nbatch: 3\n")
        let tasks = Array(job.tasks())
        let renderer = try TaskRenderer(job: job)
        #expect(try renderer.render(tasks).map(\.png) == tasks.map { try renderer.render($0).png })
    }

    /// Images rendered before A1111 syntax was read (as plain text) under the same id are
    /// rendered again: their provenance changes; plain prompts keep theirs.
    @Test func syntaxPromptsChangeTheirProvenanceOnly() throws {
        let job = try fixture.read("model: MODEL\nprompts: [a cat, a (cat), a cat BREAK hat]\n")
        let tasks = Array(job.tasks())
        let old = tasks.map { ContentHash.hex("model-sha256=m\u{0}" + $0.identity(model: job.modelName)) }
        let now = tasks.map { JobOutput.provenance(of: $0, job: job, modelHash: "m", decoderHashes: [:], checker: nil) }
        #expect(zip(old, now).map { $0 == $1 } == [true, false, false])
    }

    private func expectRendered(_ job: Job, task index: Int, matches name: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let task = Array(job.tasks())[index]
        let png = try TaskRenderer(job: job).render(task).png
        let pixels = try PNGImage(decoding: png).pixels
        let expected = try SafeTensorsFile(path: Self.images).tensor(name).scalars.map { UInt8($0) }
        let worst = zip(pixels, expected).map { abs(Int($0) - Int($1)) }.max() ?? 255
        #expect(pixels.count == expected.count && worst <= 1, "\(name): \(worst) levels off", sourceLocation: sourceLocation)
    }
}
