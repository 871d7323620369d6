import Foundation
import StableDiffusion
import Testing
@testable import Tensors

/// Deterministic pseudo-random values in [-1, 1) so failures reproduce.
func randomTensor(_ shape: [Int], seed: UInt64 = 1, scale: Float = 1, offset: Float = 0) -> Tensor {
    RandomWeights.uniform(shape, state: seed &* 0x9E37_79B9_7F4A_7C15 | 1, scale: scale, offset: offset)
}

/// Largest absolute difference; the shapes must agree.
func maxDifference(_ a: Tensor, _ b: Tensor) -> Float {
    #expect(a.shape == b.shape, "shapes differ: \(a.shape) vs \(b.shape)")
    guard a.shape == b.shape else { return .infinity }
    return zip(a.scalars, b.scalars).map { abs($0 - $1) }.max() ?? 0
}

func expectClose(_ a: Tensor, _ b: Tensor, tolerance: Float, _ what: String) {
    let difference = maxDifference(a, b)
    #expect(difference <= tolerance, "\(what): max |difference| \(difference) > \(tolerance)")
}

/// Reference values recorded from PyTorch by Tests/Fixtures/kernels/make_kernel_fixtures.py.
enum PyTorchReference {
    static let file: SafeTensorsFile? = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../Fixtures/kernels/kernels.safetensors").standardized
        return try? SafeTensorsFile(path: url.path)
    }()

    static func tensor(_ name: String) throws -> Tensor {
        let file = try #require(file, "kernel fixtures missing: run Tests/Fixtures/kernels/make_kernel_fixtures.py")
        return try file.tensor(name)
    }
}

/// Straightforward references the fast kernels are checked against.
enum Naive {
    static func conv2d(_ x: Tensor, _ w: Tensor, _ bias: Tensor?, stride: Int, padding: Padding) -> Tensor {
        let (n, cin, h, wd) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        let (cout, kh, kw) = (w.shape[0], w.shape[2], w.shape[3])
        let oh = (h + padding.top + padding.bottom - kh) / stride + 1
        let ow = (wd + padding.left + padding.right - kw) / stride + 1
        let xs = x.scalars, ws = w.scalars, bs = bias?.scalars
        return Tensor(shape: [n, cout, oh, ow]) { out in
            for b in 0..<n { for co in 0..<cout { for oy in 0..<oh { for ox in 0..<ow {
                var sum = Double(bs?[co] ?? 0)
                for ci in 0..<cin { for ky in 0..<kh { for kx in 0..<kw {
                    let iy = oy * stride - padding.top + ky, ix = ox * stride - padding.left + kx
                    guard iy >= 0, iy < h, ix >= 0, ix < wd else { continue }
                    sum += Double(xs[((b * cin + ci) * h + iy) * wd + ix]) * Double(ws[((co * cin + ci) * kh + ky) * kw + kx])
                } } }
                out[((b * cout + co) * oh + oy) * ow + ox] = Float(sum)
            } } } }
        }
    }

    static func matmul(_ a: [Float], _ b: [Float], m: Int, n: Int, k: Int, transposeB: Bool = false) -> [Float] {
        var c = [Float](repeating: 0, count: m * n)
        for i in 0..<m { for j in 0..<n {
            var sum = 0.0
            for p in 0..<k { sum += Double(a[i * k + p]) * Double(transposeB ? b[j * k + p] : b[p * n + j]) }
            c[i * n + j] = Float(sum)
        } }
        return c
    }

    static func attention(_ q: Tensor, _ k: Tensor, _ v: Tensor, heads: Int, causal: Bool) -> Tensor {
        let (batch, lq, width, lk) = (q.shape[0], q.shape[1], q.shape[2], k.shape[1])
        let d = width / heads
        let qs = q.scalars, ks = k.scalars, vs = v.scalars
        return Tensor(shape: q.shape) { out in
            for b in 0..<batch { for h in 0..<heads { for i in 0..<lq {
                var scores = [Double](repeating: -.infinity, count: lk)
                for j in 0..<lk where !(causal && j > i) {
                    var dot = 0.0
                    for c in 0..<d { dot += Double(qs[(b * lq + i) * width + h * d + c]) * Double(ks[(b * lk + j) * width + h * d + c]) }
                    scores[j] = dot / Double(d).squareRoot()
                }
                let top = scores.max()!
                let weights = scores.map { Foundation.exp($0 - top) }
                let total = weights.reduce(0, +)
                for c in 0..<d {
                    var sum = 0.0
                    for j in 0..<lk { sum += weights[j] / total * Double(vs[(b * lk + j) * width + h * d + c]) }
                    out[(b * lq + i) * width + h * d + c] = Float(sum)
                }
            } } }
        }
    }
}
