import StableDiffusion

/// One image of a job: its settings, its stable id and where it sits on each sweep axis.
public struct RenderTask: Codable, Equatable, Sendable {
    /// Names the image file and the CSV row; derived from the settings and model, or the prompt's own id.
    public var id: String
    /// Position in manifest order, which the CSV rows follow.
    public var index: Int
    /// The prompt after Prompt S/R.
    public var prompt: String
    public var negativePrompt: String
    public var seed: UInt64
    public var steps: Int
    public var guidance: Float
    public var scheduler: SchedulerKind
    public var size: ImageSize
    public var eta: Float
    /// The prompt as the manifest gives it, before Prompt S/R.
    public var basePrompt: String
    /// The value index along each axis, which places the image in its grid.
    public var coordinates: [SweepAxis: Int]
    /// Merged into the model for this image; the renderer reloads when the set changes.
    public var loras: [LoRA] = []
    /// An AutoencoderTiny folder to decode with; nil: the model's VAE.
    public var decoder: String? = nil

    /// The decoder's name in PNG text, CSV and grid labels: its folder's name (nil for the model's VAE).
    public var decoderName: String? { decoder.map { $0.split(separator: "/").last.map(String.init) ?? $0 } }

    public var request: GenerationRequest {
        GenerationRequest(prompt: prompt, negativePrompt: negativePrompt.isEmpty ? nil : negativePrompt, seed: seed, steps: steps, guidance: guidance,
                          scheduler: scheduler, eta: eta, width: size.width, height: size.height)
    }

    /// Tasks with equal keys can be rendered as one batch: they share size, steps, scheduler,
    /// eta, guidance mode (classifier-free or not), decoder and LoRA set (one loaded model).
    public var batchKey: String {
        [size.description, String(steps), scheduler.rawValue, "\(eta)", guidance > 1 ? "guided" : "unguided", decoder ?? "",
         loras.map(\.description).joined(separator: ",")]
            .joined(separator: "\u{0}")
    }

    /// Everything the image depends on, in a fixed text form; its hash is the derived id.
    func identity(model: String) -> String {
        // Only what is present, so ids of jobs without LoRAs or with the model's own decoder stay as they were.
        let fields = ["model=\(model)", "prompt=\(prompt)", "negative=\(negativePrompt)", "seed=\(seed)", "steps=\(steps)",
         "guidance=\(guidance)", "scheduler=\(scheduler.rawValue)", "size=\(size)", "eta=\(eta)"]
            + (loras.isEmpty ? [] : ["loras=" + loras.map(\.description).joined(separator: ",")])
            + (decoderName.map { ["decoder=\($0)"] } ?? [])
        return fields.joined(separator: "\u{0}")
    }
}
