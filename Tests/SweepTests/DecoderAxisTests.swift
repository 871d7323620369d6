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
        let csv = ManifestCSV.manifest(tasks: plain.tasks(), entries: [:], model: plain.modelName)
        #expect(!csv.contains("decoder"))
    }

    @Test func aDecoderListIsASweepAxisWithItsOwnIdsAndLabels() throws {
        let fixture = try ManifestFixture()
        let job = try fixture.read(manifest + "\ndecoder: [vae, \(Self.taesd)]")
        let plain = try fixture.read(manifest)
        let tasks = job.tasks()
        #expect(tasks.count == 4 && job.sweptAxes == [.seeds, .decoder])
        #expect(tasks.filter { $0.decoder == nil }.map(\.id) == plain.tasks().map(\.id))
        #expect(Set(tasks.map(\.id)).count == 4)
        #expect(tasks.compactMap(\.decoderName) == ["taesd-tiny", "taesd-tiny"])
        let grid = try #require(GridPlan.plans(for: job, tasks: tasks).first)
        #expect(grid.columnLabels == ["Decoder: VAE", "Decoder: taesd-tiny"])
        let entries = Dictionary(uniqueKeysWithValues: tasks.map {
            ($0.id, JournalEntry(id: $0.id, sha256: "00", seconds: 1, rank: 0, host: "h"))
        })
        let header = ManifestCSV.manifest(tasks: tasks, entries: entries, model: job.modelName).split(separator: "\r\n").first
        #expect(header?.contains("model,vae,decoder,sha256") == true)
        // job.yaml reads back to the same job.
        #expect(try fixture.read(job.resolvedYAML()).tasks() == tasks)
    }

    @Test func aDecoderThatIsNotAnAutoencoderTinyIsReported() throws {
        let fixture = try ManifestFixture()
        let problems = try fixture.problems(manifest + "\ndecoder: [vae, \(ManifestFixture.models)/sd1-tiny/vae]")
        #expect(problems.count == 1)
        #expect(problems.first?.line == 5)
        #expect(problems.first?.message.contains("\"_class_name\" is AutoencoderKL; supported: AutoencoderTiny") == true)
    }

    @Test func renderEndsWithTheJobsImagesPerHour() {
        var log = ProgressLog(total: 3, alreadyDone: 0)
        for rank in [0, 1, 1] { _ = log.line(for: RenderResult(taskID: "t", png: Data(), seconds: 4, rank: rank, host: "h")) }
        let lines = log.summary(elapsed: 10)
        #expect(lines.contains("  rank 1 (h): 2 image(s), 8.0 s busy, 900 images/hour"))
        #expect(lines.last == "  job: 3 image(s) in 10.0 s wall, 1080 images/hour")
    }
}
