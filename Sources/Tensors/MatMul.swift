extension Tensor {
    /// `self · weightᵀ + bias` over the last dimension, as `torch.nn.functional.linear`.
    /// `weight` is `[out, in]`, `bias` is `[out]`.
    public func linear(weight: Tensor, bias: Tensor? = nil) -> Tensor {
        linear(weight: Weight(weight), bias: bias)
    }

    /// `linear` with a weight that may be half precision, widened as the product packs it (or just before).
    public func linear(weight: Weight, bias: Tensor? = nil) -> Tensor {
        precondition(weight.shape.count == 2 && shape.last == weight.shape[1],
                     "linear: input \(shape) does not fit weight \(weight.shape)")
        let inFeatures = weight.shape[1], outFeatures = weight.shape[0]
        let rows = count / max(inFeatures, 1)
        let (out, y) = Tensor.empty(Array(shape.dropLast()) + [outFeatures])
        if let bias {
            precondition(bias.shape == [outFeatures], "linear: bias \(bias.shape) for \(outFeatures) outputs")
            fillRows(y, rows: rows, width: outFeatures, with: bias.pointer)
        }
        weight.withGEMMOperand { w in
            gemm(transposeB: true, m: rows, n: outFeatures, k: inFeatures,
                 a: pointer, lda: inFeatures, b: w, ldb: inFeatures,
                 beta: bias == nil ? 0 : 1, c: y, ldc: outFeatures)
        }
        return out
    }

    /// Batched matrix product over the last two dimensions, as `torch.matmul` for `[…, M, K] · […, K, N]`.
    /// `other` may also be a single `[K, N]` matrix shared by every batch entry.
    public func matmul(_ other: Tensor, transposeOther: Bool = false) -> Tensor {
        precondition(rank >= 2 && other.rank >= 2, "matmul needs matrices, got \(shape) and \(other.shape)")
        let m = shape[rank - 2], k = shape[rank - 1]
        let otherRows = other.shape[other.rank - 2], otherColumns = other.shape[other.rank - 1]
        let n = transposeOther ? otherRows : otherColumns
        precondition((transposeOther ? otherColumns : otherRows) == k,
                     "matmul: \(shape) and \(other.shape) (transposed: \(transposeOther)) do not chain")
        let batch = count / max(m * k, 1)
        let otherBatch = other.count / max(otherRows * otherColumns, 1)
        precondition(otherBatch == 1 || otherBatch == batch, "matmul: batch sizes differ: \(shape) vs \(other.shape)")
        let (out, c) = Tensor.empty(Array(shape.dropLast()) + [n])
        for i in 0..<batch {
            gemm(transposeB: transposeOther, m: m, n: n, k: k,
                 a: pointer + i * m * k, lda: k,
                 b: other.pointer + (otherBatch == 1 ? 0 : i * k * n), ldb: otherColumns,
                 c: c + i * m * n, ldc: n)
        }
        return out
    }
}
