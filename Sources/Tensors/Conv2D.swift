/// Zero padding around a feature map; diffusers' VAE encoder pads asymmetrically (right and bottom
/// only) before its stride-2 convolutions, everything else pads all sides equally.
public struct Padding: Equatable, Sendable {
    public var top: Int, left: Int, bottom: Int, right: Int

    public init(top: Int, left: Int, bottom: Int, right: Int) {
        (self.top, self.left, self.bottom, self.right) = (top, left, bottom, right)
    }

    public static func all(_ p: Int) -> Padding { Padding(top: p, left: p, bottom: p, right: p) }
}

extension Tensor {
    /// 2-D convolution over `[N, Cin, H, W]` with weight `[Cout, Cin, kh, kw]`, as `torch.nn.Conv2d`.
    ///
    /// 1×1 convolutions are a single GEMM over the feature map. Larger kernels unfold a band of
    /// output rows at a time into a small column buffer (sized to stay in cache) and multiply it
    /// in one GEMM, so the full im2col matrix of a large image is never built.
    /// Stride-1 3×3 convolutions on large enough maps run by Winograd's algorithm
    /// (`Conv2DAlgorithm.preferred`); `algorithm` forces one, e.g. to compare them.
    public func conv2d(weight: Tensor, bias: Tensor? = nil, stride: Int = 1, padding: Padding = .all(0),
                       algorithm: Conv2DAlgorithm? = nil) -> Tensor {
        conv2d(weight: Weight(weight), bias: bias, stride: stride, padding: padding, algorithm: algorithm)
    }

    /// `conv2d` with a weight that may be half precision: widened once per call before the
    /// products (for Winograd, by each job for the output channels it transforms).
    public func conv2d(weight: Weight, bias: Tensor? = nil, stride: Int = 1, padding: Padding = .all(0),
                       algorithm: Conv2DAlgorithm? = nil) -> Tensor {
        precondition(rank == 4 && weight.shape.count == 4 && weight.shape[1] == shape[1],
                     "conv2d: input \(shape) does not fit weight \(weight.shape)")
        let (batch, cin, height, width) = (shape[0], shape[1], shape[2], shape[3])
        let (cout, kh, kw) = (weight.shape[0], weight.shape[2], weight.shape[3])
        let outH = (height + padding.top + padding.bottom - kh) / stride + 1
        let outW = (width + padding.left + padding.right - kw) / stride + 1
        precondition(outH > 0 && outW > 0, "conv2d: kernel \(kh)×\(kw) larger than padded input \(shape)")
        if let bias { precondition(bias.shape == [cout], "conv2d: bias \(bias.shape) for \(cout) channels") }

        let (out, y) = Tensor.empty([batch, cout, outH, outW])
        let chosen = algorithm ?? .preferred(cin: cin, cout: cout, kernel: (kh, kw), stride: stride, outH: outH, outW: outW)
        if let tileSize = chosen.winogradTileSize, kh == 3 && kw == 3 && stride == 1 && Conv2DAlgorithm.winogradAvailable {
            WinogradConv2D(tileSize: tileSize, batch: batch, channels: cin, outChannels: cout, height: height,
                           width: width, outH: outH, outW: outW, padding: padding)
                .run(input: pointer, weight: weight, bias: bias?.pointer, output: y)
            return out
        }
        let plane = outH * outW
        let beta: Float = bias == nil ? 0 : 1
        if kh == 1 && kw == 1 && stride == 1 && padding == .all(0) {
            weight.withFloat32 { w in
                for n in 0..<batch {
                    let yn = y + n * cout * plane
                    if let bias { fillRowsWithScalars(yn, rows: cout, width: plane, ld: plane, values: bias.pointer) }
                    gemm(m: cout, n: plane, k: cin, a: w, lda: cin, b: pointer + n * cin * height * width,
                         ldb: plane, beta: beta, c: yn, ldc: plane)
                }
            }
            return out
        }

        let depth = cin * kh * kw
        // Large feature maps with few channels (the VAE's 256² and 512² layers) run each band
        // (unfold, then one GEMM) as a job of its own on one core: the GEMMs are too thin to
        // split well, and cores that never wait for each other inside a GEMM lose less on a busy
        // machine. Deeper, smaller maps keep one band at a time, its GEMM split over our threads.
        let independent = plane >= Conv2DPlan.independentBandPixels
        let bandRows = Conv2DPlan.bandRows(depth: depth, outH: outH, outW: outW)
        let bands = (outH + bandRows - 1) / bandRows
        let plan = Conv2DPlan(channels: cin, height: height, width: width, kh: kh, kw: kw,
                              stride: stride, padding: padding, outW: outW)
        let x = pointer, b = bias?.pointer
        // A half weight is widened once for all bands.
        weight.withFloat32 { w in
            let run = { (jobs: Range<Int>, columns: UnsafeMutablePointer<Float>) in
                for job in jobs {
                    let (n, band) = job.quotientAndRemainder(dividingBy: bands)
                    let row0 = band * bandRows, rows = Swift.min(bandRows, outH - row0)
                    let yn = y + n * cout * plane + row0 * outW
                    if let b { fillRowsWithScalars(yn, rows: cout, width: rows * outW, ld: plane, values: b) }
                    plan.unfold(x + n * cin * height * width, outputRows: row0..<(row0 + rows), into: columns)
                    gemm(m: cout, n: rows * outW, k: depth, a: w, lda: depth, b: columns, ldb: rows * outW,
                         beta: beta, c: yn, ldc: plane)
                }
            }
            let columns = depth * bandRows * outW
            if independent {
                parallelJobs(batch * bands, scratch: columns, run)
            } else {
                BufferPool.withScratch(count: columns) { run(0..<(batch * bands), $0) }
            }
        }
        return out
    }
}

