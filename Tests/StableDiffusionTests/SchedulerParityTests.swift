import Foundation
import StableDiffusion
import Testing

/// Our schedulers against diffusers 0.42.1, step by step (see SchedulerFixtures).
@Suite struct SchedulerParityTests {
    static let kinds = Set(SchedulerKind.allCases)

    @Test(arguments: SchedulerFixtures.names(kinds: kinds))
    func matchesDiffusers(_ name: String) throws {
        try SchedulerFixtures.checkParity(name)
    }

    @Test func everyKindHasCases() {
        for kind in Self.kinds { #expect(!SchedulerFixtures.names(kinds: [kind]).isEmpty, "no cases for \(kind)") }
    }
}

@Suite struct SchedulerConfigErrorTests {
    static let sd15 = #"{"_class_name": "PNDMScheduler", "beta_end": 0.012, "beta_schedule": "scaled_linear", "beta_start": 0.00085, "num_train_timesteps": 1000, "set_alpha_to_one": false, "skip_prk_steps": true, "steps_offset": 1}"#

    @Test(arguments: Array(SchedulerParityTests.kinds).map(\.rawValue), [0, 1001])
    func stepCountsOutsideTheTrainingRangeAreRejected(_ kind: String, _ steps: Int) throws {
        let config = try SchedulerConfig(path: writeTemporary(Self.sd15, named: "scheduler_config.json"))
        let expected = ConfigError.invalid(path: config.path, key: "num_train_timesteps",
                                           reason: "(1000) allows 1 to 1000 inference steps, not \(steps)")
        #expect(throws: expected) { try makeScheduler(SchedulerKind(rawValue: kind)!, config: config, steps: steps, eta: 0) }
        #expect(!expected.description.contains("\n"))
    }

    @Test(arguments: Array(SchedulerParityTests.kinds).map(\.rawValue))
    func oneStepWorks(_ kind: String) throws {
        let config = try SchedulerConfig(path: writeTemporary(Self.sd15, named: "scheduler_config.json"))
        let scheduler = try makeScheduler(SchedulerKind(rawValue: kind)!, config: config, steps: 1, eta: 0)
        #expect(!scheduler.timesteps.isEmpty)
    }

    @Test func unimplementedOptionsAreRejected() throws {
        let karras = try SchedulerConfig(path: writeTemporary(#"{"use_karras_sigmas": true}"#, named: "scheduler_config.json"))
        #expect(throws: ConfigError.unsupported(path: karras.path, key: "use_karras_sigmas", value: "true", supported: "false")) {
            try EulerDiscreteScheduler(config: karras, steps: 10)
        }
        let thresholding = try SchedulerConfig(path: writeTemporary(#"{"thresholding": true}"#, named: "scheduler_config.json"))
        #expect(throws: ConfigError.unsupported(path: thresholding.path, key: "thresholding", value: "true", supported: "false")) {
            try DDIMScheduler(config: thresholding, steps: 10)
        }
    }
}
