import CKernels

extension Tensor {
    /// Softmax over the last dimension, as `torch.softmax(x, dim=-1)`.
    public func softmax() -> Tensor {
        let width = shape[rank - 1], rows = count / max(width, 1)
        let (out, y) = Tensor.empty(shape)
        y.update(from: pointer, count: count)
        parallelRanges(rows, grain: max(1, 4096 / max(width, 1))) { range in
            for r in range { softmaxRow(y + r * width, count: width) }
        }
        return out
    }
}

/// In-place softmax of one row; entries of `-infinity` (masked) come out as exactly 0.
func softmaxRow(_ row: UnsafeMutablePointer<Float>, count: Int) {
    var maximum = rowMaximum(row, count: count)
    if maximum == -.infinity { maximum = 0 }
    scaleRow(row, count: count, by: 1 / exponentiate(row, count: count, subtracting: maximum))
}

/// The largest entry of a row (`-infinity` for an empty or fully masked one).
func rowMaximum(_ row: UnsafePointer<Float>, count: Int) -> Float {
    if AVX512.available { return ds_row_max(row, count) }
    if AVX2.available { return ds_row_max_avx2(row, count) }
    let raw = UnsafeRawPointer(row)
    let blocks = count / 16 * 16
    var maxima = Vector(repeating: -.infinity)
    for i in stride(from: 0, to: blocks, by: 16) {
        // A select on a comparison compiles to vmaxps; `pointwiseMax` went lane by lane through the stack.
        let v = raw.loadUnaligned(fromByteOffset: i * 4, as: Vector.self)
        maxima = maxima.replacing(with: v, where: v .> maxima)
    }
    var maximum = maxima.max()
    for i in blocks..<count { maximum = max(maximum, row[i]) }
    return maximum
}

/// Replaces each entry `x` by `exp(x − maximum)` and returns their sum.
func exponentiate(_ row: UnsafeMutablePointer<Float>, count: Int, subtracting maximum: Float) -> Float {
    if AVX512.available { return ds_exp_sum(row, count, maximum) }
    if AVX2.available { return ds_exp_sum_avx2(row, count, maximum) }
    let raw = UnsafeMutableRawPointer(row)
    let blocks = count / 16 * 16
    var sums = Vector.zero
    for i in stride(from: 0, to: blocks, by: 16) {
        let e = vectorExp(raw.loadUnaligned(fromByteOffset: i * 4, as: Vector.self) - maximum)
        raw.storeBytes(of: e, toByteOffset: i * 4, as: Vector.self)
        sums += e
    }
    var sum = sums.sum()
    for i in blocks..<count {
        row[i] = scalarExp(row[i] - maximum)
        sum += row[i]
    }
    return sum
}

func scaleRow(_ row: UnsafeMutablePointer<Float>, count: Int, by factor: Float) {
    mapBlocks(row, row, count: count, vector: { $0 * factor }, scalar: { $0 * factor })
}
