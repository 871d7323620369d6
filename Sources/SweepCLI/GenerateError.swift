import StableDiffusion

/// Flags `sweep generate` rejects before any work.
enum GenerateError: Error, CustomStringConvertible {
    case unknownScheduler(String)

    var description: String {
        switch self {
        case let .unknownScheduler(name):
            "--scheduler \(name): unknown; expected one of \(SchedulerKind.allCases.map(\.rawValue).joined(separator: ", "))"
        }
    }
}
