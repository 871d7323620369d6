import Foundation

/// One LoRA to merge into a model: its `.safetensors` file and the strength it is merged with,
/// as `--lora PATH[:SCALE]`, a manifest's `loras: [{path, scale}]` or A1111's `<lora:name:scale>`.
public struct LoRA: Hashable, Codable, Sendable, CustomStringConvertible {
    public var path: String
    public var scale: Float

    public init(path: String, scale: Float = 1) {
        self.path = path
        self.scale = scale
    }

    /// `PATH` or `PATH:SCALE`; a colon followed by something that is not a number stays part of the path.
    public init(argument: String) throws(LoRAError) {
        if let colon = argument.lastIndex(of: ":"), let scale = Float(argument[argument.index(after: colon)...]) {
            guard scale.isFinite else { throw .badScale(argument) }
            self.init(path: String(argument[..<colon]), scale: scale)
        } else {
            self.init(path: argument)
        }
        guard !path.isEmpty else { throw .badScale(argument) }
    }

    /// The file's name without `.safetensors`, as A1111 names a LoRA.
    public var name: String { URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent }

    /// `name:scale`, as A1111's `<lora:name:scale>` and our PNG text, CSV and grid labels write it.
    public var description: String { "\(name):\(Self.format(scale))" }

    /// `0.8`, `1`, `-0.5`: the shortest form that reads back to the same float.
    public static func format(_ scale: Float) -> String {
        scale == scale.rounded() && abs(scale) < 1e6 ? String(Int(scale)) : "\(scale)"
    }
}
