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

    /// Never throws: whatever cannot be read becomes one of `problems`. `config` and `vae` are
    /// `--config` and `--vae`, as `sweep generate` takes them.
    public init(path: String, config: String? = nil, vae: String? = nil, loras: [LoRA] = []) {
        self.path = path
        layout = "diffusers folder"
        schedulerConfig = [:]
        components = []
        self.loras = []
        problems = []
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), !isFolder.boolValue {
            layout = "single file"
        }
        if isFolder.boolValue { readIndex() }
        let source: ModelSource
        do { source = try ModelSource(model: path, config: config, vae: vae) } catch {
            problems.append(error.description)
            return
        }
        if let checkpoint = source.checkpoint {
            layout = "single file, LDM layout, \(checkpoint.textEncoderLayout.rawValue) text encoder"
                + (config.map { ", configs from \($0)" } ?? "")
            family = family ?? (try? checkpoint.architecture()).map { [.sd1: "SD 1.x", .sd2: "SD 2.x", .sdxl: "SDXL"][$0] ?? $0.name }
        }
        var listings: [LoRAFile.Component: [String: StoredTensor]] = [:]
        // Each part on its own, so one unreadable part still leaves the others described.
        do {
            let text = try source.textEncoderConfig(), unet = try source.unetConfig(), vae = try source.vaeConfig()
            let sdxl = (try? source.family()) == .sdxl
            family = family ?? (sdxl ? "SDXL" : Self.familyName(textWidth: text.hiddenSize))
            vaeScaleFactor = vae.scaleFactor
            nativeSize = unet.sampleSize * vae.scaleFactor
            let text2 = sdxl ? try source.textEncoder2Config() : nil
            let contextWidth = text.hiddenSize + (text2?.hiddenSize ?? 0)
            if let width = unet.crossAttentionDim.first(where: { $0 != contextWidth }) {
                problems.append("the UNet's cross_attention_dim \(width) must equal the text encoders' hidden_size \(contextWidth)")
            }
            // SD 2.x checkpoints hold one OpenCLIP block more than the encoder runs (diffusers drops it too).
            do {
                listings[.textEncoder] = count("text_encoder", "CLIPTextModel", try source.textEncoderWeights()) { name in
                    Self.layerIndex(name).map { $0 < text.layers } ?? true
                }
            } catch { problems.append(error.description) }
            do { listings[.unet] = count("unet", "UNet2DConditionModel", try source.unetWeights(unet)) } catch { problems.append(error.description) }
            do { _ = count("vae", "AutoencoderKL", try source.vaeWeights(vae)) } catch { problems.append(error.description) }
            if let text2 {
                do {
                    _ = count("text_encoder_2", "CLIPTextModelWithProjection", try source.textEncoder2Weights())
                    describe("text_encoder_2", "CLIPTextModelWithProjection",
                             note: "\(text2.hiddenSize) wide, \(text2.layers) layers, projection \(text2.projectionDim)")
                } catch { problems.append(error.description) }
                if let textTime = unet.textTime {
                    describe("unet", "UNet2DConditionModel", note: "text_time added embedding: \(textTime.pooledWidth) pooled + "
                                 + "6 × \(textTime.timeEmbedDim) time ids; transformer layers per block \(unet.transformerLayersPerBlock)")
                }
            }
        } catch { problems.append(error.description) }
        do {
            let tokenizer = try source.tokenizer()
            tokenLimit = tokenizer.maxLength
            describe("tokenizer", "CLIPTokenizer", note: "\(tokenizer.vocabularySize) tokens, pad id \(tokenizer.padID)")
            if (try? source.family()) == .sdxl {
                let tokenizer2 = try source.tokenizer2()
                describe("tokenizer_2", "CLIPTokenizer", note: "\(tokenizer2.vocabularySize) tokens, pad id \(tokenizer2.padID)")
            }
        } catch { problems.append(error.description) }
        do {
            let scheduler = try source.schedulerConfig()
            self.scheduler = scheduler.className
            predictionType = scheduler.predictionType
            schedulerConfig = Dictionary(uniqueKeysWithValues: scheduler.settings.map { ($0.key, $0.value) })
            do { describe("scheduler", scheduler.className, note: "sweep name: \(try scheduler.ownKind().rawValue)") } catch {
                problems.append(error.description + " (or pass --scheduler)")
            }
        } catch { problems.append(error.description) }
        inspect(loras, shapes: listings.mapValues { $0.mapValues(\.shape) })
    }

    /// model_index.json's pipeline class and component classes; SDXL is named as such.
    private mutating func readIndex() {
        guard let index = try? JSONConfig(path: ModelSource.path(path, "model_index.json")) else { return }
        pipelineClass = try? index.string("_class_name")
        if pipelineClass?.hasPrefix("StableDiffusionXL") == true || index.has("text_encoder_2") { family = "SDXL" }
        for name in index.keys where !name.hasPrefix("_") {
            guard let pair = index.raw(name) as? [Any], pair.count == 2, let className = pair[1] as? String else { continue }
            components.append(ComponentSummary(name: name, className: className))
        }
    }

    /// Adds or completes the component's row; a folder's model_index.json class wins.
    private mutating func describe(_ name: String, _ className: String, note: String? = nil) {
        if !components.contains(where: { $0.name == name }) { components.append(ComponentSummary(name: name, className: className)) }
        if let note, let i = components.firstIndex(where: { $0.name == name }) { components[i].note = note }
    }

    /// Counts a component's parameters from its listing (headers only) and returns the listing.
    private mutating func count(_ name: String, _ className: String, _ weights: any ParameterSource,
                                keep: (String) -> Bool = { _ in true }) -> [String: StoredTensor] {
        describe(name, className)
        guard let listing = (weights as? any ListedParameterSource)?.listing.filter({ keep($0.key) }),
              let i = components.firstIndex(where: { $0.name == name }) else { return [:] }
        components[i].count(listing, files: (weights as? ComponentWeights)?.files.map(\.path) ?? [path])
        return listing
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

    /// N of a CLIP `encoder.layers.N.` tensor (under `text_model.` or not).
    static func layerIndex(_ name: String) -> Int? {
        guard let range = name.range(of: "encoder.layers.") else { return nil }
        return Int(name[range.upperBound...].prefix { $0.isNumber })
    }

    /// The text encoder's width names the family: CLIP ViT-L/14 (768) for SD 1.x, OpenCLIP ViT-H/14 (1024) for SD 2.x.
    public static func familyName(textWidth: Int) -> String {
        switch textWidth {
        case 768: "SD 1.x"
        case 1024: "SD 2.x"
        default: "SD-like (text encoder \(textWidth) wide)"
        }
    }
}
