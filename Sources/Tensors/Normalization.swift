extension Tensor {
    /// Group normalisation over `[N, C, …]`, as `torch.nn.GroupNorm(groups, C, eps)`: each group of
    /// `C/groups` channels is normalised with its own (biased) mean and variance, then scaled by
    /// `weight[c]` and shifted by `bias[c]` when given. With `silu`, the result is
    /// `groupNorm(…).silu()` (the same bytes) in one pass over memory instead of two.
    public func groupNorm(groups: Int, eps: Float, weight: Tensor? = nil, bias: Tensor? = nil, silu: Bool = false) -> Tensor {
        checkGroupNorm(groups: groups, weight: weight, bias: bias)
        let (out, y) = Tensor.empty(shape)
        normalizeGroups(into: y, groups: groups, eps: eps, weight: weight, bias: bias, silu: silu)
        return out
    }

    /// `groupNorm`, written over this tensor's own memory when the caller gave up the only
    /// reference to it (`consume`) and the memory is not borrowed, else into new memory: a
    /// 1024² decoder activation is 1 GiB, which need not exist twice. The same bytes either way:
    /// each group's moments are taken before any of its values is written.
    public consuming func groupNormInPlace(groups: Int, eps: Float, weight: Tensor? = nil, bias: Tensor? = nil,
                                           silu: Bool = false) -> Tensor {
        var tensor = consume self
        guard isKnownUniquelyReferenced(&tensor.storage), tensor.storage.ownsMemory else {
            return tensor.groupNorm(groups: groups, eps: eps, weight: weight, bias: bias, silu: silu)
        }
        tensor.checkGroupNorm(groups: groups, weight: weight, bias: bias)
        tensor.normalizeGroups(into: tensor.storage.pointer, groups: groups, eps: eps, weight: weight, bias: bias, silu: silu)
        return tensor
    }

    private func checkGroupNorm(groups: Int, weight: Tensor?, bias: Tensor?) {
        precondition(rank >= 2, "groupNorm: input \(shape) has no channel dimension")
        let channels = shape[1]
        precondition(groups > 0 && channels % groups == 0, "groupNorm: \(channels) channels into \(groups) groups")
        if let weight { precondition(weight.shape == [channels], "groupNorm: weight \(weight.shape) for \(channels) channels") }
        if let bias { precondition(bias.shape == [channels], "groupNorm: bias \(bias.shape) for \(channels) channels") }
    }

    /// The values of `groupNorm` into `y` (which may be this tensor's own memory).
    private func normalizeGroups(into y: UnsafeMutablePointer<Float>, groups: Int, eps: Float, weight: Tensor?,
                                 bias: Tensor?, silu: Bool) {
        let batch = shape[0], channels = shape[1]
        let spatial = count / max(batch * channels, 1)
        let perGroup = channels / groups
        let x = pointer, w = weight?.pointer, b = bias?.pointer
        parallelRanges(batch * groups, grain: 1) { range in
            for item in range {
                let start = item * perGroup * spatial
                let (mean, inverseStd) = moments(x + start, count: perGroup * spatial, eps: eps)
                for local in 0..<perGroup {
                    let c = (item % groups) * perGroup + local
                    let scale = inverseStd * (w?[c] ?? 1)
                    let shift = (b?[c] ?? 0) - mean * scale
                    let offset = start + local * spatial
                    // Chunks small enough that SiLU reads back what was just written from L1.
                    for chunk in stride(from: offset, to: offset + spatial, by: 2048) {
                        let end = Swift.min(chunk + 2048, offset + spatial)
                        for i in chunk..<end { y[i] = x[i] * scale + shift }
                        if silu { mapBlocks(y + chunk, y + chunk, count: end - chunk, vector: siluVector, scalar: siluScalar) }
                    }
                }
            }
        }
    }

    /// Layer normalisation over the last dimension, as `torch.nn.LayerNorm(D, eps)`.
    public func layerNorm(eps: Float, weight: Tensor? = nil, bias: Tensor? = nil) -> Tensor {
        let width = shape[rank - 1], rows = count / max(width, 1)
        if let weight { precondition(weight.shape == [width], "layerNorm: weight \(weight.shape) for width \(width)") }
        if let bias { precondition(bias.shape == [width], "layerNorm: bias \(bias.shape) for width \(width)") }
        let (out, y) = Tensor.empty(shape)
        let x = pointer, w = weight?.pointer, b = bias?.pointer
        parallelRanges(rows, grain: max(1, 4096 / max(width, 1))) { range in
            for r in range {
                let (mean, inverseStd) = moments(x + r * width, count: width, eps: eps)
                let src = x + r * width, dst = y + r * width
                for i in 0..<width {
                    dst[i] = (src[i] - mean) * inverseStd * (w?[i] ?? 1) + (b?[i] ?? 0)
                }
            }
        }
        return out
    }
}

/// Mean and `1/√(variance + eps)` of `count` floats. Short runs are summed in SIMD floats and
/// folded into doubles, so the large groups of a 512×512 feature map keep float32-level accuracy.
func moments(_ x: UnsafePointer<Float>, count: Int, eps: Float) -> (mean: Float, inverseStd: Float) {
    let n = Double(max(count, 1))
    let mean = blockSum(x, count: count) { $0 } / n
    let center = Float(mean)
    // Deviations from the float mean; the tiny offset `mean − center` is corrected exactly below.
    let centered = blockSum(x, count: count) { ($0 - center) * ($0 - center) } / n
    let shift = mean - Double(center)
    let variance = max(0, centered - shift * shift)
    return (center, Float(1 / (variance + Double(eps)).squareRoot()))
}

@inline(__always)
private func blockSum(_ x: UnsafePointer<Float>, count: Int, _ term: (Vector) -> Vector) -> Double {
    let raw = UnsafeRawPointer(x)
    var total = 0.0
    var i = 0
    while i < count {
        let end = min(count, i + 256)
        var partial = Vector.zero
        while i + 16 <= end {
            partial += term(raw.loadUnaligned(fromByteOffset: i * 4, as: Vector.self))
            i += 16
        }
        var tail = Vector.zero
        var lane = 0
        while i < end {
            tail[lane] = x[i]
            lane += 1
            i += 1
        }
        if lane > 0 {
            let masked = term(tail)
            for l in 0..<lane { partial[l] += masked[l] }
        }
        total += Double(partial.sum())
    }
    return total
}
