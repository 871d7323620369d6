import COpenBLAS
import Foundation
import Tensors

/// One kernel call at one shape, with its floating-point operation count.
struct BenchCase: Sendable {
    enum Kind: Sendable {
        case conv(batch: Int, cin: Int, cout: Int, size: Int, kernel: Int, stride: Int)
        case attention(batch: Int, heads: Int, queries: Int, keys: Int, headDim: Int)
        /// A linear layer (`[rows, inputs] · weightᵀ + bias`), as the transformer blocks run them.
        case linear(rows: Int, inputs: Int, outputs: Int)
    }

    let name: String
    let kind: Kind

    var flops: Double {
        switch kind {
        case let .conv(batch, cin, cout, size, kernel, stride):
            let out = Double(size / stride)
            return 2 * Double(batch * cin * cout * kernel * kernel) * out * out
        case let .attention(batch, heads, queries, keys, headDim):
            // Two matrix products (scores and weighted values) of queries × keys × headDim each.
            return 4 * Double(batch * heads) * Double(queries) * Double(keys) * Double(headDim)
        case let .linear(rows, inputs, outputs):
            return 2 * Double(rows) * Double(inputs) * Double(outputs)
        }
    }

    /// Shape description shared with bench/torch_kernels.py.
    var json: [String: Any] {
        switch kind {
        case let .conv(batch, cin, cout, size, kernel, stride):
            return ["name": name, "kind": "conv", "batch": batch, "cin": cin, "cout": cout, "size": size,
                    "kernel": kernel, "stride": stride]
        case let .attention(batch, heads, queries, keys, headDim):
            return ["name": name, "kind": "attention", "batch": batch, "heads": heads, "queries": queries,
                    "keys": keys, "head_dim": headDim]
        case let .linear(rows, inputs, outputs):
            return ["name": name, "kind": "linear", "rows": rows, "inputs": inputs, "outputs": outputs]
        }
    }
}

enum KernelBenchmark {
    static func cases(quick: Bool) -> [BenchCase] {
        var cases: [BenchCase] = [
            BenchCase(name: "unet conv3x3 320→320 @64² ×2", kind: .conv(batch: 2, cin: 320, cout: 320, size: 64, kernel: 3, stride: 1)),
            BenchCase(name: "unet conv3x3 640→640 @32² ×2", kind: .conv(batch: 2, cin: 640, cout: 640, size: 32, kernel: 3, stride: 1)),
            BenchCase(name: "unet conv3x3 1280→1280 @16² ×2", kind: .conv(batch: 2, cin: 1280, cout: 1280, size: 16, kernel: 3, stride: 1)),
            BenchCase(name: "unet conv3x3 1280→1280 @8² ×2", kind: .conv(batch: 2, cin: 1280, cout: 1280, size: 8, kernel: 3, stride: 1)),
            BenchCase(name: "unet conv1x1 320→320 @64² ×2", kind: .conv(batch: 2, cin: 320, cout: 320, size: 64, kernel: 1, stride: 1)),
            BenchCase(name: "unet down conv3x3/2 320 @64² ×2", kind: .conv(batch: 2, cin: 320, cout: 320, size: 64, kernel: 3, stride: 2)),
            BenchCase(name: "unet linear 320→320 ×8192", kind: .linear(rows: 8192, inputs: 320, outputs: 320)),
            BenchCase(name: "unet geglu proj 320→2560 ×8192", kind: .linear(rows: 8192, inputs: 320, outputs: 2560)),
            BenchCase(name: "unet ff out 1280→320 ×8192", kind: .linear(rows: 8192, inputs: 1280, outputs: 320)),
            BenchCase(name: "unet linear 1280→1280 ×512", kind: .linear(rows: 512, inputs: 1280, outputs: 1280)),
            BenchCase(name: "cross-attn 4096×77 d40 ×2×8", kind: .attention(batch: 2, heads: 8, queries: 4096, keys: 77, headDim: 40)),
            BenchCase(name: "self-attn 1024² d80 ×2×8", kind: .attention(batch: 2, heads: 8, queries: 1024, keys: 1024, headDim: 80)),
        ]
        if !quick {
            cases += [
                BenchCase(name: "self-attn 4096² d40 ×2×8", kind: .attention(batch: 2, heads: 8, queries: 4096, keys: 4096, headDim: 40)),
                BenchCase(name: "vae conv3x3 512→512 @128²", kind: .conv(batch: 1, cin: 512, cout: 512, size: 128, kernel: 3, stride: 1)),
                BenchCase(name: "vae conv3x3 256→256 @256²", kind: .conv(batch: 1, cin: 256, cout: 256, size: 256, kernel: 3, stride: 1)),
                BenchCase(name: "vae conv3x3 128→128 @512²", kind: .conv(batch: 1, cin: 128, cout: 128, size: 512, kernel: 3, stride: 1)),
            ]
        }
        return cases
    }

