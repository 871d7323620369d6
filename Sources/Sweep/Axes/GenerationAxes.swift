import StableDiffusion

/// The settings of a diffusers `StableDiffusionPipeline(...)` call as sweep axes.
extension AxisDeclaration {
    /// `negative_prompt`: one text, or a list swept like any axis. A prompts file's
    /// `negative_prompt` column overrides it for its rows.
    public static let negativePrompt = AxisDeclaration(
        axis: .negativePrompt, aliases: ["negative"], defaultValue: { _ in "" },
        parse: { text, _ in .success(text) }, apply: { value, request in request.negativePrompt = value },
        label: { $0.isEmpty ? "No negative prompt" : "Negative prompt: \($0)" }, display: { $0.isEmpty ? "none" : $0 },
        identity: .frozen, batching: .any)

    public static let guidance = AxisDeclaration(
        axis: .guidance, aliases: ["cfg_scale", "guidance_scale"], expects: "a number", defaultValue: { _ in "7.5" },
        parse: { text, _ in AxisParsing.number(text, key: "guidance", in: 0...Double.greatestFiniteMagnitude, expected: "a finite number of 0 or more") },
        apply: { value, request in request.guidance = AxisParsing.float(value) },
        label: { "CFG scale: \(GenerationParameters.format(guidance: AxisParsing.float($0)))" },
        display: { GenerationParameters.format(guidance: AxisParsing.float($0)) },
        // Classifier-free guidance doubles the batch; scales above 1 share it.
        identity: .frozen, batching: .sameKey { AxisParsing.float($0) > 1 ? "guided" : "unguided" })

    public static let steps = AxisDeclaration(
        axis: .steps, aliases: ["num_inference_steps"], expects: "a whole number", defaultValue: { _ in "50" },
        parse: { text, _ in AxisParsing.integer(text, key: "steps", in: 1...1000) },
        apply: { value, request in request.steps = AxisParsing.int(value) },
        label: { "Steps: \($0)" }, identity: .frozen)

    /// Our names, A1111's sampler names (`DPM++ 2M Karras`), k-diffusion's and diffusers' classes.
    public static let scheduler = AxisDeclaration(
        axis: .scheduler, aliases: ["sampler", "sampler_name"], defaultValue: { $0?.ownScheduler.rawValue },
        parse: { text, _ in
            if let kind = SchedulerKind(name: text) { return .success(kind.rawValue) }
            let names = SchedulerKind.allCases.map(\.rawValue)
            return .failure(AxisValueError("unknown scheduler '\(text)'\(DidYouMean.hint(for: text, among: names)): expected one of "
                                           + names.joined(separator: ", ")))
        },
        apply: { value, request in request.scheduler = SchedulerKind(rawValue: value) },
        label: { "Sampler: \(SchedulerKind(rawValue: $0)?.samplerName ?? $0)" }, identity: .frozen)

    /// DDIM's eta; the other schedulers ignore it, so their tasks take 0 and are made once.
    public static let eta = AxisDeclaration(
        axis: .eta, expects: "a number", defaultValue: { _ in "0.0" },
        parse: { text, _ in AxisParsing.number(text, key: "eta", in: 0...1, expected: "a number from 0 to 1") },
        apply: { value, request in request.eta = AxisParsing.float(value) },
        label: { "Eta: \(AxisParsing.float($0))" }, identity: .frozen,
        applies: { settings in settings[.scheduler].flatMap(SchedulerKind.init(rawValue:))?.usesEta ?? false })

    /// `WIDTHxHEIGHT` or one number for a square; cells of a grid over sizes are centred in their slots.
    public static let size = AxisDeclaration(
        axis: .size, expects: "WIDTHxHEIGHT such as 512x768",
        defaultValue: { $0.map { ImageSize(width: $0.nativeImageSize, height: $0.nativeImageSize).description } },
        parse: { text, _ in
            guard let size = Int(text).map({ ImageSize(width: $0, height: $0) }) ?? ImageSize(text) else {
                return .failure(AxisValueError("size '\(text)': expected WIDTHxHEIGHT such as 512x768"))
            }
            do {
                try GenerationRequest.checkDimension("width", size.width)
                try GenerationRequest.checkDimension("height", size.height)
            } catch { return .failure(AxisValueError("size \(text): \(error)")) }
            return .success(size.description)
        },
        apply: { value, request in
            let size = ImageSize(value)
            (request.width, request.height) = (size?.width, size?.height)
        },
        label: { "Size: \($0)" }, identity: .frozen)

    /// `vae` (the model's own), an AutoencoderTiny (TAESD) folder or a replacement AutoencoderKL
    /// (`DecoderKind`); the renderer picks the decoder from the task, so the request is left alone.
    public static let decoder = AxisDeclaration(
        axis: .decoder, defaultValue: { _ in "vae" }, parse: DecoderKind.parse, apply: { _, _ in },
        label: { value in
            switch DecoderKind(value) {
            case .modelVAE: "Decoder: VAE"
            case .tiny: "Decoder: \(lastPathComponent(value))"
            case .replacementVAE: "VAE: \(lastPathComponent(value))"
            }
        },
        display: { $0 == "vae" ? "vae" : lastPathComponent($0) }, identity: .whenNotDefault(key: "decoder"))
}

/// A path's last component: how the decoder is named in ids, labels and the CSV.
func lastPathComponent(_ path: String) -> String { path.split(separator: "/").last.map(String.init) ?? path }
