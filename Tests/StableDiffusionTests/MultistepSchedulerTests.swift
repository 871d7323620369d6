import Foundation
@testable import StableDiffusion
import Tensors
import Testing

/// One recorded diffusers run of a multistep scheduler (DPM-Solver++ 2M, its Karras variant,
/// UniPC), from Tests/Fixtures/schedulers/make_scheduler_fixtures.py.
struct MultistepCase: CustomStringConvertible, Sendable {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../Fixtures/schedulers").standardized.path
    static let kinds: Set<String> = ["dpm++2m", "dpm++2m-karras", "unipc"]

    let name: String
    let kind: SchedulerKind
    /// The base scheduler_config.json the case was built from, as JSON text.
    let config: Data
    let steps: Int

    var description: String { name }

    static let all: [MultistepCase] = {
        guard let data = try? Data(contentsOf: URL(fileURLWithPath: directory + "/cases.json")),
              let list = try? JSONSerialization.jsonObject(with: data) as? [[String: Any]] else { return [] }
        return list.compactMap { entry in
            guard let name = entry["name"] as? String, let kindName = entry["kind"] as? String,
                  kinds.contains(kindName), let kind = SchedulerKind(rawValue: kindName),
                  let config = entry["config"], let steps = entry["steps"] as? Int,
                  let json = try? JSONSerialization.data(withJSONObject: config) else { return nil }
            return MultistepCase(name: name, kind: kind, config: json, steps: steps)
        }
    }()

    func scheduler() throws -> any Scheduler {
        let url = try temporaryFolder().appendingPathComponent("scheduler_config.json")
        try config.write(to: url)
        let config = try SchedulerConfig(path: url.path)
        switch kind {
        case .dpmSolverMultistep: return try DPMSolverMultistepScheduler(config: config, steps: steps, karrasSigmas: false)
        case .dpmSolverMultistepKarras: return try DPMSolverMultistepScheduler(config: config, steps: steps, karrasSigmas: true)
        default: return try UniPCMultistepScheduler(config: config, steps: steps)
        }
    }

    func reference() throws -> SafeTensorsFile {
        try SafeTensorsFile(path: Self.directory + "/\(name).safetensors")
    }
}

/// max |actual - expected| and the tolerance 1e-5 · max(1, max|expected|).
private func deviation(_ actual: Tensor, _ expected: Tensor) -> (error: Float, tolerance: Float) {
    let a = actual.scalars, e = expected.scalars
    let error = zip(a, e).map { abs($0 - $1) }.max() ?? 0
    return (error, 1e-5 * max(1, e.map(abs).max() ?? 0))
}

@Suite struct MultistepSchedulerTests {
    @Test func fixturesListEveryMultistepKind() {
        #expect(Set(MultistepCase.all.map(\.kind.rawValue)) == MultistepCase.kinds)
    }

    @Test(arguments: MultistepCase.all)
    func matchesDiffusersStepByStep(_ testCase: MultistepCase) throws {
        var scheduler = try testCase.scheduler()
        let reference = try testCase.reference()

        let timesteps = try reference.tensor("timesteps").scalars
        #expect(scheduler.timesteps.count == timesteps.count, "\(testCase): timesteps \(scheduler.timesteps) vs \(timesteps)")
        guard scheduler.timesteps.count == timesteps.count else { return }
        for (ours, theirs) in zip(scheduler.timesteps, timesteps) {
            #expect(abs(ours - theirs) <= 1e-4, "\(testCase): timesteps \(scheduler.timesteps) vs \(timesteps)")
        }
        let initNoiseSigma = try reference.tensor("init_noise_sigma").scalars[0]
        #expect(abs(scheduler.initNoiseSigma - initNoiseSigma) <= 1e-5 * max(1, abs(initNoiseSigma)))

        var sample = try reference.tensor("sample.0")
        var worst: Float = 0
        for i in timesteps.indices {
            let input = scheduler.scaleModelInput(sample, step: i)
            let (inputError, inputTolerance) = deviation(input, try reference.tensor("model_input.\(i)"))
            #expect(inputError <= inputTolerance, "\(testCase): model_input.\(i) off by \(inputError)")
            sample = scheduler.step(modelOutput: try reference.tensor("model_output.\(i)"), step: i, sample: sample) { shape in
                Issue.record("\(testCase): drew noise at evaluation \(i)")
                return Tensor(shape: shape)
            }
            let expected = try reference.tensor("sample.\(i + 1)")
            #expect(sample.shape == expected.shape)
            let (error, tolerance) = deviation(sample, expected)
            #expect(error <= tolerance, "\(testCase): sample.\(i + 1) off by \(error) > \(tolerance)")
            worst = max(worst, error / tolerance * 1e-5)
        }
        print("\(testCase): max relative error \(worst)")
    }

    @Test func sigmasMatchDiffusers() throws {
        for testCase in MultistepCase.all {
            let expected = try testCase.reference().tensor("sigmas").scalars
            let scheduler = try testCase.scheduler()
            let sigmas = (scheduler as? DPMSolverMultistepScheduler)?.sigmas ?? (scheduler as? UniPCMultistepScheduler)?.sigmas ?? []
            #expect(sigmas.count == expected.count, "\(testCase)")
            for (ours, theirs) in zip(sigmas, expected) {
                #expect(abs(ours - theirs) <= 1e-6 * max(1, abs(theirs)), "\(testCase): sigmas \(sigmas) vs \(expected)")
            }
        }
    }

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
