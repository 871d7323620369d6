import Foundation
import StableDiffusion
import Tensors
import Testing

/// diffusers' schedulers run step by step, recorded by
/// Tests/Fixtures/schedulers/make_scheduler_fixtures.py: `cases.json` lists each case's kind,
/// base model config, step count and eta; `<case>.safetensors` holds its tensors.
enum SchedulerFixtures {
    struct Case: Sendable {
        let name: String
        let kind: SchedulerKind
        let steps: Int
        let eta: Float
        /// The `config` object, re-serialised: the model's scheduler_config.json.
        let configJSON: Data
    }

    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../Fixtures/schedulers").standardized.path

    static let cases: [Case] = {
        let data = try! Data(contentsOf: URL(fileURLWithPath: directory + "/cases.json"))
        let list = try! JSONSerialization.jsonObject(with: data) as! [[String: Any]]
        return list.map { entry in
            Case(name: entry["name"] as! String,
                 kind: SchedulerKind(rawValue: entry["kind"] as! String)!,
                 steps: entry["steps"] as! Int,
                 eta: (entry["eta"] as? NSNumber)?.floatValue ?? 0,
                 configJSON: try! JSONSerialization.data(withJSONObject: entry["config"]!, options: [.sortedKeys]))
        }
    }()

    /// The names of the cases for `kinds`, as a test argument list.
    static func names(kinds: Set<SchedulerKind>) -> [String] {
        cases.filter { kinds.contains($0.kind) }.map(\.name)
    }

    static func testCase(_ name: String) -> Case { cases.first { $0.name == name }! }

    /// The case's config written to a fresh temporary `scheduler_config.json`.
    static func config(_ testCase: Case) throws -> SchedulerConfig {
        let url = try temporaryFolder().appendingPathComponent("scheduler_config.json")
        try testCase.configJSON.write(to: url)
        return try SchedulerConfig(path: url.path)
    }

    static func reference(_ name: String) throws -> SafeTensorsFile {
        try SafeTensorsFile(path: directory + "/\(name).safetensors")
    }

    /// Builds the case's scheduler with `makeScheduler` and checks it against diffusers:
    /// timesteps, `init_noise_sigma`, then every `scale_model_input` and `step` output, feeding
    /// the recorded model outputs and noise and stepping from our own previous sample so errors
    /// accumulate as they would in a real run. Returns the largest error relative to
    /// `max(1, max|reference|)`.
    @discardableResult
    static func checkParity(_ name: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> Float {
        let testCase = testCase(name)
        let file = try reference(name)
        var scheduler = try makeScheduler(testCase.kind, config: try config(testCase), steps: testCase.steps, eta: testCase.eta)

        let expectedTimesteps = try file.tensor("timesteps").scalars
        #expect(scheduler.timesteps.count == expectedTimesteps.count,
                "\(name): \(scheduler.timesteps.count) timesteps, diffusers has \(expectedTimesteps.count)", sourceLocation: sourceLocation)
        let timestepError = zip(scheduler.timesteps, expectedTimesteps).map { abs($0 - $1) }.max() ?? 0
        #expect(timestepError <= 1e-4, "\(name): timesteps \(scheduler.timesteps), diffusers \(expectedTimesteps)",
                sourceLocation: sourceLocation)
        let sigma = try file.tensor("init_noise_sigma").scalars[0]
        #expect(abs(scheduler.initNoiseSigma - sigma) <= 1e-6 * abs(sigma),
                "\(name): init_noise_sigma \(scheduler.initNoiseSigma), diffusers \(sigma)", sourceLocation: sourceLocation)
        guard scheduler.timesteps.count == expectedTimesteps.count else { return .infinity }

        var worst: Float = 0
        func compare(_ actual: Tensor, _ key: String) throws {
            let expected = try file.tensor(key)
            #expect(actual.shape == expected.shape, "\(name) \(key): shape \(actual.shape), expected \(expected.shape)",
                    sourceLocation: sourceLocation)
            guard actual.shape == expected.shape else { worst = .infinity; return }
            let e = expected.scalars
            let scale = max(1, e.map(abs).max() ?? 0)
            let error = zip(actual.scalars, e).map { abs($0 - $1) }.max() ?? 0
            worst = max(worst, error / scale)
            #expect(error <= 1e-5 * scale, "\(name) \(key): max |error| \(error) > \(1e-5 * scale)", sourceLocation: sourceLocation)
        }

        var sample = try file.tensor("sample.0")
        for i in scheduler.timesteps.indices {
            let input = scheduler.scaleModelInput(sample, step: i)
            try compare(input, "model_input.\(i)")
            let recordedNoise = file.entries["noise.\(i)"] == nil ? nil : try file.tensor("noise.\(i)")
            var drew = false
            sample = scheduler.step(modelOutput: try file.tensor("model_output.\(i)"), step: i, sample: sample) { shape in
                drew = true
                guard let recordedNoise, recordedNoise.shape == shape else { return Tensor(shape: shape) }
                return recordedNoise
            }
            #expect(drew == (recordedNoise != nil),
                    "\(name): evaluation \(i) \(drew ? "drew" : "drew no") noise, diffusers \(recordedNoise != nil ? "did" : "did not")",
                    sourceLocation: sourceLocation)
            try compare(sample, "sample.\(i + 1)")
        }
        if ProcessInfo.processInfo.environment["SCHEDULER_PARITY_REPORT"] != nil {
            print("scheduler parity \(name): max relative error \(worst)")
        }
        return worst
    }
}
