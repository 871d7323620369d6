import Foundation
import StableDiffusion

/// A LoRA as an image's metadata names it: A1111's name (the file name), the scale it was merged
/// with, and its short hash.
public struct LoRAInfo: Equatable, Sendable {
    public let name: String
    public let scale: Float
    /// A1111's `Lora hashes` value: the first 12 hex digits of the SHA-256 of the file after its
    /// safetensors header (kohya's "addnet" hash, which ignores metadata edits).
    public let hash: String

    public init(name: String, scale: Float, hash: String) {
        self.name = name
        self.scale = scale
        self.hash = hash
    }

    /// Reads the file once to hash it.
    public init(_ lora: LoRA) throws(LoRAError) {
        guard let data = try? Data(contentsOf: URL(fileURLWithPath: lora.path), options: .alwaysMapped), data.count >= 8 else {
            throw .weights(.unreadable(file: lora.path, reason: "cannot read the LoRA file"))
        }
        let headerLength = data.prefix(8).enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
        let start = min(8 + Int(clamping: headerLength), data.count)
        self.init(name: lora.name, scale: lora.scale, hash: String(ContentHash.hex(data.subdata(in: start..<data.count)).prefix(12)))
    }

    /// `name:scale`, as the CSV column and grid labels show it.
    public var label: String { "\(name):\(LoRA.format(scale))" }
}
