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

    /// Counts the floating-point tensors of a listing (integer buffers such as `position_ids` are not parameters).
    public mutating func count(_ listing: [String: StoredTensor], files: [String]) {
        let floats = listing.values.filter { [.f32, .f16, .bf16, .f64].contains($0.dtype) }
        parameters = floats.reduce(0) { $0 + $1.shape.reduce(1, *) }
        bytes = floats.reduce(0) { $0 + $1.bytes }
        dtypes = floats.reduce(into: [:]) { $0[$1.dtype.rawValue, default: 0] += $1.shape.reduce(1, *) }
        self.files = files.map { URL(fileURLWithPath: $0).lastPathComponent }
    }
}
