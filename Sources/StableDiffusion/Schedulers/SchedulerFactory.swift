/// The scheduler `kind` names, built from a model's `scheduler_config.json` for `steps` steps
/// (`eta` is DDIM's; the other kinds ignore it).
public func makeScheduler(_ kind: SchedulerKind, config: SchedulerConfig, steps: Int, eta: Float) throws(ConfigError) -> any Scheduler {
    switch kind {
    case .pndm: try PNDMScheduler(config: config, steps: steps)
    case .ddim: try DDIMScheduler(config: config, steps: steps, eta: eta)
    case .lms: try LMSDiscreteScheduler(config: config, steps: steps)
    case .euler: try EulerDiscreteScheduler(config: config, steps: steps)
    case .eulerAncestral: try EulerAncestralDiscreteScheduler(config: config, steps: steps)
    case .heun: try HeunDiscreteScheduler(config: config, steps: steps)
    case .dpmSolverMultistep: try DPMSolverMultistepScheduler(config: config, steps: steps, karrasSigmas: false)
    case .dpmSolverMultistepKarras: try DPMSolverMultistepScheduler(config: config, steps: steps, karrasSigmas: true)
    case .unipc: try UniPCMultistepScheduler(config: config, steps: steps)
    case .lcm: try LCMScheduler(config: config, steps: steps)
    }
}