    /// Our float32 GEMM (the context's kernel, split over its threads) on an n×n×n product.
    static func sgemmGFLOPS(size n: Int, repeats: Int, compute: ComputeContext) -> Double {
        let a = random([n, n]), b = random([n, n])
        let seconds = compute.with(precision: .float32).run { best(of: repeats) { _ = a.matmul(b) } }
        return 2 * Double(n * n * n) / seconds / 1e9
    }

    /// OpenBLAS's own threaded `cblas_sgemm` on the same product, for reference. Only here does
    /// OpenBLAS run threaded; it is set back to the one thread our GEMM parts run it with.
    static func openBLASGFLOPS(size n: Int, repeats: Int, threads: Int) -> Double {
        let a = random([n, n]).scalars, b = random([n, n]).scalars
        var c = [Float](repeating: 0, count: n * n)
        openblas_set_num_threads(Int32(threads))
        defer { openblas_set_num_threads(1) }
        let seconds = best(of: repeats) {
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(n), Int32(n), Int32(n), 1, a, Int32(n),
                        b, Int32(n), 0, &c, Int32(n))
        }
        return 2 * Double(n * n * n) / seconds / 1e9
    }

    /// The GEMM in use and the OpenBLAS core, as the tables' headers print them.
    static var gemmDescription: String {
        let core = openblas_get_corename().map { String(cString: $0) } ?? "unknown"
        return "GEMM \(GEMMKernel.current.rawValue), OpenBLAS core \(core)"
    }

    static func time(_ benchCase: BenchCase, repeats: Int) -> Double {
        switch benchCase.kind {
        case let .conv(batch, cin, cout, size, kernel, stride):
            let x = random([batch, cin, size, size])
            let w = random([cout, cin, kernel, kernel]), bias = random([cout])
            let pad = Padding.all(kernel / 2)
            return best(of: repeats) { _ = x.conv2d(weight: w, bias: bias, stride: stride, padding: pad) }
        case let .attention(batch, heads, queries, keys, headDim):
            let q = random([batch, queries, heads * headDim])
            let k = random([batch, keys, heads * headDim]), v = random([batch, keys, heads * headDim])
            return best(of: repeats) { _ = Tensor.attention(query: q, key: k, value: v, heads: heads) }
        case let .linear(rows, inputs, outputs):
            let x = random([1, rows, inputs]), w = random([outputs, inputs]), bias = random([outputs])
            return best(of: repeats) { _ = x.linear(weight: w, bias: bias) }
        }
    }

    static func header(withTorch: Bool) -> String {
        let base = "kernel".padding(toLength: 34, withPad: " ", startingAt: 0) + "     ms   GFLOP/s  % of sgemm"
        return withTorch ? base + "   torch ms   ours/torch" : base
    }

    static func row(_ benchCase: BenchCase, seconds: Double, sgemm: Double, torch: Double?) -> String {
        let gflops = benchCase.flops / seconds / 1e9
        var line = benchCase.name.padding(toLength: 34, withPad: " ", startingAt: 0)
            + String(format: " %7.1f  %8.1f  %9.0f%%", seconds * 1000, gflops, 100 * gflops / sgemm)
        if let torch { line += String(format: "  %9.1f  %10.2f", torch * 1000, seconds / torch) }
        return line
    }

    private static func random(_ shape: [Int]) -> Tensor {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        return Tensor(shape: shape) { out in
            for i in out.indices {
                state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                out[i] = Float(Int32(truncatingIfNeeded: state >> 32)) / Float(Int32.max)
            }
        }
    }

    /// The best time of `body` after a warm-up, each run in one buffer pool as the pipeline runs its
    /// layers (PyTorch's caching allocator does the same): outputs and scratch reuse memory already
    /// paged in, so page faults on fresh memory are not counted as the kernel's time.
    private static func best(of repeats: Int, _ body: () -> Void) -> Double {
        let pool = BufferPool()
        BufferPool.scoped(in: pool, body)  // warm-up: page in buffers, start BLAS threads
        var best = Double.infinity
        for _ in 0..<repeats {
            let start = DispatchTime.now().uptimeNanoseconds
            BufferPool.scoped(in: pool, body)
            best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        }
        return best
    }
}
