import Foundation

/// The settings of transformers' `CLIPVisionConfig` that shape a `CLIPVisionModel`, plus the
/// `CLIPConfig.projection_dim` of the visual projection.
public struct CLIPVisionConfig: Equatable, Sendable {
    public var hiddenSize: Int
    public var intermediateSize: Int
    public var layers: Int
    public var heads: Int
    public var imageSize: Int
    public var patchSize: Int
    public var activation: HiddenActivation
    public var layerNormEps: Float
    public var projectionDim: Int

    /// Patches per side of the square input.
    public var grid: Int { imageSize / patchSize }

    /// Reads a `CLIPConfig` config.json (the safety checker's) with its `vision_config` object;
    /// defaults are transformers' `CLIPVisionConfig` / `CLIPConfig` defaults.
    public init(path: String) throws(ConfigError) {
        let top = try JSONConfig(path: path)
        let nestedPath = path + " (vision_config)"
        guard let nested = top.raw("vision_config") else { throw .missingKey(path: path, key: "vision_config") }
        guard let data = try? JSONSerialization.data(withJSONObject: nested) else { throw .notJSONObject(path: nestedPath) }
        let json = try JSONConfig(data: data, path: nestedPath)
        let activation = try json.hiddenActivation(default: "quick_gelu")
        let channels = try json.int("num_channels", default: 3)
        guard channels == 3 else { throw .unsupported(path: nestedPath, key: "num_channels", value: "\(channels)", supported: "3") }
        hiddenSize = try json.positive("hidden_size", default: 768)
        intermediateSize = try json.positive("intermediate_size", default: 3072)
        layers = try json.positive("num_hidden_layers", default: 12)
        heads = try json.positive("num_attention_heads", default: 12)
        imageSize = try json.positive("image_size", default: 224)
        patchSize = try json.positive("patch_size", default: 32)
        self.activation = activation
        layerNormEps = Float(try json.double("layer_norm_eps", default: 1e-5))
        projectionDim = try top.positive("projection_dim", default: 512)
        try json.checkHeads(heads, divide: hiddenSize)
        guard imageSize % patchSize == 0 else {
            throw .invalid(path: nestedPath, key: "patch_size", reason: "(\(patchSize)) must divide image_size (\(imageSize))")
        }
    }
}
