import Foundation
import Tensors

/// How a model's weight files are read: whole, or only as far as their headers go, to check a
/// model before any work (`StableDiffusionModel.check`).
public enum WeightReading: Sendable {
    /// float32 tensors memory-mapped, F16/BF16 weight matrices kept as stored (widened where
    /// they are used), small F16/BF16 vectors widened at load.
    case tensors
    /// As `tensors`, but every F16/BF16 tensor widened to float32 at load: twice the memory of
    /// a half checkpoint for the same images, to check that they are the same.
    case widened
    /// Each tensor a model asks for is found and its shape and dtype checked as `tensors` would
    /// check them, but its values are never read: the model gets a placeholder of that shape over
    /// reserved, inaccessible address space, and is dropped after the check.
    case headers

    func parameters(_ weights: any ParameterSource) -> Parameters {
        switch self {
        case .tensors: Parameters(weights)
        case .widened: Parameters(WidenedWeights(weights: weights))
        case .headers: Parameters(HeaderOnlyWeights(weights: weights))
        }
    }
}

/// Every tensor as float32: `weight` is the protocol's default, `tensor`'s widened copy.
private struct WidenedWeights: ParameterSource {
    let weights: any ParameterSource

    func tensor(_ name: String, shape: [Int]) throws(WeightsError) -> Tensor { try weights.tensor(name, shape: shape) }
    func check(_ name: String, shape: [Int]) throws(WeightsError) { try weights.check(name, shape: shape) }
}

private struct HeaderOnlyWeights: ParameterSource {
    let weights: any ParameterSource

    func tensor(_ name: String, shape: [Int]) throws(WeightsError) -> Tensor {
        try weights.check(name, shape: shape)
        guard let memory = ReservedMemory(floats: shape.reduce(1, *)) else {
            throw .unreadable(file: "tensor '\(name)'", reason: "cannot reserve address space to check it")
        }
        return Tensor(shape: shape, borrowing: memory.pointer, owner: memory)
    }
}

/// Address space that is never backed by memory: any read of it faults, so a placeholder can
/// never be mistaken for weights.
private final class ReservedMemory: @unchecked Sendable {
    let pointer: UnsafePointer<Float>
    private let bytes: Int

    init?(floats: Int) {
        bytes = max(floats * 4, 1)
        guard let address = mmap(nil, bytes, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0),
              address != MAP_FAILED else { return nil }
        pointer = UnsafePointer(address.assumingMemoryBound(to: Float.self))
    }

    deinit { munmap(UnsafeMutableRawPointer(mutating: pointer), bytes) }
}
