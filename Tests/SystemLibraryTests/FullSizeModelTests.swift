import Foundation
import Testing

/// The real SD 1.5 and SD 2.1 architectures, built from their published configs with random
/// weights, run one forward pass of each component at 512×512 in a separate `sweep` process,
/// so its peak memory is its own: outputs must have diffusers' shapes and memory must stay
/// within the weights plus 3 GiB.
@Suite(.serialized) struct FullSizeModelTests {
    @Test(arguments: ["sd1", "sd2"])
    func fullSizeForwardPasses(_ architecture: String) async throws {
        let run = try await SweepProcess.run(["bench", "--model-config", architecture, "--size", "512", "--one-pass", "--max-overhead-gib", "3"])
        let text = run.output + run.errors
        #expect(run.status == 0, "sweep bench --model-config \(architecture) failed: \(text)")
        let width = architecture == "sd1" ? 768 : 1024
        for expected in ["text encoder    output [1, 77, \(width)]", "UNet (1 pass)   output [1, 4, 64, 64]",
                         "VAE decode      output [1, 3, 512, 512]", "VAE encode      output [1, 4, 64, 64]"] {
            #expect(text.contains(expected), "missing '\(expected)' in: \(text)")
        }
    }
}
