/// The names a scheduler goes by: ours (`euler-a`), AUTOMATIC1111's sampler name (`Euler a`),
/// k-diffusion's (`k_euler_a`), ComfyUI's (`euler_ancestral`) and diffusers' class name.
extension SchedulerKind {
    /// Other names accepted for this scheduler, besides the raw value and `samplerName`.
    public var aliases: [String] {
        switch self {
        case .pndm: ["PNDMScheduler"]
        case .ddim: ["DDIMScheduler"]
        case .lms: ["k_lms", "LMSDiscreteScheduler"]
        case .euler: ["k_euler", "EulerDiscreteScheduler"]
        case .eulerAncestral: ["k_euler_a", "euler_ancestral", "EulerAncestralDiscreteScheduler"]
        case .heun: ["k_heun", "HeunDiscreteScheduler"]
        case .dpmSolverMultistep: ["dpmpp_2m", "DPMSolverMultistepScheduler"]
        case .dpmSolverMultistepKarras: ["dpmpp_2m_karras", "k_dpmpp_2m_karras"]
        case .unipc: ["UniPCMultistepScheduler"]
        case .lcm: ["LCMScheduler"]
        }
    }

    /// What the sampler does, for `sweep schedulers`.
    public var summary: String {
        switch self {
        case .pndm: "pseudo linear multistep (PLMS); the SD 1.x default, good from about 50 steps"
        case .ddim: "deterministic implicit sampler; eta > 0 adds fresh noise each step (eta 1 ≈ DDPM)"
        case .lms: "linear multistep over the noise levels (k-diffusion's LMS); smooth at 30–50 steps"
        case .euler: "first-order Euler steps on sigmas; simple, deterministic, good at 20–30 steps"
        case .eulerAncestral: "Euler with fresh noise at every step; varied, never converges to one image as steps rise"
        case .heun: "second-order Heun: two UNet evaluations per step, accurate at fewer steps"
        case .dpmSolverMultistep: "DPM-Solver++ 2nd-order multistep; sharp images at 20–25 steps"
        case .dpmSolverMultistepKarras: "DPM-Solver++ 2M on the Karras sigma schedule; A1111's favourite at 20–30 steps"
        case .unipc: "UniPC predictor–corrector; good images in 10–20 steps"
        case .lcm: "latent consistency sampling for LCM-distilled models, 2–8 steps with guidance ~1–2"
        }
    }

    /// The scheduler any of its names gives, ignoring case, spaces, `-` and `_`; nil for none.
    public init?(name: String) {
        let key = Self.normalized(name)
        guard let kind = Self.allCases.first(where: { kind in
            ([kind.rawValue, kind.samplerName] + kind.aliases).contains { Self.normalized($0) == key }
        }) else { return nil }
        self = kind
    }

    private static func normalized(_ name: String) -> String {
        String(name.lowercased().unicodeScalars.filter { !" -_".unicodeScalars.contains($0) })
    }
}
