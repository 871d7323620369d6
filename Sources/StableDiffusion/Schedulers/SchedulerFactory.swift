/// The scheduler `kind` built from a model's scheduler config for `steps` steps, as diffusers'
/// `SchedulerClass.from_config(config)` followed by `set_timesteps(steps)`. A step count whose
/// timesteps fall outside the training schedule (e.g. 1000 PNDM steps with `steps_offset: 1`
/// reach timestep 1000 of 0…999) is refused here rather than read out of range while rendering.
public func makeScheduler(_ kind: SchedulerKind, config: SchedulerConfig, steps: Int, eta: Float) throws(ConfigError) -> any Scheduler {
    let scheduler: any Scheduler = switch kind {
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
    let trainTimesteps = try NoiseSchedule(config).trainTimesteps
    guard scheduler.timesteps.allSatisfy({ $0 >= 0 && $0 <= Float(trainTimesteps - 1) }) else {
        throw .invalid(path: config.path, key: "num_train_timesteps",
                       reason: "(\(trainTimesteps)) is too few for \(steps) \(kind.rawValue) steps: their timesteps would pass \(trainTimesteps - 1); use fewer steps")
    }
    return scheduler
}
