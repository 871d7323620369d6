import Foundation
import Testing
@testable import Sweep

/// `decoder:` in a manifest: a sweep axis whose default (the model's VAE) changes no id, CSV or PNG text.
@Suite struct DecoderAxisTests {
    static let taesd = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../Fixtures/fewstep/taesd-tiny").standardized.path

    let manifest = """
        model: MODEL
        prompts: [a lighthouse]
        seeds: [1, 2]
        steps: 4
        """

    @Test func theModelsOwnVAELeavesIdsAsTheyWere() throws {
        let fixture = try ManifestFixture()
        let plain = try fixture.read(manifest)
        let explicit = try fixture.read(manifest + "\ndecoder: vae")
        #expect(plain.tasks().map(\.id) == explicit.tasks().map(\.id))
        // The ids of the identity text before decoders existed (SHA-256 computed in Python).
        #expect(plain.tasks().map(\.id) == ["8b8137419870b41a", "c78661b023c0b975"])
        let resolved = try plain.resolvedYAML()
        #expect(plain.decoders == [nil] && !resolved.contains("decoder"))
        let entries = Self.finished(plain.tasks())
        let csv = ManifestCSV.manifest(tasks: plain.tasks(), entries: entries, model: plain.modelName, eta: false,
                                       decoder: plain.decoders.contains { $0 != nil })
        #expect(csv.split(separator: "\r\n").count == 3 && !csv.contains("decoder"))
    }

    @Test func aDecoderListIsASweepAxisWithItsOwnIdsAndLabels() throws {
        let fixture = try ManifestFixture()
        let job = try fixture.read(manifest + "\ndecoder: [vae, \(Self.taesd)]")
        let plain = try fixture.read(manifest)
        let tasks = Array(job.tasks())
        #expect(job.tasks().count == 4 && tasks.count == 4 && job.sweptAxes == [.seeds, .decoder])
        #expect(tasks.filter { $0.decoder == nil }.map(\.id) == plain.tasks().map(\.id))
        #expect(Set(tasks.map(\.id)).count == 4)
        #expect(tasks.compactMap(\.decoderName) == ["taesd-tiny", "taesd-tiny"])
        let grid = try #require(GridPlan.plans(for: job, tasks: tasks).first)
        #expect(grid.columnLabels == ["Decoder: VAE", "Decoder: taesd-tiny"])
        let entries = Self.finished(tasks)
        let csv = ManifestCSV.manifest(tasks: tasks, entries: entries, model: job.modelName, eta: false, decoder: true)
        let rows = csv.split(separator: "\r\n")
        #expect(rows.first?.contains("model,decoder,sha256") == true)
        #expect(rows.dropFirst().map { $0.contains(",sd1-tiny,vae,00,") || $0.contains(",sd1-tiny,taesd-tiny,00,") } == [true, true, true, true])
        // Beside a replacement VAE, the decoder column follows it.
        #expect(ManifestCSV.columns(eta: false, vae: true, decoder: true).joined(separator: ",").contains("model,vae,decoder,sha256"))
        // job.yaml reads back to the same job.
        #expect(try Array(fixture.read(job.resolvedYAML()).tasks()) == tasks)
    }

    @Test func decodersAreInnermostWithinEachLoRASet() throws {
        let fixture = try ManifestFixture()
        let loras = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../Fixtures/lora").standardized.path
        let job = try fixture.read(manifest + "\ndecoder: [vae, \(Self.taesd)]\nloras: [{path: \(loras)/kohya.safetensors, scale: [0.5, 1]}]")
        let tasks = Array(job.tasks())
        #expect(job.tasks().count == 8 && tasks.count == 8 && Set(tasks.map(\.id)).count == 8)
        #expect(tasks.map { $0.decoder == nil ? "v" : "t" } == ["v", "t", "v", "t", "v", "t", "v", "t"])
        #expect(tasks.map { $0.loras.first?.scale } == [0.5, 0.5, 0.5, 0.5, 1, 1, 1, 1])
        #expect(tasks.map(\.coordinates[.decoder]) == [0, 1, 0, 1, 0, 1, 0, 1])
        #expect(tasks.map(\.index) == Array(0..<8))
        // LoRAs, then the decoder, follow the fields of the ids before either existed.
        let plain = Array(try fixture.read(manifest).tasks())
        #expect(tasks[1].identity(model: job.modelName)
                == plain[0].identity(model: job.modelName) + "\u{0}loras=kohya:0.5\u{0}decoder=taesd-tiny")
        // A batch never mixes LoRA sets or decoders: they change the model it runs.
        var queue = TaskQueue(job.tasks())
        var batches: [[RenderTask]] = []
        while case let batch = queue.next(for: 0, count: 8), !batch.isEmpty { batches.append(batch) }
        #expect(batches.map(\.count) == [2, 2, 2, 2])
        #expect(batches.allSatisfy { batch in batch.allSatisfy { $0.loras == batch[0].loras && $0.decoder == batch[0].decoder } })
    }

    @Test func aDecoderThatIsNeitherTAESDNorAVAEIsReported() throws {
        let fixture = try ManifestFixture()
        let problems = try fixture.problems(manifest + "\ndecoder: [vae, \(ManifestFixture.models)/sd1-tiny/unet]")
        #expect(problems.count == 1)
        #expect(problems.first?.line == 5)
        #expect(problems.first?.message.contains("\"_class_name\" is UNet2DConditionModel; supported: AutoencoderTiny") == true)
    }

    /// A1111's "SD VAE" axis: a replacement AutoencoderKL beside the model's own, labelled and
    /// written as A1111 does ("VAE: name").
    @Test func aReplacementVAEIsADecoderValue() throws {
        let fixture = try ManifestFixture()
        let vae = ManifestFixture.models + "/sd1-tiny/vae"
        let job = try fixture.read(manifest + "\ndecoder: [vae, \(vae)]\ngrid: {rows: seeds, columns: decoder}")
        #expect(job.decoders.map { $0.map(DecoderKind.init) } == [nil, .replacementVAE])
        #expect(DecoderKind(Self.taesd) == .tiny && DecoderKind("vae") == .modelVAE)
        let plan = try #require(GridPlan.plans(for: job, tasks: job.allTasks()).only)
        #expect(plan.columnLabels == ["Decoder: VAE", "VAE: vae"])
        #expect(Set(job.tasks().map(\.id)).count == 4)
    }

    /// Journal entries marking every task finished, so each has a CSV row.
    static func finished(_ tasks: some Sequence<RenderTask>) -> [String: JournalEntry] {
        Dictionary(uniqueKeysWithValues: tasks.map { ($0.id, JournalEntry(id: $0.id, sha256: "00", seconds: 1, rank: 0, host: "h")) })
    }

    @Test func renderEndsWithTheJobsImagesPerHour() {
        var log = ProgressLog(total: 3, alreadyDone: 0)
        for rank in [0, 1, 1] { _ = log.line(for: RenderResult(taskID: "t", png: Data(), seconds: 4, rank: rank, host: "h")) }
        let lines = log.summary(elapsed: 10)
        #expect(lines.contains("  rank 1 (h): 2 image(s), 8.0 s busy, 900 images/hour"))
        #expect(lines.last == "  job: 3 image(s) in 10.0 s wall, 1080 images/hour")
    }
}
