import Tensors

/// Where a model's parameters come from: a folder of safetensors files, or random values for
/// building full-size architectures without downloading weights.
public protocol ParameterSource: Sendable {
    /// The float32 tensor called `name`, which must have `shape`.
    func tensor(_ name: String, shape: [Int]) throws(WeightsError) -> Tensor
    /// The weight matrix called `name`, which must have `shape`, kept in half precision where
    /// the source stores it so (a checkpoint's F16/BF16 tensors); by default, `tensor`'s float32.
    func weight(_ name: String, shape: [Int]) throws(WeightsError) -> Weight
    /// Whether `tensor(name, shape:)` would succeed, found without reading the values where the
    /// source can (from a file's header).
    func check(_ name: String, shape: [Int]) throws(WeightsError)
}

extension ParameterSource {
    public func check(_ name: String, shape: [Int]) throws(WeightsError) {
        _ = try tensor(name, shape: shape)
    }

    public func weight(_ name: String, shape: [Int]) throws(WeightsError) -> Weight {
        Weight(try tensor(name, shape: shape))
    }
}

/// A stored tensor as its header describes it.
public struct StoredTensor: Equatable, Sendable {
    public let dtype: SafeTensorsDType
    public let shape: [Int]
    public let bytes: Int
}

/// A source that can list its tensors from headers alone, by the names the model asks for (or
/// their stored spellings), so LoRAs can be matched and parameters counted without reading weights.
public protocol ListedParameterSource: ParameterSource {
    var listing: [String: StoredTensor] { get }
}

/// The parameters under one module's name prefix, as PyTorch's `state_dict` nests them:
/// `parameters["down_blocks"][0]["resnets"]` reads `down_blocks.0.resnets.*`.
public struct Parameters: Sendable {
    public let source: any ParameterSource
    public let prefix: String

    public init(_ source: any ParameterSource, prefix: String = "") {
        self.source = source
        self.prefix = prefix
    }

    public subscript(_ child: String) -> Parameters {
        Parameters(source, prefix: prefix + child + ".")
    }

    public subscript(_ index: Int) -> Parameters { self[String(index)] }

    public func tensor(_ name: String, _ shape: [Int]) throws(WeightsError) -> Tensor {
        try source.tensor(prefix + name, shape: shape)
    }

    /// A weight matrix (linear, convolution, embedding table), half precision where stored so.
    public func weight(_ name: String, _ shape: [Int]) throws(WeightsError) -> Weight {
        try source.weight(prefix + name, shape: shape)
    }
}
