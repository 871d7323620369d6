import CKernels

/// A stride-1 3×3 convolution by Winograd's minimal filtering F(m×m, 3×3) (Lavin & Gray 2015):
/// each m×m output tile costs (m+2)² multiplications per channel pair instead of 9m², so F(4,3)
/// does a quarter of the direct convolution's products (F(2,3) 44%). The products become
/// (m+2)² independent GEMMs, U_ξ (cout × cin) · V_ξ (cin × tiles), run on our GEMM; the
/// transforms around them are the AVX-512 or AVX2 kernels of `winograd_transforms.h`.
///
/// Every output value depends only on its tile, its channel and the GEMM's k-ordered sums, so
/// the bytes are the same for any thread count and any batch; they differ from the direct
/// convolution's by the transforms' rounding (see `WinogradConv2DTests`).
struct WinogradConv2D {
    /// Output tile side m: 2 or 4.
    let tileSize: Int
    let batch, channels, outChannels, height, width, outH, outW: Int
    let padding: Padding
    /// Whether jobs make U one depth block at a time inside the products (`fusedProducts`), which
    /// only our AVX2 kernel in float32 runs; the same bytes either way.
    var fusesWeightTransform = ComputeContext.current.packsWithAVX2

    /// Floats of V and M (the transformed block of tiles and its products) per block: big
    /// enough for wide GEMMs, small enough to stay in the last-level cache.
    static let blockBudget = 3 << 20
    /// Floats of transformed weights a job makes and multiplies (4 MB) when U is made per block:
    /// the whole U of a deep layer would be hundreds of MB, written and read back on every call.
    static let weightBudget = 1 << 20
    /// Up to this many floats (64 MB), a product of several blocks transforms its weights once
    /// for all of them: made again per block, the transform took a fifth of a VAE decode's time.
    static let sharedWeightBudget = 1 << 24

    var points: Int { (tileSize + 2) * (tileSize + 2) }
    var tilesX: Int { (outW + tileSize - 1) / tileSize }
    var tilesY: Int { (outH + tileSize - 1) / tileSize }

    /// Whole rows of tiles per block; a function of the shape alone.
    var tileRowsPerBlock: Int {
        Swift.max(1, Self.blockBudget / (points * (channels + outChannels) * tilesX))
    }

    /// Output channels whose weights one job transforms before its GEMMs: at least 48, since
    /// every job packs all of V again for its GEMMs.
    var outChannelsPerJob: Int { Swift.min(outChannels, Swift.max(48, Self.weightBudget / (points * channels))) }

    /// Whether U is transformed once before the first block rather than in slices inside each.
    var sharesWeights: Bool {
        batch * tilesY > tileRowsPerBlock && points * outChannels * channels <= Self.sharedWeightBudget
    }

    func run(input x: UnsafePointer<Float>, weight w: Weight, bias: UnsafePointer<Float>?,
             output y: UnsafeMutablePointer<Float>) {
        let rowsTotal = batch * tilesY, rowsPerBlock = tileRowsPerBlock
        let blockTiles = Swift.min(rowsTotal, rowsPerBlock) * tilesX, shares = sharesWeights
        // A half weight is widened once for all blocks, on the caller's thread (and pool).
        w.withFloat32 { w in
            BufferPool.withScratch(count: shares ? points * outChannels * channels : 0) { shared in
                if shares {
                    let (m, cout, cin, points) = (Int32(tileSize), outChannels, channels, points)
                    parallelRanges(cout, grain: 1) { range in
                        ds_winograd_weights(m, cin, range.lowerBound, range.upperBound, 0, cin, w,
                                            shared + range.lowerBound * points * cin)
                    }
                }
                BufferPool.withScratch(count: points * (channels + outChannels) * blockTiles) { scratch in
                    for row0 in stride(from: 0, to: rowsTotal, by: rowsPerBlock) {
                        let rows = Swift.min(rowsPerBlock, rowsTotal - row0)
                        block(tileRow0: row0, tileRows: rows, v: scratch, products: scratch + points * channels * rows * tilesX,
                              input: x, weight: w, transformed: shares ? shared : nil, bias: bias, output: y)
                    }
                }
            }
        }
    }

