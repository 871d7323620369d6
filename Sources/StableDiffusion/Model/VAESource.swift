import Foundation

/// A replacement VAE (`--vae`, manifest `vae:`): a diffusers `AutoencoderKL` folder (config.json
/// + weights), or one .safetensors file in diffusers' or the original LDM key layout, as
/// vae-ft-mse-840000-ema-pruned.safetensors is (a file takes the model's own VAE config).
public struct VAESource: Sendable {
    public let path: String
    public let isFolder: Bool

    public init(path: String) throws(ModelError) {
        try PickleFile.refuse(path)
        var folder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &folder) else { throw .notFound(path: path) }
        guard folder.boolValue || path.hasSuffix(".safetensors") else { throw .notAModel(path: path) }
        self.path = path
        isFolder = folder.boolValue
    }

    /// Its name in PNG metadata (`VAE: name`) and the CSV `vae` column: the folder or file name.
    public var name: String { URL(fileURLWithPath: path).lastPathComponent }

    /// A folder's own config; nil for a file.
    func config() throws(ModelError) -> VAEConfig? {
        guard isFolder else { return nil }
        return try load { () throws(ConfigError) in try VAEConfig(path: ModelSource.path(path, "config.json")) }
    }

    func weights(_ config: VAEConfig) throws(ModelError) -> any ParameterSource {
        if isFolder {
            return try load { () throws(WeightsError) in try ComponentWeights(directory: path, legacyNames: AutoencoderKL.legacyNames) }
        }
        let file = try load { () throws(WeightsError) in try SafeTensorsFile(path: path) }
        let names = file.names
        // A full checkpoint's VAE, or a lone VAE: LDM names (encoder.down.0.block.0…) or diffusers' (encoder.down_blocks.0…).
        for prefix in LDMLayout.vaePrefixes + [""] where names.contains(where: { $0.hasPrefix(prefix + "encoder.down.") || $0.hasPrefix(prefix + "decoder.up.") }) {
            return RenamedWeights(file: file, component: "VAE", table: LDMLayout.vae(names, prefix: prefix, blocks: config.blockOutChannels.count))
        }
        guard names.contains(where: { $0.hasPrefix("decoder.up_blocks.") }) else {
            throw .unknownArchitecture(file: path, found: SingleFileCheckpoint.summary(names, expected: "an AutoencoderKL's encoder.* and decoder.*"))
        }
        return try load { () throws(WeightsError) in try ComponentWeights(file: file, legacyNames: AutoencoderKL.legacyNames) }
    }
}
