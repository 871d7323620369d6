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
    let raw = UnsafeMutableRawPointer(row)
    let blocks = count / 16 * 16
    var maxima = Vector(repeating: -.infinity)
    for i in stride(from: 0, to: blocks, by: 16) {
        maxima = pointwiseMax(maxima, raw.loadUnaligned(fromByteOffset: i * 4, as: Vector.self))
    }
    var maximum = maxima.max()
    for i in blocks..<count { maximum = max(maximum, row[i]) }
    if maximum == -.infinity { maximum = 0 }

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
    let inverse = 1 / sum
    for i in stride(from: 0, to: blocks, by: 16) {
        raw.storeBytes(of: raw.loadUnaligned(fromByteOffset: i * 4, as: Vector.self) * inverse, toByteOffset: i * 4, as: Vector.self)
    }
    for i in blocks..<count { row[i] *= inverse }
}
