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
    public var seeds: SeedAxis
    /// A1111's Prompt S/R: the first value is searched for in each prompt, each value put in its place.
    public var promptReplace: [String]
    /// Each declared value axis's values (`AxisCatalog`), as canonical text, defaults filled in.
    public var values: [SweepAxis: [String]]
    /// LoRAs merged into the model, each swept over its scales.
    public var loras: [JobLoRA] = []
    /// nil: no grids (a dataset build).
    public var grid: GridChoice?
    /// Positions in `seeds` (0 for the job seed of `seeds_per_prompt`) that the manifest gave as
    /// -1: random seeds that `drawingRandomSeeds(recorded:)` fills before the job renders.
    public var randomSeedSlots: [Int] = []
    /// A1111's short model hash (first 10 hex digits of the file's SHA-256) when the model is one
    /// file; set by `sweep render` from the hash it computes anyway, written as `Model hash`.
    public var modelShortHash: String?
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
        case .loras: loraSets.count
        default: values(of: axis).count
        }
    }

    /// The values of a declared axis (its default alone when the job has none recorded).
    public func values(of axis: SweepAxis) -> [String] {
        values[axis] ?? AxisCatalog.declaration(axis).flatMap { $0.defaultValue(nil) }.map { [$0] } ?? []
    }

    public var negativePrompts: [String] { values(of: .negativePrompt) }
    public var guidance: [Float] { values(of: .guidance).map(AxisParsing.float) }
    public var steps: [Int] { values(of: .steps).map(AxisParsing.int) }
    public var schedulers: [SchedulerKind] { values(of: .scheduler).compactMap(SchedulerKind.init(rawValue:)) }
    public var sizes: [ImageSize] { values(of: .size).compactMap(ImageSize.init) }
    public var etas: [Float] { values(of: .eta).map(AxisParsing.float) }
    /// AutoencoderTiny folders (absolute) to decode with; nil stands for the model's own VAE.
    public var decoders: [String?] { values(of: .decoder).map { $0 == "vae" ? nil : $0 } }

    /// Whether eta changes some image: it is not 0 and a scheduler that uses it is swept.
    public var etaApplies: Bool { etas.contains { $0 != 0 } && schedulers.contains(where: \.usesEta) }

    /// Declared axes with a CSV column of their own where some value is not the default.
    public var csvAxes: [AxisDeclaration] {
        AxisCatalog.all.filter { declaration in
            declaration.csvColumn != nil && values(of: declaration.axis).contains { !declaration.isDefault($0) }
        }
    }

    /// Each combination of the LoRAs' scales; one empty set without LoRAs.
    public var loraSets: [[LoRA]] { JobLoRA.sets(loras) }

    /// Axes with more than one value.
    public var sweptAxes: [SweepAxis] { SweepAxis.expansionOrder.filter { count(of: $0) > 1 } }
}
