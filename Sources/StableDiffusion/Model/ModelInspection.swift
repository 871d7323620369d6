import Foundation

/// What a model is, read from its configs and safetensors headers without loading any weights:
/// what diffusers' `print(pipeline)` tells a user, the family and defaults this program derives,
/// and whether it can render the model (and if not, why).
public struct ModelInspection: Encodable, Sendable {
    /// A LoRA as it would be merged into this model.
    public struct LoRASummary: Encodable, Sendable {
        public var path: String
        public var name: String
        public var scale: Float
        public var format: String?
        /// Modules per component (`unet`, `text_encoder`) and their ranks.
        public var modules: [String: Int]
        public var ranks: [Int]
    }

    public var path: String
    public var layout: String
    public var pipelineClass: String?
    /// `SD 1.x`, `SD 2.x`, `SDXL`, or a description of an unusual text encoder.
    public var family: String?
    public var predictionType: String?
    public var nativeSize: Int?
    public var vaeScaleFactor: Int?
    public var scheduler: String?
    public var schedulerConfig: [String: String]
    public var tokenLimit: Int?
    public var components: [ComponentSummary]
    public var loras: [LoRASummary]
    /// Why `sweep` cannot render this model; empty when it can.
    public var problems: [String]
    public var renderable: Bool { problems.isEmpty }

    enum CodingKeys: String, CodingKey {
        case path, layout, pipelineClass, family, predictionType, nativeSize, vaeScaleFactor, scheduler, schedulerConfig,
             tokenLimit, components, loras, problems, renderable
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(path, forKey: .path)
        try container.encode(layout, forKey: .layout)
        try container.encodeIfPresent(pipelineClass, forKey: .pipelineClass)
        try container.encodeIfPresent(family, forKey: .family)
        try container.encodeIfPresent(predictionType, forKey: .predictionType)
        try container.encodeIfPresent(nativeSize, forKey: .nativeSize)
        try container.encodeIfPresent(vaeScaleFactor, forKey: .vaeScaleFactor)
        try container.encodeIfPresent(scheduler, forKey: .scheduler)
        try container.encode(schedulerConfig, forKey: .schedulerConfig)
        try container.encodeIfPresent(tokenLimit, forKey: .tokenLimit)
        try container.encode(components, forKey: .components)
        try container.encode(loras, forKey: .loras)
        try container.encode(problems, forKey: .problems)
        try container.encode(renderable, forKey: .renderable)
    }

    /// Never throws: whatever cannot be read becomes one of `problems`.
    public init(path: String, loras: [LoRA] = []) {
        self.path = path
        layout = "diffusers folder"
        schedulerConfig = [:]
        components = []
        self.loras = []
        problems = []
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
            problems.append("\(path): no such file or folder")
            return
        }
        guard isFolder.boolValue else {
            layout = "single file"
            problems.append(LoRAFile.isPickle(path) ? LoRAError.pickle(file: path).description
                            : "\(path): single-file checkpoints are not supported yet; use a diffusers folder")
            return
        }
        inspectFolder(loras: loras)
    }

    private mutating func inspectFolder(loras: [LoRA]) {
        let folder = URL(fileURLWithPath: path)
        let file = { (name: String) in folder.appendingPathComponent(name).path }
        let index: JSONConfig
        do { index = try JSONConfig(path: file("model_index.json")) } catch {
            problems.append(ModelError.notAFolder(path: path).description)
            return
        }
        pipelineClass = try? index.string("_class_name")
        if pipelineClass?.contains("XL") == true || index.has("text_encoder_2") {
            family = "SDXL"
            problems.append("SDXL is not supported yet (\(pipelineClass ?? "model_index.json lists text_encoder_2"))")
        }
        do { _ = try ModelIndex(path: file("model_index.json")) } catch { problems.append(error.description) }

        var shapes: [LoRAFile.Component: [String: [Int]]] = [:]
        for name in index.keys where !name.hasPrefix("_") {
            guard let pair = index.raw(name) as? [Any], pair.count == 2, let className = pair[1] as? String else { continue }
            var summary = ComponentSummary(name: name, className: className)
            if ["tokenizer", "tokenizer_2", "scheduler", "feature_extractor"].contains(name) {
                components.append(summary)
                continue
            }
            do {
                let weights = try ComponentWeights(directory: file(name))
                summary.count(weights.files)
                if let component = LoRAFile.Component(rawValue: name) { shapes[component] = weights.shapes }
            } catch {
                problems.append(Self.weightsProblem(error, folder: file(name)))
            }
            components.append(summary)
        }
        readConfigs(file)
        inspect(loras, shapes: shapes)
    }

    private mutating func readConfigs(_ file: (String) -> String) {
        do {
            let text = try CLIPTextConfig(path: file("text_encoder/config.json"))
            family = family ?? Self.familyName(textWidth: text.hiddenSize)
            let unet = try UNetConfig(path: file("unet/config.json"))
            let vae = try VAEConfig(path: file("vae/config.json"))
            vaeScaleFactor = vae.scaleFactor
            nativeSize = unet.sampleSize * vae.scaleFactor
            let tokenizer = try StableDiffusionModel.tokenizer(path)
            tokenLimit = tokenizer.maxLength
            note("tokenizer", "\(tokenizer.vocabularySize) tokens, pad id \(tokenizer.padID)")
        } catch { problems.append("\(error)") }
        do {
            let config = try SchedulerConfig(path: file("scheduler/scheduler_config.json"))
            scheduler = config.className
            predictionType = config.predictionType
            schedulerConfig = Dictionary(uniqueKeysWithValues: config.settings.map { ($0.key, $0.value) })
            do { note("scheduler", "sweep name: \(try config.ownKind().rawValue)") } catch {
                problems.append(error.description + " (or pass --scheduler)")
            }
        } catch { problems.append(error.description) }
    }

    private mutating func inspect(_ loras: [LoRA], shapes: [LoRAFile.Component: [String: [Int]]]) {
        for lora in loras {
            var summary = LoRASummary(path: lora.path, name: lora.name, scale: lora.scale, modules: [:], ranks: [])
            do {
                let file = try LoRAFile(path: lora.path)
                summary.format = file.format.rawValue
                summary.ranks = Set(file.modules.map(\.rank)).sorted()
                for component in LoRAFile.Component.allCases {
                    summary.modules[component.rawValue] = try file.targets(in: component, shapes: shapes[component] ?? [:]).count
                }
            } catch { problems.append(error.description) }
            self.loras.append(summary)
        }
    }

    private mutating func note(_ component: String, _ text: String) {
        if let i = components.firstIndex(where: { $0.name == component }) { components[i].note = text }
    }

    /// The text encoder's width names the family: CLIP ViT-L/14 (768) for SD 1.x, OpenCLIP ViT-H/14 (1024) for SD 2.x.
    public static func familyName(textWidth: Int) -> String {
        switch textWidth {
        case 768: "SD 1.x"
        case 1024: "SD 2.x"
        default: "SD-like (text encoder \(textWidth) wide)"
        }
    }

    /// `.bin`-only weights are Python pickles: said so, never read.
    static func weightsProblem(_ error: WeightsError, folder: String) -> String {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        guard case .noWeights = error, let pickle = files.sorted().first(where: LoRAFile.isPickle) else { return error.description }
        return "\(folder): weights only as \(pickle), a Python pickle (can run code when loaded) — not read; "
            + "convert with diffusers' save_pretrained(..., safe_serialization=True)"
    }
}