    /// Transforms, multiplies and transforms back the tiles of `tileRows` rows of tiles, with the
    /// weights' transform `transformed` when it was made for every block.
    private func block(tileRow0: Int, tileRows: Int, v: UnsafeMutablePointer<Float>, products: UnsafeMutablePointer<Float>,
                       input x: UnsafePointer<Float>, weight w: UnsafePointer<Float>, transformed: UnsafePointer<Float>?,
                       bias: UnsafePointer<Float>?, output y: UnsafeMutablePointer<Float>) {
        let m = Int32(tileSize), (cin, cout, points) = (channels, outChannels, points)
        let tiles = tileRows * tilesX
        let rowFloats = ds_winograd_row_buffer(m, width, padding.left, tilesX) * (tileSize + 2)
        parallelRanges(cin, grain: 1, scratch: rowFloats) { range, buffer in
            ds_winograd_input(m, x, height, width, padding.top, padding.left, cin, tilesX, tilesY,
                              tileRow0, tileRows, range.lowerBound, range.upperBound, tiles, v, buffer)
        }
        // Rows co0..<co0 + rows of U_ξ · V_ξ, with U's rows from co0 at u.
        func multiply(point: Int, co0: Int, rows: Int, u: UnsafePointer<Float>) {
            gemm(m: rows, n: tiles, k: cin, a: u + point * cin, lda: points * cin,
                 b: v + point * tiles, ldb: points * tiles,
                 c: products + co0 * points * tiles + point * tiles, ldc: points * tiles)
        }
        if let transformed {
            // One job per point over every output channel: each V_ξ is packed once.
            parallelJobs(points) { range in
                for point in range { multiply(point: point, co0: 0, rows: cout, u: transformed) }
            }
        } else if fusesWeightTransform {
            fusedProducts(v: v, tiles: tiles, weight: w, products: products)
        } else {
            // Jobs of a few output channels each (and, when those are few, of a share of the
            // points) transform their rows of U just before multiplying them, while in cache.
            let rowsPerJob = outChannelsPerJob, rowJobs = (cout + rowsPerJob - 1) / rowsPerJob
            let pointGroups = Swift.min(points, Swift.max(1, 8 / rowJobs))
            parallelJobs(rowJobs * pointGroups, scratch: points * rowsPerJob * cin) { range, u in
                for job in range {
                    let (rowJob, group) = job.quotientAndRemainder(dividingBy: pointGroups)
                    let co0 = rowJob * rowsPerJob, rows = Swift.min(rowsPerJob, cout - co0)
                    ds_winograd_weights(m, cin, co0, co0 + rows, 0, cin, w, u)
                    for point in (points * group / pointGroups)..<(points * (group + 1) / pointGroups) {
                        multiply(point: point, co0: co0, rows: rows, u: u)
                    }
                }
            }
        }
        parallelRanges(cout, grain: 1) { range in
            ds_winograd_output(m, products, cout, tiles, tilesX, tilesY, tileRow0, tileRows,
                               range.lowerBound, range.upperBound, bias, y, outH, outW)
        }
    }

    /// Output channels per job of `fusedProducts`: two register tiles, whose U for one depth block
    /// (12 × α² × 256 floats, 442 KB for F(4,3)) stays in a 512 KB L2 while it is multiplied.
    static let fusedRows = 12

    /// The products on our AVX2 kernel with U made one depth block (DS_AVX2_KC input channels) of
    /// `fusedRows` output channels at a time and multiplied at once, still in L2, against every V_ξ
    /// packed ahead: made whole per job, U went out to memory and back (Zen 3, 1280 channels at
    /// 16², batch 2: 38.2 → 31.9 ms). The GEMM's tiles and depth blocks in its order, so its bytes.
    private func fusedProducts(v: UnsafePointer<Float>, tiles: Int, weight w: UnsafePointer<Float>,
                               products: UnsafeMutablePointer<Float>) {
        let m = Int32(tileSize), (cin, cout, points) = (channels, outChannels, points)
        let depthBlock = Int(DS_AVX2_KC), strips = roundUp(tiles, to: Int(DS_AVX2_NR)), rows = Self.fusedRows
        FLOPCounter.current?.add(2 * Double(points * cout * cin) * Double(tiles))
        BufferPool.withScratch(count: points * strips * cin) { packed in
            parallelJobs(points) { range in
                for point in range {
                    ds_avx2_pack_b(0, cin, tiles, v + point * tiles, points * tiles, packed + point * strips * cin)
                }
            }
            parallelJobs((cout + rows - 1) / rows, scratch: rows * points * depthBlock) { range, u in
                for job in range {
                    let co0 = job * rows, count = Swift.min(rows, cout - co0)
                    for p0 in stride(from: 0, to: cin, by: depthBlock) {
                        let depth = Swift.min(depthBlock, cin - p0)
                        ds_winograd_weights(m, cin, co0, co0 + count, p0, p0 + depth, w, u)
                        for point in 0..<points {
                            ds_avx2_multiply_block(count, tiles, depth, u + point * depth, points * depth,
                                                   packed + point * strips * cin + strips * p0, p0 == 0 ? 0 : 1,
                                                   products + (co0 * points + point) * tiles, points * tiles)
                        }
                    }
                }
            }
        }
    }
}
