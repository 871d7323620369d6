import Tensors

/// A diffusers noise scheduler, stepped once per UNet evaluation.
// The pipeline calls the UNet with `timesteps[i]` on `scaleModelInput(sample, step: i)` and then
// `step(...)` with the same `i`; schedulers that evaluate twice per step (Heun) list a timestep
// per evaluation, as diffusers' `scheduler.timesteps` does.
public protocol Scheduler: Sendable {
    /// The timestep passed to the UNet at each evaluation, in order.
    var timesteps: [Float] { get }
    /// UNet evaluations per step (diffusers' `scheduler.order`): 2 for Heun, else 1.
    var evaluationsPerStep: Int { get }
    /// How much the initial unit-variance noise is scaled (`init_noise_sigma`).
    var initNoiseSigma: Float { get }
    /// `scale_model_input`: the sample as the UNet should see it at evaluation `step`.
    func scaleModelInput(_ sample: Tensor, step: Int) -> Tensor
    /// One `step` of diffusers' scheduler: the next sample from the UNet's `modelOutput`.
    /// `noise(shape)` draws standard normal noise, for ancestral samplers and DDIM with eta > 0.
    mutating func step(modelOutput: Tensor, step: Int, sample: Tensor, noise: (_ shape: [Int]) -> Tensor) -> Tensor
    /// diffusers' `add_noise` for an image-to-image start at evaluation `step`: `original` noised to
    /// `timesteps[step]` (√ᾱ·x + √(1−ᾱ)·ε for the alpha schedulers, x + σ·ε for the sigma ones).
    func addNoise(_ original: Tensor, noise: Tensor, step: Int) -> Tensor
    /// diffusers' `set_begin_index`: denoising starts at evaluation `step` rather than the first,
    /// which the multistep solvers take as their first step index.
    mutating func setBeginIndex(_ step: Int)
}

extension Scheduler {
    public var evaluationsPerStep: Int { 1 }

    /// Schedulers that index every step by its position need nothing more than being started there.
    public mutating func setBeginIndex(_ step: Int) {}

    /// The first evaluation of an image-to-image run of `steps` steps at `strength`, as diffusers'
    /// `get_timesteps`: `init_timestep = min(int(steps·strength), steps)` (in double precision, as
    /// Python multiplies), `t_start = steps − init_timestep`, times the scheduler's order.
    public func beginIndex(steps: Int, strength: Double) -> Int {
        let initTimestep = min(Int(Double(steps) * strength), steps)
        return max(steps - initTimestep, 0) * evaluationsPerStep
    }

    /// Whether evaluation `index` finishes one of the `steps` the user asked for, as diffusers'
    /// progress bar counts them: evaluations past `steps × order` are warm-up (PNDM evaluates
    /// its first timestep twice) and a Heun step takes two. Image-to-image counts from its
    /// `begin` evaluation, as diffusers' loop over the cut timesteps does.
    public func finishesStep(_ index: Int, of steps: Int, begin: Int = 0) -> Bool {
        let stepsRun = steps - begin / evaluationsPerStep, local = index - begin
        let warmUp = timesteps.count - begin - stepsRun * evaluationsPerStep
        return index == timesteps.count - 1 || (local + 1 > warmUp && (local + 1) % evaluationsPerStep == 0)
    }
}
