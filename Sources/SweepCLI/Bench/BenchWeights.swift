import ArgumentParser
import StableDiffusion
import Tensors

/// `sweep bench --weights`: the dtype random weights are held in, as a checkpoint of that dtype
/// is loaded (F16/BF16 weight matrices at two bytes per element, widened where they are used).
enum BenchWeights: String, ExpressibleByArgument, CaseIterable {
    case f32, f16, bf16

    /// What the published checkpoints of each architecture ship: SDXL base as F16, SD 1.5 and
    /// 2.1 (in diffusers' main branch) as float32.
    static func published(_ architecture: PublishedArchitecture) -> BenchWeights {
        architecture == .sdxl ? .f16 : .f32
    }

    var half: HalfFormat? {
        switch self {
        case .f32: nil
        case .f16: .f16
        case .bf16: .bf16
        }
    }

    func source(seed: UInt64) -> CountingSource { CountingSource(RandomWeights(seed: seed, stored: half)) }
}
