import Testing
@testable import Tensors

/// Winograd F(2,3) and F(4,3) against the naive convolution (in Float64) and the direct one.
@Suite struct WinogradConv2DTests {
    static let variants: [Conv2DAlgorithm] = [.winograd2, .winograd4]

    /// F(4,3)'s transforms multiply by up to 8 (A) and 5 (B) before the products are summed,
    /// so its rounding error is ~10× F(2,3)'s, which is close to the direct convolution's.
    func tolerance(_ algorithm: Conv2DAlgorithm, _ f2: Float) -> Float { algorithm == .winograd4 ? 5 * f2 : f2 }

    /// Odd sizes (partial tiles at the right and bottom), channel counts that are not multiples
    /// of 16, batch 2, and the paddings the models use: all sides, none, the VAE's asymmetric one.
    @Test(arguments: variants, [Padding.all(1), .all(0), Padding(top: 0, left: 1, bottom: 2, right: 0)])
    func matchesNaive(algorithm: Conv2DAlgorithm, padding: Padding) {
        let x = randomTensor([2, 19, 13, 11], seed: 41)
        let w = randomTensor([21, 19, 3, 3], seed: 42, scale: 0.3), b = randomTensor([21], seed: 43)
        let expected = Naive.conv2d(x, w, b, stride: 1, padding: padding)
        expectClose(x.conv2d(weight: w, bias: b, padding: padding, algorithm: algorithm), expected,
                    tolerance: tolerance(algorithm, 2e-5), "\(algorithm) padding \(padding)")
        expectClose(x.conv2d(weight: w, padding: padding, algorithm: algorithm),
                    Naive.conv2d(x, w, nil, stride: 1, padding: padding), tolerance: tolerance(algorithm, 2e-5), "\(algorithm) without bias")
    }

    /// Wider than sixteen tiles (several vectors of tiles per row, the last one partial) and a
    /// single input channel.
    @Test(arguments: variants)
    func wideRowsMatchNaive(algorithm: Conv2DAlgorithm) {
        let x = randomTensor([1, 1, 7, 150], seed: 44), w = randomTensor([3, 1, 3, 3], seed: 45)
        expectClose(x.conv2d(weight: w, padding: .all(1), algorithm: algorithm),
                    Naive.conv2d(x, w, nil, stride: 1, padding: .all(1)), tolerance: tolerance(algorithm, 1e-5), "\(algorithm) wide rows")
    }

