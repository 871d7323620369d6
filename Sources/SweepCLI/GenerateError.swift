import StableDiffusion

/// Flags `sweep generate` rejects before any work.
enum GenerateError: Error, CustomStringConvertible {
    case unknownScheduler(String)
    case unknownPromptSyntax(String)
    case badNumber(flag: String, value: String, expected: String)
    case notPNG(String)
    case strengthWithoutInitImage

    var description: String {
        switch self {
        case let .unknownScheduler(name):
            "--scheduler \(name): unknown; expected one of \(SchedulerKind.allCases.map(\.rawValue).joined(separator: ", "))"
        case let .unknownPromptSyntax(name): "--prompt-syntax \(name): unknown; expected a1111 or plain"
        case let .badNumber(flag, value, expected): "\(flag) \(value): \(expected)"
        case let .notPNG(path): "--output \(path): sweep writes PNG images only; give a name ending in .png"
        case .strengthWithoutInitImage: "--strength: only image-to-image uses it; give --init-image FILE.png too"
        }
    }
}
