import Tensors

extension Tensor {
    /// Whether every value is a number. A NaN or infinity from damaged weights or an extreme
    /// guidance scale spreads to every later value, so the pipeline stops at the stage that made it.
    var isFinite: Bool { withUnsafeBufferPointer { $0.allSatisfy(\.isFinite) } }

    /// Throws naming `stage` unless every value is finite.
    func checkFinite(after stage: @autoclosure () -> String) throws(PipelineError) {
        guard isFinite else { throw .nonFinite(stage: stage()) }
    }
}
