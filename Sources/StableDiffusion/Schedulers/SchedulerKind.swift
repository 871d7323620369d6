/// The scheduler algorithms `--scheduler` names, and the diffusers classes they are.
public enum SchedulerKind: String, CaseIterable, Codable, Sendable {
    case pndm, ddim, lms, euler
    case eulerAncestral = "euler-a"
    case heun
    case dpmSolverMultistep = "dpm++2m"
    case dpmSolverMultistepKarras = "dpm++2m-karras"
    case unipc
    /// diffusers' `LCMScheduler`, for latent-consistency-distilled models (2–8 steps).
    case lcm

    /// diffusers' class name, as `_class_name` in `scheduler_config.json` spells it.
    public var className: String {
        switch self {
        case .pndm: "PNDMScheduler"
        case .ddim: "DDIMScheduler"
        case .lms: "LMSDiscreteScheduler"
        case .euler: "EulerDiscreteScheduler"
        case .eulerAncestral: "EulerAncestralDiscreteScheduler"
        case .heun: "HeunDiscreteScheduler"
        case .dpmSolverMultistep, .dpmSolverMultistepKarras: "DPMSolverMultistepScheduler"
        case .unipc: "UniPCMultistepScheduler"
        case .lcm: "LCMScheduler"
        }
    }

    /// The kind a model's own `scheduler_config.json` names (Karras sigmas when it asks for them).
    public init?(className: String, useKarrasSigmas: Bool = false) {
        guard let kind = Self.allCases.first(where: { $0.className == className && $0 != .dpmSolverMultistepKarras }) else { return nil }
        self = kind == .dpmSolverMultistep && useKarrasSigmas ? .dpmSolverMultistepKarras : kind
    }

    /// Whether `eta` changes its images: only DDIM's step takes it (diffusers' EulerAncestral
    /// draws its full ancestral noise and has no eta).
    public var usesEta: Bool { self == .ddim }

    /// A1111's sampler name, for PNG metadata.
    public var samplerName: String {
        switch self {
        case .pndm: "PLMS"
        case .ddim: "DDIM"
        case .lms: "LMS"
        case .euler: "Euler"
        case .eulerAncestral: "Euler a"
        case .heun: "Heun"
        case .dpmSolverMultistep: "DPM++ 2M"
        case .dpmSolverMultistepKarras: "DPM++ 2M Karras"
        case .unipc: "UniPC"
        case .lcm: "LCM"
        }
    }
}
