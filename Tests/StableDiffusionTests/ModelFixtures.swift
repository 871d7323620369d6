import Foundation
import StableDiffusion
import Tensors
import Testing

/// The tiny diffusers pipelines and their reference outputs, recorded from PyTorch by
/// Tests/Fixtures/models/make_model_fixtures.py.
enum ModelFixtures {
    static let names = ["sd1-tiny", "sd2-tiny"]
    /// A UNet and VAE only, with per-block depths, no mid block, no VAE attention or quant convs.
    static let options = "options-tiny"

    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../Fixtures/models").standardized.path

    static func model(_ name: String) -> String { directory + "/" + name }

    static func reference(_ name: String) throws -> SafeTensorsFile {
        try SafeTensorsFile(path: directory + "/\(name)-reference.safetensors")
    }
}

/// Fails unless `actual` matches `expected` within `1e-4 · max(1, max|expected|)`: float32
/// against float32 through differently ordered sums (BLAS blocking, our SIMD exp) drifts by
/// ~1e-6 per layer relative to the activations' scale, so 1e-4 leaves room for depth while
/// any wrong weight, layout or activation is off by orders of magnitude more.
func expectParity(_ actual: Tensor, _ expected: Tensor, _ what: String, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(actual.shape == expected.shape, "\(what): shape \(actual.shape), expected \(expected.shape)",
            sourceLocation: sourceLocation)
    guard actual.shape == expected.shape else { return }
    let a = actual.scalars, e = expected.scalars
    let scale = max(1, e.map(abs).max() ?? 0)
    let error = zip(a, e).map { abs($0 - $1) }.max() ?? 0
    #expect(error <= 1e-4 * scale, "\(what): max |error| \(error) > \(1e-4 * scale)", sourceLocation: sourceLocation)
}
