import Foundation
import StableDiffusion
import Tensors

/// The settings that made an image, written as AUTOMATIC1111's `parameters` text so its
/// "PNG Info", ComfyUI and civitai read them back.
public struct GenerationParameters: Equatable, Sendable {
    public var prompt: String
    public var negativePrompt: String
    public var steps: Int
    /// A1111's sampler name, e.g. `DPM++ 2M Karras`.
    public var sampler: String
    public var guidance: Float
    public var seed: UInt64
    public var width: Int
    public var height: Int
    public var model: String
    /// A1111's `Model hash` (first 10 hex digits of the checkpoint file's SHA-256); nil for a diffusers folder.
    public var modelHash: String?
    /// A replacement VAE's folder or file name; nil for the model's own.
    public var vae: String?
    /// The decoder's name when it is not a VAE but TAESD (e.g. `taesd`), written as `Decoder: …`.
    public var decoder: String?
    /// DDIM's eta; 0 (the default, and the value for samplers that take none) is not written, as A1111 does.
    public var eta: Float
    public var loras: [LoRAInfo]
    /// The init image and strength of an image-to-image render; nil for text-to-image.
    public var imageToImage: ImageToImageInfo?
    /// Clip skip, guidance rescale, emphasis and interpolation items (`PromptSettingsText`), when not the default.
    public var promptSettings: [String] = []
    /// The GEMMs' precision; float32 (the default) is not written, so float32 text stays as it was.
    public var precision: Precision = .float32
    /// SDXL's settings when the request sets them, as `Key: value` items (see `GenerationRequest.sdxlInfotext`).
    public var sdxlSettings: [String] = []
    /// `Key: value` entries of the declared axes that write their own (`AxisDeclaration.pngKey`), last.
    public var extras: [String] = []

    public init(prompt: String, negativePrompt: String, steps: Int, sampler: String, guidance: Float, seed: UInt64,
                width: Int, height: Int, model: String, vae: String? = nil, decoder: String? = nil, eta: Float = 0,
                loras: [LoRAInfo] = [], imageToImage: ImageToImageInfo? = nil) {
        self.prompt = prompt
        self.negativePrompt = negativePrompt
        self.steps = steps
        self.sampler = sampler
        self.guidance = guidance
        self.seed = seed
        self.width = width
        self.height = height
        self.model = model
        self.vae = vae
        self.decoder = decoder
        self.eta = eta
        self.loras = loras
        self.imageToImage = imageToImage
    }

    /// What a request made, with the sampler that ran and the image's own size.
    public init(request: GenerationRequest, scheduler: SchedulerKind, image: RGBImage, model: String, vae: String? = nil,
                decoder: String? = nil, loras: [LoRAInfo] = [], imageToImage: ImageToImageInfo? = nil) {
        self.init(prompt: request.prompt, negativePrompt: request.negativePrompt, steps: request.steps,
                  sampler: scheduler.samplerName, guidance: request.guidance, seed: request.seed,
                  width: image.width, height: image.height, model: model, vae: vae, decoder: decoder,
                  eta: scheduler.usesEta ? request.eta : 0, loras: loras, imageToImage: imageToImage)
        promptSettings = PromptSettingsText.items(for: request)
        precision = request.precision
        sdxlSettings = request.sdxlInfotext
    }

    /// Prompt line(s); `Negative prompt: …` when there is one; then the settings line. LoRAs as
    /// A1111 ≥ 1.5 writes them (`Lora hashes: "name: 0123456789ab"`); the prompt holds no
    /// `<lora:name:scale>` tag, so `Lora: "name:scale"` records the scales.
    public var a1111Text: String {
        var lines = [prompt]
        if !negativePrompt.isEmpty { lines.append("Negative prompt: " + negativePrompt) }
        var settings = "Steps: \(steps), Sampler: \(sampler), CFG scale: \(Self.format(guidance: guidance)), Seed: \(seed), "
            + "Size: \(width)x\(height), " + (modelHash.map { "Model hash: \($0), " } ?? "") + "Model: \(model)" + (vae.map { ", VAE: \($0)" } ?? "") + (decoder.map { ", Decoder: \($0)" } ?? "")
        if !loras.isEmpty {
            settings += ", Lora hashes: \"\(loras.map { "\($0.name): \($0.hash)" }.joined(separator: ", "))\""
                + ", Lora: \"\(loras.map(\.label).joined(separator: ", "))\""
        }
        if eta != 0 { settings += ", Eta: \(eta)" }
        if precision != .float32 { settings += ", Precision: \(precision.rawValue)" }
        if let imageToImage { settings += ", " + imageToImage.a1111Text }
        for item in promptSettings + sdxlSettings + extras { settings += ", " + item }
        lines.append(settings)
        return lines.joined(separator: "\n")
    }

    /// A1111 writes whole guidance scales without a decimal point (`7`, `7.5`).
    public static func format(guidance: Float) -> String {
        guidance == guidance.rounded() && abs(guidance) < 1e9 ? String(Int(guidance)) : "\(guidance)"
    }

    /// The image as PNG bytes carrying this text in a `parameters` chunk.
    public func png(of image: RGBImage) throws(PNGError) -> Data {
        let png = try PNGImage(width: image.width, height: image.height, pixels: image.pixels).encoded()
        return try PNGText.adding(key: "parameters", text: a1111Text, to: png)
    }
}
