extension Tensor {
    /// Nearest-neighbour resize of `[N, C, H, W]` to `[N, C, height, width]`, picking source pixel
    /// `floor(dst · in/out)` in float as `torch.nn.functional.interpolate(mode="nearest")` does.
    public func upsampleNearest(height outH: Int, width outW: Int) -> Tensor {
        precondition(rank == 4, "upsampleNearest: input \(shape) is not [N, C, H, W]")
        let (planes, inH, inW) = (shape[0] * shape[1], shape[2], shape[3])
        let scaleY = Float(inH) / Float(outH), scaleX = Float(inW) / Float(outW)
        let sourceX = (0..<outW).map { Swift.min(Int((Float($0) * scaleX).rounded(.down)), inW - 1) }
        let (out, y) = Tensor.empty([shape[0], shape[1], outH, outW])
        let x = pointer
        sourceX.withUnsafeBufferPointer { columns in
            parallelRanges(planes * outH, grain: 64) { range in
                for row in range {
                    let (p, oy) = (row / outH, row % outH)
                    let iy = Swift.min(Int((Float(oy) * scaleY).rounded(.down)), inH - 1)
                    let src = x + (p * inH + iy) * inW, dst = y + row * outW
                    for ox in 0..<outW { dst[ox] = src[columns[ox]] }
                }
            }
        }
        return out
    }

    /// Nearest-neighbour 2× upsampling, diffusers' `Upsample2D` default.
    public func upsampleNearest2x() -> Tensor {
        upsampleNearest(height: shape[2] * 2, width: shape[3] * 2)
    }

    /// Joins tensors along `axis`; all other dimensions must agree (`torch.cat`).
    public static func concatenate(_ parts: [Tensor], axis: Int) -> Tensor {
        precondition(!parts.isEmpty, "concatenate: no tensors")
        let first = parts[0].shape
        for part in parts {
            precondition(part.rank == first.count && (0..<first.count).allSatisfy { $0 == axis || part.shape[$0] == first[$0] },
                         "concatenate: \(part.shape) does not fit \(first) along axis \(axis)")
        }
        var shape = first
        shape[axis] = parts.map { $0.shape[axis] }.reduce(0, +)
        let outer = first[..<axis].reduce(1, *), inner = first[(axis + 1)...].reduce(1, *)
        let (out, y) = Tensor.empty(shape)
        let rowWidth = shape[axis] * inner
        parallelRanges(outer, grain: 1) { range in
            for o in range {
                var offset = o * rowWidth
                for part in parts {
                    let width = part.shape[axis] * inner
                    (y + offset).update(from: part.pointer + o * width, count: width)
                    offset += width
                }
            }
        }
        return out
    }

    /// Swaps the last two dimensions, e.g. `[B, C, H·W]` feature maps to `[B, H·W, C]` tokens.
    public func transposingLastTwo() -> Tensor {
        let rows = shape[rank - 2], columns = shape[rank - 1]
        let batch = count / Swift.max(rows * columns, 1)
        let (out, y) = Tensor.empty(Array(shape.dropLast(2)) + [columns, rows])
        let x = pointer
        let block = 32
        let rowBlocks = (rows + block - 1) / block
        parallelRanges(batch * rowBlocks, grain: 1) { range in
            for item in range {
                let (b, r0) = (item / rowBlocks, (item % rowBlocks) * block)
                let src = x + b * rows * columns, dst = y + b * rows * columns
                for c0 in stride(from: 0, to: columns, by: block) {
                    for r in r0..<Swift.min(r0 + block, rows) {
                        for c in c0..<Swift.min(c0 + block, columns) { dst[c * rows + r] = src[r * columns + c] }
                    }
                }
            }
        }
        return out
    }
}

extension Tensor {
    /// Elements `range` of dimension `axis` (`x.narrow(axis, start, length)` in torch), copied.
    public func slice(axis: Int, _ range: Range<Int>) -> Tensor {
        precondition(axis < rank && range.lowerBound >= 0 && range.upperBound <= shape[axis],
                     "slice: \(range) of axis \(axis) in \(shape)")
        var newShape = shape
        newShape[axis] = range.count
        let outer = shape[..<axis].reduce(1, *), inner = shape[(axis + 1)...].reduce(1, *)
        let (out, y) = Tensor.empty(newShape)
        let x = pointer
        for o in 0..<outer {
            (y + o * range.count * inner).update(from: x + (o * shape[axis] + range.lowerBound) * inner,
                                                 count: range.count * inner)
        }
        return out
    }

    /// Rows of a `[vocabulary, width]` table picked by `ids`, as `torch.nn.Embedding`;
    /// the result is `[ids.count, width]`.
    public func gatherRows(_ ids: [Int]) -> Tensor {
        precondition(rank == 2, "gatherRows: table \(shape) is not a matrix")
        let width = shape[1]
        let (out, y) = Tensor.empty([ids.count, width])
        for (row, id) in ids.enumerated() {
            precondition(id >= 0 && id < shape[0], "gatherRows: id \(id) outside 0..<\(shape[0])")
            (y + row * width).update(from: pointer + id * width, count: width)
        }
        return out
    }
}
