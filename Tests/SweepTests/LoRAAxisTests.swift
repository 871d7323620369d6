import Foundation
import StableDiffusion
@testable import Sweep
import Testing

/// `loras: [{path, scale}]` in a manifest: a sweep axis, A1111's X/Y/Z `<lora:name:scale>`.
@Suite struct LoRAAxisTests {
    static let loras = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../Fixtures/lora").standardized.path
    let fixture: ManifestFixture
    init() throws { fixture = try ManifestFixture() }

    func manifest(_ loras: String) -> String {
        "model: MODEL\nprompts: [a cat, a dog]\nseeds: [1, 2]\nloras: \(loras.replacingOccurrences(of: "LORAS", with: Self.loras))\n"
    }

    @Test func scalesAreAnAxisOutermost() throws {
        let job = try fixture.read(manifest("[{path: LORAS/kohya.safetensors, scale: [0.5, 0.8, 1]}, {path: LORAS/diffusers.safetensors, scale: 0.4}]"))
        let tasks = job.tasks().map { $0 }
        #expect(job.count(of: .loras) == 3 && job.sweptAxes.first == .loras && tasks.count == 3 * 2 * 2)
        // One model load per set: the set changes only twice in manifest order.
        #expect(zip(tasks, tasks.dropFirst()).filter { $0.loras != $1.loras }.count == 2)
        #expect(tasks[0].loras.map(\.description) == ["kohya:0.5", "diffusers:0.4"] && tasks[4].loras.first?.scale == 0.8)
        #expect(Set(tasks.map(\.id)).count == tasks.count)
        #expect(GridPlan.label(.loras, job: job, tasks: [tasks[11]]) == "LoRA: kohya:1, diffusers:0.4")
        #expect(ManifestReader.defaultGrid(for: job)?.rows == .loras)
    }

    @Test func idsWithoutLoRAsAreUnchanged() throws {
        let plain = try fixture.read("model: MODEL\nprompts: [a cat, a dog]\nseeds: [1, 2]\n").tasks().map { $0 }
        let withLoRA = try fixture.read(manifest("[{path: LORAS/kohya.safetensors}]")).tasks().map { $0 }
        #expect(plain[0].id == Job.derivedID("model=sd1-tiny\u{0}prompt=a cat\u{0}negative=\u{0}seed=1\u{0}steps=50\u{0}guidance=7.5\u{0}scheduler=pndm\u{0}size=32x32\u{0}eta=0.0"))
        #expect(withLoRA[0].id == Job.derivedID("model=sd1-tiny\u{0}prompt=a cat\u{0}negative=\u{0}seed=1\u{0}steps=50\u{0}guidance=7.5\u{0}scheduler=pndm\u{0}size=32x32\u{0}eta=0.0\u{0}loras=kohya:1"))
    }

    @Test func resolvedManifestReadsBack() throws {
        let job = try fixture.read(manifest("[{path: LORAS/kohya.safetensors, scale: [0.5, 1]}]"))
        let again = try fixture.read(try job.resolvedYAML())
        #expect(again.loras == job.loras && again.loras == [JobLoRA(path: Self.loras + "/kohya.safetensors", scales: [0.5, 1])])
    }

    @Test func badEntriesAreReportedWithTheirLine() throws {
        let missing = try fixture.problems(manifest("[{path: nope.safetensors}]"))
        #expect(missing.count == 1 && missing[0].line == 4 && missing[0].message.contains("lora 'nope.safetensors'"))
        let notLoRA = try fixture.problems(manifest("[{path: \(ManifestFixture.models)/sd1-tiny/vae/diffusion_pytorch_model.safetensors}]"))
        #expect(notLoRA.first?.message.contains("not a LoRA") == true)
        let badScale = try fixture.problems(manifest("[{path: LORAS/kohya.safetensors, scale: [0.5, strong]}]"))
        #expect(badScale.first?.message == "loras[0]: lora scale[1] 'strong': expected a number")
        let unmatched = try fixture.problems(manifest("[{path: LORAS/unmatched.safetensors}]"))
        #expect(unmatched.count == 1 && unmatched[0].line == 4 && unmatched[0].message.hasSuffix(
            "LoRA key 'lora_unet_down_blocks_9_attentions_0_proj_in.lora_down.weight' matches nothing in the model's unet"))
        let unknown = try fixture.problems(manifest("[{path: LORAS/kohya.safetensors, weight: 1}]"))
        #expect(unknown.first?.message.hasPrefix("loras[0]: unknown lora key 'weight'") == true)
    }

    @Test func csvHasALoRAColumnOnlyWhenUsed() throws {
        let job = try fixture.read(manifest("[{path: LORAS/kohya.safetensors, scale: 0.8}]"))
        let tasks = job.tasks().map { $0 }
        let entries = Dictionary(uniqueKeysWithValues: tasks.map { ($0.id, JournalEntry(id: $0.id, sha256: "x", seconds: 1, rank: 0, host: "h")) })
        let csv = ManifestCSV.manifest(tasks: tasks, entries: entries, model: "m", eta: false, lora: true)
        #expect(csv.hasPrefix(ManifestCSV.columns(eta: false, lora: true).joined(separator: ",") + "\r\n") && csv.contains(",kohya:0.8\r\n"))
        let plain = try fixture.read("model: MODEL\nprompts: [a cat]\n").tasks().map { $0 }
        #expect(!ManifestCSV.manifest(tasks: plain, entries: entries, model: "m", eta: false).contains("lora"))
    }

    @Test func pngTextNamesLoRAsAsA1111() {
        var parameters = GenerationParameters(prompt: "a cat", negativePrompt: "", steps: 20, sampler: "Euler", guidance: 7,
                                              seed: 1, width: 512, height: 512, model: "sd15")
        parameters.loras = [LoRAInfo(name: "style", scale: 0.8, hash: "0123456789ab"), LoRAInfo(name: "detail", scale: 1, hash: "ba9876543210")]
        #expect(parameters.a1111Text == "a cat\nSteps: 20, Sampler: Euler, CFG scale: 7, Seed: 1, Size: 512x512, Model: sd15, "
                + "Lora hashes: \"style: 0123456789ab, detail: ba9876543210\", Lora: \"style:0.8, detail:1\"")
    }

    /// A1111's short hash: SHA-256 of the file after the safetensors header (checked against Python's hashlib).
    @Test func loraHashIsTheAddnetHash() throws {
        #expect(try LoRAInfo(LoRA(path: Self.loras + "/kohya.safetensors")).hash == "0b21542c0796")
    }
}
