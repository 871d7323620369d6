import Foundation
import StableDiffusion

extension SweepAxis {
    public static let promptSyntax = SweepAxis(rawValue: "prompt_syntax")
    public static let clipSkip = SweepAxis(rawValue: "clip_skip")
    public static let guidanceRescale = SweepAxis(rawValue: "guidance_rescale")
    /// Points on the way from one prompt's encoding to another's (`interpolate: {from, to, steps, method}`).
    public static let interpolate = SweepAxis(rawValue: "interpolate")
}

/// How the prompt is read and conditions the UNet, as sweep axes. `GenerationParameters` writes
/// their PNG text itself (`PromptSettingsText`), since `sweep generate` sets them too.
extension AxisDeclaration {
    /// `a1111` (weights, BREAK, chunks past 75 tokens) or `plain` (diffusers: truncated at 77 tokens).
    public static let promptSyntax = AxisDeclaration(
        axis: .promptSyntax, defaultValue: { _ in PromptSyntax.a1111.rawValue },
        parse: { text, _ in
            PromptSyntax(rawValue: text.lowercased()).map { .success($0.rawValue) }
                ?? .failure(AxisValueError("prompt_syntax '\(text)': expected a1111 or plain"))
        },
        apply: { value, request in request.promptSyntax = PromptSyntax(rawValue: value) ?? .a1111 },
        label: { "Prompt syntax: \($0)" }, csvColumn: "prompt_syntax", identity: .whenNotDefault(key: "prompt_syntax"), batching: .any)

    /// A1111's clip skip: 1 is the text encoder's last layer, 2 the one before (diffusers' `clip_skip=1`).
    public static let clipSkip = AxisDeclaration(
        axis: .clipSkip, aliases: ["CLIP_stop_at_last_layers"], expects: "a whole number", defaultValue: { _ in "1" },
        parse: { text, _ in AxisParsing.integer(text, key: "clip_skip", in: 1...48) },
        apply: { value, request in request.clipSkip = AxisParsing.int(value) },
        label: { "Clip skip: \($0)" }, csvColumn: "clip_skip", identity: .whenNotDefault(key: "clip_skip"), batching: .any)

    /// diffusers' `guidance_rescale` φ; it acts on classifier-free guidance only, so unguided tasks take 0.
    public static let guidanceRescale = AxisDeclaration(
        axis: .guidanceRescale, aliases: ["cfg_rescale", "cfg_rescale_phi"], expects: "a number", defaultValue: { _ in "0.0" },
        parse: { text, _ in AxisParsing.number(text, key: "guidance_rescale", in: 0...1, expected: "a number from 0 (off) to 1") },
        apply: { value, request in request.guidanceRescale = AxisParsing.float(value) },
        label: { "CFG Rescale phi: \(AxisParsing.float($0))" }, csvColumn: "guidance_rescale",
        identity: .whenNotDefault(key: "guidance_rescale"), batching: .any,
        applies: { settings in AxisParsing.float(settings[.guidance] ?? "7.5") > 1 })

    /// One point of a prompt interpolation, as `METHOD FRACTION TARGET` (`slerp 0.5 a blue car`);
    /// `ManifestReader` makes these from `interpolate: {from, to, steps, method}`. Empty: none.
    public static let interpolate = AxisDeclaration(
        axis: .interpolate, defaultValue: { _ in "" },
        parse: { text, _ in
            guard text.isEmpty || InterpolationValue(text) != nil else {
                return .failure(AxisValueError("interpolate '\(text)': expected {from: TEXT, to: TEXT, steps: N, method: slerp|lerp}"))
            }
            return .success(text)
        },
        apply: { value, request in request.interpolation = InterpolationValue(value)?.interpolation },
        label: { value in InterpolationValue(value).map { "Interpolate: \(String(format: "%.3g", $0.interpolation.fraction))" } ?? "No interpolation" },
        csvColumn: "interpolate", identity: .whenNotDefault(key: "interpolate"), batching: .any)
}

/// The canonical text of one `interpolate` axis value, `METHOD FRACTION TARGET`.
struct InterpolationValue {
    let interpolation: PromptInterpolation

    init?(_ text: String) {
        let parts = text.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3, let method = PromptInterpolation.Method(rawValue: String(parts[0])), let fraction = Double(parts[1]),
              (0...1).contains(fraction) else { return nil }
        interpolation = PromptInterpolation(target: String(parts[2]), fraction: fraction, method: method)
    }

    /// The `steps` points from 0 to 1 (`i / (steps − 1)`), each as canonical text.
    static func values(to target: String, steps: Int, method: PromptInterpolation.Method) -> [String] {
        (0..<steps).map { "\(method.rawValue) \(Double($0) / Double(steps - 1)) \(target)" }
    }
}
