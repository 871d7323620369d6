import Tensors

/// The weights of one component inside a single checkpoint file whose names differ from
/// diffusers' (the original LDM layout): each diffusers name is looked up in a table of the
/// file's own tensors, so float32 data stays memory-mapped and nothing is copied or renamed in memory.
public struct RenamedWeights: ListedParameterSource {
    /// A tensor of the file, one of `parts` equal row slices of it (a fused q/k/v projection),
    /// or the transpose of a matrix (OpenCLIP's `text_projection`).
    public struct Stored: Equatable, Sendable {
        public var name: String
        public var part = 0
        public var parts = 1
        public var transposed = false

        /// The shape the model sees of a stored tensor of `shape`.
        func shape(of shape: [Int]) -> [Int] {
            transposed ? shape.reversed() : [(shape.first ?? 0) / parts] + shape.dropFirst()
        }
    }

    public let file: SafeTensorsFile
    /// "UNet", "VAE", "text encoder": which component asked, for error messages.
    public let component: String
    public let table: [String: Stored]

    public init(file: SafeTensorsFile, component: String, table: [String: Stored]) {
        self.file = file
        self.component = component
        self.table = table
    }

    /// Every tensor of the table under its diffusers name; a fused projection's part is its share of the rows.
    public var listing: [String: StoredTensor] {
        table.compactMapValues { stored in
            file.entries[stored.name].map { entry in
                StoredTensor(dtype: entry.dtype, shape: stored.shape(of: entry.shape), bytes: entry.range.count / stored.parts)
            }
        }
    }

    public func tensor(_ name: String, shape: [Int]) throws(WeightsError) -> Tensor {
        try weight(name, shape: shape).float32
    }

    /// A transposed matrix (OpenCLIP's `text_projection`, one per model) is a float32 copy; every
    /// other weight stays as the file stores it.
    public func weight(_ name: String, shape: [Int]) throws(WeightsError) -> Weight {
        let stored = try locate(name, shape: shape)
        let weight = stored.parts == 1 ? try file.weight(stored.name) : try file.weight(stored.name, part: stored.part, of: stored.parts)
        return stored.transposed ? Weight(weight.float32.transposingLastTwo()) : weight.reshaped(shape)
    }

    public func check(_ name: String, shape: [Int]) throws(WeightsError) {
        _ = try locate(name, shape: shape)
    }

    /// Where the tensor a model calls `name` is stored, checked to have `shape` and a dtype that
    /// converts to float32, from the header alone.
    private func locate(_ name: String, shape: [Int]) throws(WeightsError) -> Stored {
        guard let stored = table[name] else {
            throw .unmapped(file: file.path, component: component, tensor: name)
        }
        guard let entry = file.entries[stored.name] else { throw .missingTensor(file: file.path, tensor: stored.name) }
        let storedShape = stored.shape(of: entry.shape)
        // The original autoencoder keeps its attention projections as 1×1 convolutions, `[out, in, 1, 1]`.
        guard storedShape == shape || storedShape == shape + [1, 1] && !stored.transposed, !stored.transposed || shape.count == 2 else {
            throw .shapeMismatch(file: file.path, tensor: stored.name, stored: entry.shape, expected: shape)
        }
        guard entry.dtype.convertsToFloat32 else {
            throw .notFloatingPoint(file: file.path, tensor: stored.name, dtype: entry.dtype.rawValue)
        }
        return stored
    }
}
