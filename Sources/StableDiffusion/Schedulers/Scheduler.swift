import Tensors

/// A diffusers noise scheduler, stepped once per UNet evaluation.
// The pipeline calls the UNet with `timesteps[i]` on `scaleModelInput(sample, step: i)` and then
// `step(...)` with the same `i`; schedulers that evaluate twice per step (Heun) list a timestep
// per evaluation, as diffusers' `scheduler.timesteps` does.
public protocol Scheduler: Sendable {
    /// The timestep passed to the UNet at each evaluation, in order.
    var timesteps: [Float] { get }
    /// How much the initial unit-variance noise is scaled (`init_noise_sigma`).
    var initNoiseSigma: Float { get }
    /// `scale_model_input`: the sample as the UNet should see it at evaluation `step`.
    func scaleModelInput(_ sample: Tensor, step: Int) -> Tensor
    /// One `step` of diffusers' scheduler: the next sample from the UNet's `modelOutput`.
    /// `noise(shape)` draws standard normal noise, for ancestral samplers and DDIM with eta > 0.
    mutating func step(modelOutput: Tensor, step: Int, sample: Tensor, noise: (_ shape: [Int]) -> Tensor) -> Tensor
}