/// The column ("im2col") layout of one band of output rows: row `(c·kh + ky)·kw + kx` holds the
/// input pixel each output position sees through kernel tap `(ky, kx)` of channel `c`.
struct Conv2DPlan {
    /// Floats in the column buffer; about 4 MB, small enough to stay in cache for the GEMM.
    static let columnBudget = 1 << 20
    /// GEMMs narrower than this many output pixels run well below sgemm speed (deep layers on
    /// small maps would otherwise get bands of a few rows), so a band never has fewer.
    static let minimumColumns = 2048
    /// Output pixels per image from which bands run as independent single-core jobs.
    static let independentBandPixels = 256 * 256

    /// Output rows per band: as many as the column budget allows, at least `minimumColumns`
    /// pixels. It depends on the shape alone, never on the thread count, so every band's GEMM
    /// (and so every sum) is the same however many cores share the work.
    static func bandRows(depth: Int, outH: Int, outW: Int) -> Int {
        let byBudget = columnBudget / Swift.max(depth * outW, 1)
        let byWidth = (minimumColumns + outW - 1) / outW
        return Swift.max(1, Swift.min(outH, Swift.max(byBudget, byWidth)))
    }

    let channels, height, width, kh, kw, stride: Int
    let padding: Padding
    let outW: Int

    func unfold(_ x: UnsafePointer<Float>, outputRows: Range<Int>, into columns: UnsafeMutablePointer<Float>) {
        let span = outputRows.count * outW
        parallelRanges(channels * kh * kw, grain: Swift.max(1, 8192 / Swift.max(span, 1))) { taps in
            for tap in taps {
                let c = tap / (kh * kw), ky = (tap / kw) % kh, kx = tap % kw
                let plane = x + c * height * width
                var dst = columns + tap * span
                for oy in outputRows {
                    let iy = oy * stride - padding.top + ky
                    if iy < 0 || iy >= height {
                        dst.update(repeating: 0, count: outW)
                    } else {
                        copyRow(plane + iy * width, kx: kx, into: dst)
                    }
                    dst += outW
                }
            }
        }
    }

    /// One output row's view of input row `src` through horizontal tap `kx`, zero outside the image.
    private func copyRow(_ src: UnsafePointer<Float>, kx: Int, into dst: UnsafeMutablePointer<Float>) {
        let offset = kx - padding.left
        // Output columns whose input column `ox·stride + offset` lies inside the row.
        let first = Swift.min(outW, offset >= 0 ? 0 : (-offset + stride - 1) / stride)
        let last = Swift.max(first, Swift.min(outW, (width - offset + stride - 1) / stride))
        dst.update(repeating: 0, count: first)
        if stride == 1 {
            (dst + first).update(from: src + first + offset, count: last - first)
        } else {
            for ox in first..<last { dst[ox] = src[ox * stride + offset] }
        }
        (dst + last).update(repeating: 0, count: outW - last)
    }
}
