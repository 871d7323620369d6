import StableDiffusion
import Testing

/// Step counts whose timesteps leave the training schedule are refused when the scheduler is
/// built (issue 13, item 14): before, 1000 PNDM steps on SD 1.5's config (steps_offset 1) read
/// `alphas_cumprod[1000]` mid-render and trapped.
@Suite struct SchedulerStepBoundsTests {
    static let sd15 = #"{"beta_start": 0.00085, "beta_end": 0.012, "beta_schedule": "scaled_linear", "steps_offset": 1}"#

    @Test func timestepsPastTheTrainingScheduleAreRefused() throws {
        let config = try SchedulerConfig(json: Self.sd15, name: "scheduler_config.json")
        for kind in [SchedulerKind.pndm, .ddim] {
            #expect(throws: ConfigError.self) { try makeScheduler(kind, config: config, steps: 1000, eta: 0) }
            _ = try makeScheduler(kind, config: config, steps: 50, eta: 0)
        }
    }

    @Test func everyKindBuildsInRangeOrRefusesAtAThousandSteps() throws {
        let config = try SchedulerConfig(json: Self.sd15, name: "scheduler_config.json")
        for kind in SchedulerKind.allCases {
            guard let scheduler = try? makeScheduler(kind, config: config, steps: 1000, eta: 0) else { continue }
            #expect(scheduler.timesteps.allSatisfy { $0 >= 0 && $0 <= 999 }, "\(kind)")
        }
    }
}
