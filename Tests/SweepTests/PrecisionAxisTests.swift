import CKernels
import Foundation
import Testing
@testable import Sweep

/// `precision:` in a manifest: an axis whose default (float32) changes no id, CSV or PNG text,
/// and whose bf16 images carry it in their ids, batches, CSV column and PNG text.
@Suite struct PrecisionAxisTests {
    let manifest = """
        model: MODEL
        prompts: [a lighthouse]
        seeds: [1, 2]
        steps: 2
        size: 32
        """

    @Test func float32LeavesIdsCSVAndJobAsTheyWere() throws {
        let fixture = try ManifestFixture()
        let plain = try fixture.read(manifest)
        let explicit = try fixture.read(manifest + "\nprecision: float32")
        #expect(plain.tasks().map(\.id) == explicit.tasks().map(\.id))
        let resolved = try explicit.resolvedYAML()
        #expect(explicit.csvAxes.isEmpty && !resolved.contains("precision"))
        #expect(plain.tasks().allSatisfy { $0.request.precision == .float32 })
    }

    @Test(.enabled(if: ds_bf16_available() != 0, "this CPU has no AVX512-BF16"))
    func bf16IsAnAxisWithItsOwnIdsBatchesColumnAndPNGText() throws {
        let fixture = try ManifestFixture()
        let job = try fixture.read(manifest + "\nprecision: [float32, bf16]")
        let plain = try fixture.read(manifest)
        let tasks = Array(job.tasks())
        #expect(tasks.count == 4 && job.sweptAxes == [.seeds, .precision])
        #expect(tasks.filter { $0.request.precision == .float32 }.map(\.id) == plain.tasks().map(\.id))
        #expect(Set(tasks.map(\.id)).count == 4)
        #expect(tasks.filter { $0.request.precision == .bf16 }.map(\.batchKey) != tasks.filter { $0.request.precision == .float32 }.map(\.batchKey))
        #expect(job.csvAxes.map(\.csvColumn) == ["precision"])
        let grid = try #require(GridPlan.plans(for: job, tasks: tasks).first)
        #expect(grid.columnLabels == ["Precision: float32", "Precision: bf16"])
        #expect(try Array(fixture.read(job.resolvedYAML()).tasks()) == tasks)

        let renderer = try TaskRenderer(job: job)
        let texts = try tasks.prefix(2).map { task in PNGText.texts(in: try renderer.render(task).png)["parameters"] ?? "" }
        #expect(!texts[0].contains("Precision") && texts[1].hasSuffix(", Precision: bf16"), "\(texts)")
    }

    @Test func anUnknownPrecisionIsReportedWithItsLine() throws {
        let problems = try ManifestFixture().problems(manifest + "\nprecision: [float32, fp8]")
        #expect(problems.map(\.message) == ["precision[1] 'fp8': expected one of float32, bf16"])
        #expect(problems.first?.line == 6)
    }
}
