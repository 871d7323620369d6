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
    public func conv2d(weight: Tensor, bias: Tensor? = nil, stride: Int = 1, padding: Padding = .all(0)) -> Tensor {
        precondition(rank == 4 && weight.rank == 4 && weight.shape[1] == shape[1],
                     "conv2d: input \(shape) does not fit weight \(weight.shape)")
        let (batch, cin, height, width) = (shape[0], shape[1], shape[2], shape[3])
        let (cout, kh, kw) = (weight.shape[0], weight.shape[2], weight.shape[3])
        let outH = (height + padding.top + padding.bottom - kh) / stride + 1
        let outW = (width + padding.left + padding.right - kw) / stride + 1
        precondition(outH > 0 && outW > 0, "conv2d: kernel \(kh)×\(kw) larger than padded input \(shape)")
        if let bias { precondition(bias.shape == [cout], "conv2d: bias \(bias.shape) for \(cout) channels") }

        let (out, y) = Tensor.empty([batch, cout, outH, outW])
        let plane = outH * outW
        let pointwise = kh == 1 && kw == 1 && stride == 1 && padding == .all(0)
        let depth = cin * kh * kw
        let bandRows = pointwise ? outH : Conv2DPlan.bandRows(depth: depth, outH: outH, outW: outW)
        let columns = pointwise ? nil : UnsafeMutablePointer<Float>.allocate(capacity: depth * bandRows * outW)
        defer { columns?.deallocate() }
        let plan = Conv2DPlan(channels: cin, height: height, width: width, kh: kh, kw: kw,
                              stride: stride, padding: padding, outW: outW)

        for n in 0..<batch {
            let x = pointer + n * cin * height * width
            let yn = y + n * cout * plane
            if let bias { fillRowsWithScalars(yn, rows: cout, width: plane, ld: plane, values: bias.pointer) }
            let beta: Float = bias == nil ? 0 : 1
            guard let columns else {
                gemm(m: cout, n: plane, k: cin, a: weight.pointer, lda: cin, b: x, ldb: plane,
                     beta: beta, c: yn, ldc: plane)
                continue
            }
            var row0 = 0
            while row0 < outH {
                let rows = Swift.min(bandRows, outH - row0)
                plan.unfold(x, outputRows: row0..<(row0 + rows), into: columns)
                gemm(m: cout, n: rows * outW, k: depth, a: weight.pointer, lda: depth,
                     b: columns, ldb: rows * outW, beta: beta, c: yn + row0 * outW, ldc: plane)
                row0 += rows
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
