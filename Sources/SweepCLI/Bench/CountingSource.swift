import Foundation
import StableDiffusion
import Tensors

/// Counts the parameters a model reads and the bytes they take in memory, to report its weight memory.
final class CountingSource: ParameterSource, @unchecked Sendable {
    private let source: any ParameterSource
    private let lock = NSLock()
    private var count = 0
    private var bytes = 0

    init(_ source: any ParameterSource) { self.source = source }

    var parameterCount: Int { lock.withLock { count } }
    /// float32 tensors at 4 bytes per parameter, half-precision weights at 2.
    var byteCount: Int { lock.withLock { bytes } }

    func tensor(_ name: String, shape: [Int]) throws(WeightsError) -> Tensor {
        let tensor = try source.tensor(name, shape: shape)
        add(tensor.count, bytes: 4 * tensor.count)
        return tensor
    }

    func weight(_ name: String, shape: [Int]) throws(WeightsError) -> Weight {
        let weight = try source.weight(name, shape: shape)
        add(weight.count, bytes: weight.byteCount)
        return weight
    }

    private func add(_ parameters: Int, bytes added: Int) {
        lock.withLock {
            count += parameters
            bytes += added
        }
    }
}