    /// Many rows of tiles, so the product runs as several blocks, one of them partial, across images.
    @Test(arguments: variants)
    func severalBlocksMatchDirect(algorithm: Conv2DAlgorithm) throws {
        let x = randomTensor([2, 200, 41, 80], seed: 46), w = randomTensor([120, 200, 3, 3], seed: 47, scale: 0.1)
        let b = randomTensor([120], seed: 48)
        let plan = WinogradConv2D(tileSize: try #require(algorithm.winogradTileSize), batch: 2, channels: 200,
                                  outChannels: 120, height: 41, width: 80, outH: 41, outW: 80, padding: .all(1))
        #expect(2 * plan.tilesY > plan.tileRowsPerBlock && (2 * plan.tilesY) % plan.tileRowsPerBlock != 0,
                "test no longer spans several blocks")
        let direct = x.conv2d(weight: w, bias: b, padding: .all(1), algorithm: .direct)
        expectClose(x.conv2d(weight: w, bias: b, padding: .all(1), algorithm: algorithm), direct,
                    tolerance: tolerance(algorithm, 5e-5), "\(algorithm) blocks")
    }

    /// An image gets the same bytes alone or inside a batch (what batched rendering relies on);
    /// `ThreadCountTests` checks one against two threads.
    @Test(arguments: variants)
    func sameBytesAloneAndInABatch(algorithm: Conv2DAlgorithm) {
        let x = randomTensor([3, 40, 30, 70], seed: 49), w = randomTensor([24, 40, 3, 3], seed: 50)
        let batch = x.conv2d(weight: w, padding: .all(1), algorithm: algorithm)
        let second = Tensor(shape: [1, 40, 30, 70], scalars: Array(x.scalars[40 * 30 * 70 ..< 2 * 40 * 30 * 70]))
        let alone = second.conv2d(weight: w, padding: .all(1), algorithm: algorithm)
        #expect(alone.scalars == Array(batch.scalars[24 * 30 * 70 ..< 2 * 24 * 30 * 70]), "\(algorithm) depends on the batch")
    }

    /// U made one depth block at a time inside the AVX2 kernel's products gives the bytes of U made
    /// whole per job: 300 input channels (two depth blocks, the last partial), 29 output channels
    /// (jobs of 12, the last partial) and 45 tiles (strips of 16, the last partial), in one block.
    @Test func fusedWeightTransformGivesTheSameBytes() {
        guard AVX2.available && Conv2DAlgorithm.winogradAvailable else { return }
        let x = randomTensor([1, 300, 18, 36], seed: 51), w = randomTensor([29, 300, 3, 3], seed: 52, scale: 0.05)
        let b = randomTensor([29], seed: 53)
        let base = WinogradConv2D(tileSize: 4, batch: 1, channels: 300, outChannels: 29, height: 18, width: 36,
                                  outH: 18, outW: 36, padding: .all(1))
        #expect(base.tileRowsPerBlock >= base.tilesY && base.tilesX * base.tilesY == 45, "test no longer one block of 45 tiles")
        func run(fused: Bool) -> [Float] {
            var plan = base
            plan.fusesWeightTransform = fused
            let (out, y) = Tensor.empty([1, 29, 18, 36])
            ComputeContext(threads: 2, gemm: .avx2).run {
                plan.run(input: x.pointer, weight: Weight(w), bias: b.pointer, output: y)
            }
            return out.scalars
        }
        let fused = run(fused: true), sameBytes = fused == run(fused: false)
        #expect(sameBytes, "U made per depth block changed the bytes")
        expectClose(Tensor(shape: [1, 29, 18, 36], scalars: fused), x.conv2d(weight: w, bias: b, padding: .all(1), algorithm: .direct),
                    tolerance: 1e-3, "fused Winograd against the direct convolution")
    }

    /// The UNet's and VAE's 3×3 convolutions on maps of 32² and more take F(4,3) (conv_out too),
    /// and on 16² maps under the AVX2 kernel (whose 16-column tile their 16 tiles per image fill);
    /// strided, 1×1, few-input-channel and smaller-map ones do not.
    @Test func choosesWinogradForModelLayers() {
        guard Conv2DAlgorithm.winogradAvailable else { return }
        #expect(Conv2DAlgorithm.preferred(cin: 1280, cout: 1280, kernel: (3, 3), stride: 1, outH: 16, outW: 16, gemm: .avx2) == .winograd4)
        #expect(Conv2DAlgorithm.preferred(cin: 1280, cout: 1280, kernel: (3, 3), stride: 1, outH: 16, outW: 24, gemm: .avx2) == .winograd4)
        #expect(Conv2DAlgorithm.preferred(cin: 1280, cout: 1280, kernel: (3, 3), stride: 1, outH: 8, outW: 8, gemm: .avx2) == .direct)
        #expect(Conv2DAlgorithm.preferred(cin: 1280, cout: 1280, kernel: (3, 3), stride: 1, outH: 16, outW: 16, gemm: .avx512) == .direct)
        #expect(Conv2DAlgorithm.preferred(cin: 320, cout: 320, kernel: (3, 3), stride: 1, outH: 64, outW: 64) == .winograd4)
        #expect(Conv2DAlgorithm.preferred(cin: 1920, cout: 640, kernel: (3, 3), stride: 1, outH: 32, outW: 32) == .winograd4)
        #expect(Conv2DAlgorithm.preferred(cin: 128, cout: 3, kernel: (3, 3), stride: 1, outH: 512, outW: 512) == .winograd4)
        #expect(Conv2DAlgorithm.preferred(cin: 320, cout: 320, kernel: (3, 3), stride: 2, outH: 32, outW: 32) == .direct)
        #expect(Conv2DAlgorithm.preferred(cin: 320, cout: 320, kernel: (1, 1), stride: 1, outH: 64, outW: 64) == .direct)
        #expect(Conv2DAlgorithm.preferred(cin: 4, cout: 320, kernel: (3, 3), stride: 1, outH: 64, outW: 64) == .direct)
    }
}
