import Foundation

/// One component of a model as `sweep inspect` shows it: its class and, from the safetensors
/// headers alone, its parameter count and how the parameters are stored.
public struct ComponentSummary: Encodable, Equatable, Sendable {
    public var name: String
    public var className: String
    /// Floating-point elements, as diffusers' / transformers' `num_parameters()` count them.
    public var parameters: Int?
    /// Bytes of the floating-point tensors as stored.
    public var bytes: Int?
    /// Parameters stored in each dtype (`F32`, `F16`, `BF16`).
    public var dtypes: [String: Int]
    public var files: [String]
    /// Anything else worth a word: a tokenizer's vocabulary, a scheduler's own kind.
    public var note: String?

    public init(name: String, className: String, note: String? = nil) {
        self.name = name
        self.className = className
        dtypes = [:]
        files = []
        self.note = note
    }

    /// Counts the tensors of `files` (integer buffers such as `position_ids` are not parameters).
    public mutating func count(_ files: [SafeTensorsFile]) {
        var parameters = 0, bytes = 0
        for file in files {
            for entry in file.entries.values where [.f32, .f16, .bf16, .f64].contains(entry.dtype) {
                let elements = entry.shape.reduce(1, *)
                parameters += elements
                bytes += entry.range.count
                dtypes[entry.dtype.rawValue, default: 0] += elements
            }
        }
        self.parameters = parameters
        self.bytes = bytes
        self.files = files.map { URL(fileURLWithPath: $0.path).lastPathComponent }
    }
}
