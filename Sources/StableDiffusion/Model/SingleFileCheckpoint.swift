import Foundation

/// A Stable Diffusion 1.x/2.x or SDXL checkpoint in one .safetensors file, in the original LDM
/// layout AUTOMATIC1111 and diffusers' `from_single_file` read: `model.diffusion_model.*` (UNet),
/// `first_stage_model.*` (VAE) and `cond_stage_model.transformer.*` (SD 1.x CLIP),
/// `cond_stage_model.model.*` (SD 2.x OpenCLIP) or SDXL's `conditioner.embedders.0.transformer.*`
/// (CLIP) with `conditioner.embedders.1.model.*` (OpenCLIP bigG). The file stays memory-mapped.
public struct SingleFileCheckpoint: Sendable {
    public enum TextEncoderLayout: String, Sendable { case clip = "CLIP", openCLIP = "OpenCLIP", sdxl = "CLIP + OpenCLIP bigG" }

    public let file: SafeTensorsFile
    public let textEncoderLayout: TextEncoderLayout
    public let vaePrefix: String
    private let names: [String]

    public init(path: String) throws(ModelError) {
        let file = try load { () throws(WeightsError) in try SafeTensorsFile(path: path) }
        let names = file.names
        let has = { (prefix: String) in names.contains { $0.hasPrefix(prefix) } }
        let layout: TextEncoderLayout? = has(LDMLayout.clipPrefix) ? .clip : has(LDMLayout.openCLIPPrefix) ? .openCLIP
            : has(LDMLayout.sdxlCLIPPrefix) && has(LDMLayout.sdxlOpenCLIPPrefix) ? .sdxl : nil
        let vae = LDMLayout.vaePrefixes.first(where: has)
        guard has(LDMLayout.unetPrefix), let layout, let vae else {
            throw .unknownArchitecture(file: path, found: Self.summary(names, expected: "model.diffusion_model.*, first_stage_model.* and "
                                           + "cond_stage_model.transformer.* (SD 1.x), cond_stage_model.model.* (SD 2.x) or "
                                           + "conditioner.embedders.0/1.* (SDXL)"))
        }
        self.file = file
        self.names = names
        textEncoderLayout = layout
        vaePrefix = vae
    }

    /// SD 1.x or 2.x, told apart as diffusers' `infer_diffusers_model_type` does: by the width of
    /// the text the UNet's cross-attention reads (768 for CLIP ViT-L, 1024 for OpenCLIP ViT-H).
    public func architecture() throws(ModelError) -> PublishedArchitecture {
        let key = names.first { $0.hasPrefix(LDMLayout.unetPrefix) && $0.hasSuffix(".attn2.to_k.weight") }
        let width = key.flatMap { file.entries[$0]?.shape.last }
        let architecture: PublishedArchitecture? = switch (width, textEncoderLayout) {
        case (768, .clip): .sd1
        case (1024, .openCLIP): .sd2
        case (2048, .sdxl): .sdxl
        default: nil
        }
        guard let architecture else {
            throw .unknownArchitecture(file: file.path, found: "a \(textEncoderLayout.rawValue) text encoder and cross-attention width "
                                           + "\(width.map(String.init) ?? "none"), not SD 1.x (CLIP, 768), SD 2.x (OpenCLIP, 1024) or SDXL "
                                           + "(CLIP + OpenCLIP bigG, 2048); "
                                           + "give --config with the model's diffusers configs")
        }
        return architecture
    }

    /// Whether the UNet's transformers project in and out with linear layers (SD 2.x) rather than 1×1 convolutions (SD 1.x).
    public var usesLinearProjection: Bool {
        let key = names.first { $0.hasPrefix(LDMLayout.unetPrefix) && $0.hasSuffix(".proj_in.weight") }
        return key.flatMap { file.entries[$0]?.shape.count } == 2
    }

    public func unet(_ config: UNetConfig) -> RenamedWeights {
        RenamedWeights(file: file, component: "UNet", table: LDMLayout.unet(names, config: config))
    }

    public func vae(_ config: VAEConfig) -> RenamedWeights {
        RenamedWeights(file: file, component: "VAE", table: LDMLayout.vae(names, prefix: vaePrefix, blocks: config.blockOutChannels.count))
    }

    public func textEncoder() -> RenamedWeights {
        let table = switch textEncoderLayout {
        case .clip: LDMLayout.clip(names)
        case .openCLIP: LDMLayout.openCLIP(names)
        case .sdxl: LDMLayout.clip(names, prefix: LDMLayout.sdxlCLIPPrefix)
        }
        return RenamedWeights(file: file, component: "text encoder", table: table)
    }

    /// SDXL's second text encoder (OpenCLIP bigG with its `text_projection`); empty for SD 1.x/2.x files.
    public func textEncoder2() -> RenamedWeights {
        RenamedWeights(file: file, component: "text encoder 2",
                       table: textEncoderLayout == .sdxl ? LDMLayout.openCLIP(names, prefix: LDMLayout.sdxlOpenCLIPPrefix, projection: true) : [:])
    }

    /// The first name parts and how many tensors share each, so an error shows what the file is.
    static func summary(_ names: [String], expected: String) -> String {
        var counts: [String: Int] = [:]
        for name in names {
            let parts = name.split(separator: ".")
            counts[parts.prefix(2).joined(separator: ".") + (parts.count > 2 ? ".*" : ""), default: 0] += 1
        }
        let listed = counts.sorted { $0.value > $1.value || ($0.value == $1.value && $0.key < $1.key) }.prefix(6)
        return "found " + listed.map { "\($0.key) (\($0.value))" }.joined(separator: ", ")
            + (counts.count > 6 ? ", …" : "") + "; expected " + expected
    }
}
