import CKernels
import Foundation
import StableDiffusion
import Tensors
import Testing

/// bf16 images against diffusers' float32 images of the same settings: close (PSNR, max and mean
/// level difference, printed for the record) but not the same bytes, so the bf16 GEMM really ran.
@Suite(.enabled(if: ds_bf16_available() != 0, "this CPU has no AVX512-BF16"))
struct PrecisionTests {
    /// Level differences of two images of the same size.
    struct Difference: CustomStringConvertible {
        let maximum: Int, mean: Double, psnr: Double

        init(_ a: [UInt8], _ b: [UInt8]) {
            let levels = zip(a, b).map { abs(Int($0) - Int($1)) }
            maximum = levels.max() ?? 0
            mean = Double(levels.reduce(0, +)) / Double(max(levels.count, 1))
            let mse = levels.reduce(0.0) { $0 + Double($1 * $1) } / Double(max(levels.count, 1))
            psnr = mse == 0 ? .infinity : 10 * log10(255 * 255 / mse)
        }

        var description: String { String(format: "max %d levels, mean %.3f, PSNR %.1f dB", maximum, mean, psnr) }
    }

    @Test(arguments: ["sd1.default", "sd1.euler", "sd2.default", "sd2.euler-a"])
    func bf16ImageIsCloseToDiffusersFloat32(_ name: String) throws {
        let testCase = try #require(PipelineCase.all.first { $0.name == name })
        var request = try testCase.request
        request.precision = .bf16
        let image = try testCase.pipeline().generate(request)
        let difference = Difference(image.pixels, try testCase.expectedPixels())
        print("bf16 vs diffusers float32, \(name) (\(image.width)×\(image.height)): \(difference)")
        #expect(difference.maximum > 1, "\(name): bf16 gave float32's image (\(difference))")
        #expect(difference.psnr >= 30 && difference.mean <= 4, "\(name): bf16 too far from float32: \(difference)")
    }

    /// Requests of different precisions cannot share a batch (one context per UNet call).
    @Test func batchesKeepOnePrecision() throws {
        let pipeline = try TextToImagePipeline(model: StableDiffusionModel(directory: ModelFixtures.model("sd1-tiny")))
        let plain = GenerationRequest(prompt: "a fox", steps: 2, guidance: 1, width: 16, height: 16)
        var bf16 = plain
        bf16.precision = .bf16
        let prompt = try pipeline.encode("a fox")
        #expect(throws: PipelineError.self) {
            try pipeline.diffusion.render([plain, bf16], prompts: [prompt, prompt], negativePrompts: [nil, nil])
        }
    }
}
