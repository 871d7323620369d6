import Foundation
import Testing
@testable import Sweep

/// A rank rendering image after image keeps its activation memory: after the first image, the
/// UNet and VAE take every buffer from the pipeline's pool instead of the allocator. (A pipeline
/// that built its pool per image allocated the same buffers again for every image.)
@Suite struct PoolReuseTests {
    @Test func imagesAfterTheFirstAllocateNothing() throws {
        let job = try ManifestFixture().read("model: MODEL\nprompts: [a lighthouse]\nseeds: [1, 2, 3, 4]\nsteps: 3\nsize: 64\n")
        let renderer = try TaskRenderer(job: job)
        let pool = renderer.pipeline.diffusion.pool
        var allocated: [Int] = [], reused: [Int] = []
        for task in job.tasks() {
            _ = try renderer.render(task)
            allocated.append(pool.usage.allocated)
            reused.append(pool.usage.reused)
        }
        #expect(allocated[0] > 0)
        // A pool rebuilt per image allocates all of image 1's buffers again for every image; a kept one
        // allocates none: parallel jobs take their scratch buffers per thread before they start, so
        // every image asks for the same buffers at the same moments, whatever the thread timing, and
        // the tiny model's buffers stay far below the pool's bound (nothing is given back).
        #expect(allocated == Array(repeating: allocated[0], count: 4), "images 2–4 allocated new buffers: \(allocated)")
        // Each image takes at least as many buffers from the pool as the first image allocated.
        #expect(zip(reused.dropFirst(), reused).allSatisfy { $0 - $1 >= allocated[0] }, "reused: \(reused)")
    }
}
