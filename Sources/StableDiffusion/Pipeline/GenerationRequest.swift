import Tensors

/// One image to render: the settings of a diffusers `StableDiffusionPipeline(...)` (or
/// `StableDiffusionXLPipeline(...)`) call.
public struct GenerationRequest: Equatable, Sendable {
    public var prompt: String
    /// "" when none was given (`hasNegativePrompt` tells the two apart). Assigned after the
    /// request is made (as a sweep's axes do), an empty text means none.
    public var negativePrompt: String { didSet { hasNegativePrompt = !negativePrompt.isEmpty } }
    /// Whether a negative prompt was given, even an empty one: diffusers' `negative_prompt is not
    /// None`, which decides SDXL's zero negative embeddings (`force_zeros_for_empty_prompt`).
    public var hasNegativePrompt: Bool
    /// SDXL's `prompt_2` / `negative_prompt_2` for the second text encoder (nil or empty: the first's).
    public var prompt2: String?
    public var negativePrompt2: String?
    /// SDXL's `original_size`, `crops_coords_top_left`, `target_size`.
    public var microConditioning: MicroConditioning
    /// The image's own `torch.Generator().manual_seed(seed)`.
    public var seed: UInt64
    public var steps: Int
    public var guidance: Float
    /// nil: the model's own scheduler (`scheduler_config.json`'s `_class_name`).
    public var scheduler: SchedulerKind?
    /// DDIM's eta; other schedulers ignore it, as diffusers does.
    public var eta: Float
    /// nil: the model's native size.
    public var width: Int?
    public var height: Int?
    /// Image-to-image (diffusers' `StableDiffusionImg2ImgPipeline`): the image denoising starts
    /// from; nil renders from pure noise. Without a width and height the image's own size is used,
    /// rounded down to a multiple of 8.
    public var initImage: RGBImage?
    /// How much of the schedule an init image is noised back through (0 < strength ≤ 1); a
    /// double, since diffusers computes `int(steps * strength)` in Python floats.
    public var strength: Double
    /// How the prompt texts are read: A1111's emphasis and chunks, or as diffusers reads them.
    public var promptSyntax: PromptSyntax = .a1111
    /// A1111's clip skip: 1 conditions on the text encoder's last layer, 2 on the one before (diffusers' `clip_skip=1`).
    public var clipSkip = 1
    /// diffusers' `guidance_rescale` (φ of "Common Diffusion Noise Schedules and Sample Steps are Flawed"); 0 is off.
    public var guidanceRescale: Float = 0
    /// Conditions on a blend of the prompt's encoding and another's instead of the prompt's alone.
    public var interpolation: PromptInterpolation?
    /// The UNet's and the decoder's GEMMs (the text encoder always runs float32).
    public var precision: Precision

    public init(prompt: String, negativePrompt: String? = nil, seed: UInt64 = 0, steps: Int = 50, guidance: Float = 7.5,
                scheduler: SchedulerKind? = nil, eta: Float = 0, width: Int? = nil, height: Int? = nil,
                initImage: RGBImage? = nil, strength: Double = 0.8, precision: Precision = .float32,
                prompt2: String? = nil, negativePrompt2: String? = nil, microConditioning: MicroConditioning = .init()) {
        self.prompt = prompt
        self.negativePrompt = negativePrompt ?? ""
        hasNegativePrompt = negativePrompt != nil
        self.prompt2 = prompt2
        self.negativePrompt2 = negativePrompt2
        self.microConditioning = microConditioning
        self.seed = seed
        self.steps = steps
        self.guidance = guidance
        self.scheduler = scheduler
        self.eta = eta
        self.width = width
        self.height = height
        self.initImage = initImage
        self.strength = strength
        self.precision = precision
    }

    /// The checks that need no model, so a command can fail before loading one.
    public func validate() throws(PipelineError) {
        guard steps >= 1 else { throw .badSteps(steps) }
        guard guidance.isFinite, guidance >= 0 else { throw .badGuidance(guidance) }
        guard eta.isFinite, (0...1).contains(eta) else { throw .badEta(eta) }
        guard clipSkip >= 1 else { throw .badClipSkip(clipSkip) }
        guard guidanceRescale.isFinite, (0...1).contains(guidanceRescale) else { throw .badGuidanceRescale(guidanceRescale) }
        if let fraction = interpolation?.fraction, !(fraction.isFinite && (0...1).contains(fraction)) {
            throw .badInterpolation(fraction)
        }
        if promptSyntax == .a1111 {
            for text in [prompt, negativePrompt] + (interpolation.map { [$0.target] } ?? []) {
                do { _ = try PromptAttention.parse(text) } catch { throw .promptSyntax(error.description) }
            }
        }
        if initImage != nil { try Self.checkStrength(strength, steps: steps) }
        if let reason = precision.unsupportedReason { throw .unsupportedPrecision(reason) }
        for (name, value) in [("width", width), ("height", height)] {
            if let value { try Self.checkDimension(name, value) }
        }
        try microConditioning.validate()
    }

    /// Whether the request sets anything only SDXL reads.
    public var usesSDXLSettings: Bool {
        prompt2 != nil || negativePrompt2 != nil || microConditioning != MicroConditioning()
    }

    /// The largest width or height: 8192 pixels is a 1024² latent, past what any Stable Diffusion
    /// model was trained for, and keeps every size product far from overflowing.
    public static let maximumDimension = 8192

    /// diffusers' img2img takes `int(steps × strength)` steps of the schedule: strength must be in
    /// (0, 1] and leave at least one.
    public static func checkStrength(_ strength: Double, steps: Int) throws(PipelineError) {
        guard strength.isFinite, strength > 0, strength <= 1 else { throw .badStrength(strength) }
        guard Int(Double(steps) * strength) >= 1 else { throw .noDenoisingSteps(strength: strength, steps: steps) }
    }

    /// A width or height must be a positive multiple of 8 (the VAE's scale factor) up to `maximumDimension`.
    public static func checkDimension(_ name: String, _ value: Int) throws(PipelineError) {
        guard value > 0, value % 8 == 0, value <= maximumDimension else { throw .badDimension(name: name, value: value) }
    }
}
