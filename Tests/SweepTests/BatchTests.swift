import Foundation
import Testing
@testable import Sweep

/// `batch: N` / `--batch N`: tasks that can share UNet calls go out together; files stay the same.
@Suite struct BatchTests {
    let manifest = """
        model: MODEL
        prompts: [a lighthouse, a red fox]
        seeds: [1, 2, 3]
        guidance: [0, 7.5]
        steps: 2
        scheduler: [euler-a, ddim]
        size: 32
        """

    @Test func theQueueBatchesOnlyTasksThatShareAUNetCall() throws {
        let job = try ManifestFixture().read(manifest)
        var queue = TaskQueue(job.tasks())
        var batches: [[RenderTask]] = []
        while case let batch = queue.next(for: 0, count: 4), !batch.isEmpty { batches.append(batch) }
        #expect(batches.flatMap { $0 }.count == job.tasks().count)
        #expect(batches.allSatisfy { batch in batch.count <= 4 && batch.allSatisfy { $0.batchKey == batch[0].batchKey } })
        // 4 kinds (guided or not × 2 schedulers) of 6 tasks each: batches of 4 and 2.
        #expect(batches.map(\.count).sorted() == [2, 2, 2, 2, 4, 4, 4, 4])
    }

    @Test func batchesComeFromTheStreamsWindowAndCoverEveryTaskOnce() throws {
        // 2 × 100 tasks alternating between two kinds: far more than the queue's window holds.
        let job = try ManifestFixture().read("model: MODEL\nprompts: [a lighthouse]\nseeds: 1-100\nscheduler: [euler-a, ddim]\nsteps: 2\n")
        var queue = TaskQueue(job.tasks())
        var batches: [[RenderTask]] = []
        while case let batch = queue.next(for: 0, count: 8), !batch.isEmpty { batches.append(batch) }
        #expect(batches.flatMap { $0 }.map(\.id).sorted() == job.tasks().map(\.id).sorted())
        #expect(batches.allSatisfy { batch in batch.allSatisfy { $0.batchKey == batch[0].batchKey } })
        // Batches are full while the window holds 8 of a kind; only each kind's last one can be short.
        #expect(batches.count(where: { $0.count < 8 }) <= 2 && batches.count <= 26)
    }

    @Test func batchIsReadCheckedAndResolved() throws {
        let fixture = try ManifestFixture()
        let job = try fixture.read(manifest + "\nbatch: 4")
        let single = try fixture.read(manifest)
        #expect(job.batch == 4 && Array(job.tasks()) == Array(single.tasks()))
        #expect(try fixture.read(job.resolvedYAML()).batch == 4)
        #expect(try fixture.problems(manifest + "\nbatch: 0").map(\.message) == ["batch '0': expected a whole number from 1 to 64"])
    }

    @Test func batchedTasksGiveTheSamePNGFilesAsSingleOnes() throws {
        let job = try ManifestFixture().read(manifest)
        let renderer = try TaskRenderer(job: job)
        var queue = TaskQueue(job.tasks())
        let batch = queue.next(for: 0, count: 3)
        #expect(batch.count == 3)
        let together = try renderer.render(batch).map(\.png)
        let alone = try batch.map { try renderer.render($0).png }
        #expect(together == alone)
    }
}
