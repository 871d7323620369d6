import StableDiffusion

/// A validated job manifest with every default filled in: what `sweep render` renders.
public struct Job: Codable, Equatable, Sendable {
    public var name: String
    /// The model: a diffusers folder or a single .safetensors checkpoint, absolute.
    public var model: String
    /// For a single checkpoint: a diffusers folder with its configs, tokenizer and scheduler (absolute).
    public var config: String?
    /// A replacement VAE: an AutoencoderKL folder or .safetensors file (absolute).
    public var vae: String?
    public var prompts: [JobPrompt]
    /// Where the prompts came from (absolute), when a file gave them.
    public var promptsFile: String?
    public var negativePrompt: String
    public var seeds: SeedAxis
    public var guidance: [Float]
    public var steps: [Int]
    public var schedulers: [SchedulerKind]
    public var sizes: [ImageSize]
    /// A1111's Prompt S/R: the first value is searched for in each prompt, each value put in its place.
    public var promptReplace: [String]
    /// DDIM's eta; the other schedulers ignore it.
    public var eta: Float
    /// LoRAs merged into the model, each swept over its scales.
    public var loras: [JobLoRA] = []
    /// nil: no grids (a dataset build).
    public var grid: GridChoice?
    /// AutoencoderTiny folders (absolute) to decode with; nil stands for the model's own VAE.
    public var decoders: [String?] = [nil]
    /// Tasks a rank renders together, one UNet call per step (`TaskQueue.next(for:count:)`);
    /// it changes no image, id or file.
    public var batch = 1
    /// Dataset layouts to write (`dataset:`); nil: none, or with `grid: none` only `prompts.csv`.
    public var dataset: DatasetChoice? = nil
    /// A diffusers `StableDiffusionSafetyChecker` folder (absolute) whose flag each image gets.
    public var safetyChecker: String? = nil
    public var safety: SafetyMode = .flag

    /// The model's name in ids, metadata and the CSV: its folder's or file's name.
    public var modelName: String { model.split(separator: "/").last.map(String.init) ?? model }

    /// The replacement VAE's name in metadata (`VAE: name`) and the CSV `vae` column.
    public var vaeName: String? { vae.map { $0.split(separator: "/").last.map(String.init) ?? $0 } }

    /// Where the model's parts come from, checked (files exist, no pickles, a known architecture).
    public func modelSource() throws(ModelError) -> ModelSource {
        try ModelSource(model: model, config: config, vae: vae)
    }

    /// How many values an axis has; the prompts axis counts prompts, seeds the most any prompt gets.
    public func count(of axis: SweepAxis) -> Int {
        switch axis {
        case .prompts: prompts.count
        case .promptReplace: max(promptReplace.count, 1)
        case .seeds: prompts.contains { $0.seed == nil } ? seeds.count : 1
        case .guidance: guidance.count
        case .steps: steps.count
        case .scheduler: schedulers.count
        case .size: sizes.count
        case .decoder: decoders.count
        case .loras: loraSets.count
        }
    }

    /// Whether eta changes some image: it is not 0 and a scheduler that uses it is swept.
    public var etaApplies: Bool { eta != 0 && schedulers.contains(where: \.usesEta) }

    /// Each combination of the LoRAs' scales; one empty set without LoRAs.
    public var loraSets: [[LoRA]] { JobLoRA.sets(loras) }

    /// Axes with more than one value.
    public var sweptAxes: [SweepAxis] { SweepAxis.expansionOrder.filter { count(of: $0) > 1 } }
}
