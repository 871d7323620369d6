import Foundation
import Testing

/// The real SD 1.5 and SD 2.1 architectures, built from their published configs with random
/// weights, run one forward pass of each component at 512×512 in a separate `sweep` process,
/// so its peak memory is its own: outputs must have diffusers' shapes and memory must stay
/// within the weights plus 3 GiB.
@Suite(.serialized) struct FullSizeModelTests {
    @Test(arguments: ["sd1", "sd2"])
    func fullSizeForwardPasses(_ architecture: String) throws {
        let sweep = try #require(SmokeTests.sweepExecutable, "sweep executable not built next to the tests")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: sweep)
        process.arguments = ["bench", "--model-config", architecture, "--size", "512", "--max-overhead-gib", "3"]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "sweep bench --model-config \(architecture) failed: \(text)")
        let width = architecture == "sd1" ? 768 : 1024
        for expected in ["text encoder    output [1, 77, \(width)]", "UNet (1 pass)   output [1, 4, 64, 64]",
                         "VAE decode      output [1, 3, 512, 512]", "VAE encode      output [1, 4, 64, 64]"] {
            #expect(text.contains(expected), "missing '\(expected)' in: \(text)")
        }
    }
}
