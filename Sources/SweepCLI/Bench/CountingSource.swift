import Foundation
import StableDiffusion
import Tensors

/// Counts the parameters a model reads, to report its weight memory.
final class CountingSource: ParameterSource, @unchecked Sendable {
    private let source: any ParameterSource
    private let lock = NSLock()
    private var count = 0

    init(_ source: any ParameterSource) { self.source = source }

    var parameterCount: Int { lock.withLock { count } }

    func tensor(_ name: String, shape: [Int]) throws(WeightsError) -> Tensor {
        let tensor = try source.tensor(name, shape: shape)
        lock.withLock { count += tensor.count }
        return tensor
    }
}
