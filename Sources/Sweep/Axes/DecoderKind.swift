import StableDiffusion

/// What a `decoder` axis value decodes with: the model's own VAE, an AutoencoderTiny (TAESD)
/// folder, or a replacement AutoencoderKL (a folder, or a .safetensors file such as
/// vae-ft-mse-840000-ema-pruned) — A1111's "SD VAE" axis.
public enum DecoderKind: Equatable, Sendable {
    case modelVAE
    case tiny
    case replacementVAE

    /// The kind of a canonical `decoder` value (`vae` or an absolute path), told from its files.
    public init(_ value: String) {
        if value == "vae" {
            self = .modelVAE
        } else if (try? AutoencoderTinyConfig(path: value + "/config.json")) != nil {
            self = .tiny
        } else {
            self = .replacementVAE
        }
    }

    /// A manifest value made canonical, or why it decodes nothing.
    static func parse(_ text: String, context: AxisContext) -> Result<String, AxisValueError> {
        if text.lowercased() == "vae" { return .success("vae") }
        let path = context.absolute(text)
        let tinyError: ConfigError
        do {
            _ = try AutoencoderTinyConfig(path: path + "/config.json")
            return .success(path)
        } catch { tinyError = error }
        let failure = AxisValueError("decoder '\(text)': \(tinyError) (expected 'vae', an AutoencoderTiny folder, "
                                     + "or an AutoencoderKL folder or .safetensors file)")
        // A folder's config says what it is; a lone file is checked against the model before the job renders.
        guard let source = try? VAESource(path: path) else { return .failure(failure) }
        if source.isFolder, (try? VAEConfig(path: path + "/config.json")) == nil { return .failure(failure) }
        return .success(path)
    }
}
