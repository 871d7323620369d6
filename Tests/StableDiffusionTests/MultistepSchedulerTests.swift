import Foundation
@testable import StableDiffusion
import Tensors
import Testing

/// What the multistep schedulers add beyond the step-by-step parity of SchedulerParityTests.
@Suite struct MultistepSchedulerTests {
    @Test func unsupportedOptionsAreRejectedByName() throws {
        let cases: [(String, String)] = [
            (#"{"algorithm_type": "sde-dpmsolver++"}"#, "algorithm_type"),
            (#"{"algorithm_type": "dpmsolver", "final_sigmas_type": "sigma_min"}"#, "algorithm_type"),
            (#"{"solver_order": 3}"#, "solver_order"),
            (#"{"thresholding": true}"#, "thresholding"),
            (#"{"use_lu_lambdas": true}"#, "use_lu_lambdas"),
            (#"{"use_exponential_sigmas": true}"#, "use_exponential_sigmas"),
            (#"{"use_beta_sigmas": true}"#, "use_beta_sigmas"),
            (#"{"variance_type": "learned_range"}"#, "variance_type"),
            (#"{"timestep_spacing": "karras"}"#, "timestep_spacing"),
        ]
        for (json, key) in cases {
            let config = try SchedulerConfig(path: writeTemporary(json, named: "scheduler_config.json"))
            #expect {
                _ = try DPMSolverMultistepScheduler(config: config, steps: 10, karrasSigmas: false)
            } throws: { error in
                guard case let .unsupported(_, errorKey, _, _) = error as? ConfigError else { return false }
                return errorKey == key
            }
        }
        let unipcCases: [(String, String)] = [
            (#"{"solver_order": 3}"#, "solver_order"),
            (#"{"solver_type": "dpm"}"#, "solver_type"),
            (#"{"solver_type": "bh1"}"#, "solver_type"),
            (#"{"thresholding": true}"#, "thresholding"),
            (#"{"use_flow_sigmas": true}"#, "use_flow_sigmas"),
            (#"{"solver_p": {"_class_name": "DDIMScheduler"}}"#, "solver_p"),
        ]
        for (json, key) in unipcCases {
            let config = try SchedulerConfig(path: writeTemporary(json, named: "scheduler_config.json"))
            #expect {
                _ = try UniPCMultistepScheduler(config: config, steps: 10)
            } throws: { error in
                guard case let .unsupported(_, errorKey, _, _) = error as? ConfigError else { return false }
                return errorKey == key
            }
        }
    }

    @Test func lowerOrderSystemSolveMatchesClosedForm() {
        // [[1, 1], [rk, 1]] · rho = b, with rk on either side of 1 (both pivot choices).
        for rk: Float in [-0.7, -1.6] {
            let (r0, r1) = UniPCMultistepScheduler.solve(a11: 1, a12: 1, a21: rk, a22: 1, b1: 0.3, b2: 0.2)
            #expect(abs(r0 + r1 - 0.3) < 1e-6 && abs(rk * r0 + r1 - 0.2) < 1e-6)
        }
    }
}
