import StableDiffusion

/// One image of a job: its settings, its stable id and where it sits on each sweep axis.
public struct RenderTask: Codable, Equatable, Sendable {
    /// Names the image file and the CSV row; derived from the settings and model, or the prompt's own id.
    public var id: String
    /// Position in manifest order, which the CSV rows follow.
    public var index: Int
    /// The prompt after Prompt S/R.
    public var prompt: String
    public var seed: UInt64
    /// The value of each declared axis (`AxisCatalog`), as canonical text; the default where the
    /// setting does not apply to this task (eta for schedulers other than DDIM).
    public var settings: [SweepAxis: String]
    /// The prompt as the manifest gives it, before Prompt S/R.
    public var basePrompt: String
    /// The value index along each axis, which places the image in its grid.
    public var coordinates: [SweepAxis: Int]
    /// Merged into the model for this image; the renderer reloads when the set changes.
    public var loras: [LoRA] = []

    /// The value of a declared axis (its default when unset).
    public func value(_ axis: SweepAxis) -> String {
        settings[axis] ?? AxisCatalog.declaration(axis)?.defaultValue(nil) ?? ""
    }

    public var negativePrompt: String { value(.negativePrompt) }
    public var steps: Int { AxisParsing.int(value(.steps)) }
    public var guidance: Float { AxisParsing.float(value(.guidance)) }
    public var scheduler: SchedulerKind { SchedulerKind(rawValue: value(.scheduler)) ?? .pndm }
    public var size: ImageSize { ImageSize(value(.size)) ?? ImageSize(width: 8, height: 8) }
    public var eta: Float { AxisParsing.float(value(.eta)) }
    /// An AutoencoderTiny folder to decode with; nil: the model's VAE.
    public var decoder: String? { value(.decoder) == "vae" ? nil : value(.decoder) }

    /// The decoder's name in PNG text, CSV and grid labels: its folder's name (nil for the model's VAE).
    public var decoderName: String? { decoder.map(lastPathComponent) }

    /// The request the pipeline renders: each declared axis sets its part.
    public var request: GenerationRequest {
        var request = GenerationRequest(prompt: prompt, seed: seed)
        for declaration in AxisCatalog.all { declaration.apply(value(declaration.axis), &request) }
        return request
    }

    /// The PNG `parameters` entries of declared axes that write their own (`pngKey`) and are
    /// not at their default, in catalog order.
    public var parameterEntries: [(key: String, value: String)] { parameterEntries(of: AxisCatalog.all) }

    func parameterEntries(of declarations: [AxisDeclaration]) -> [(key: String, value: String)] {
        declarations.compactMap { declaration in
            guard let key = declaration.pngKey, !declaration.isDefault(value(declaration.axis)) else { return nil }
            return (key, declaration.display(value(declaration.axis)))
        }
    }

    /// Tasks with equal keys can be rendered as one batch: they share every value that changes the
    /// denoising loop, the model or the decoder (`AxisDeclaration.batching`) and the LoRA set.
    public var batchKey: String {
        let parts = AxisCatalog.all.map { declaration -> String in
            switch declaration.batching {
            case .any: ""
            case .sameValue: value(declaration.axis)
            case let .sameKey(key): key(value(declaration.axis))
            }
        }
        return (parts + [loras.map(\.description).joined(separator: ",")]).joined(separator: "\u{0}")
    }

    /// Everything the image depends on, in a fixed text form; its hash is the derived id.
    func identity(model: String, axes declarations: [AxisDeclaration] = AxisCatalog.all) -> String {
        // The settings every id has held, in their first order; then only what is present and not
        // at its default, so ids of jobs without LoRAs, decoders or newer axes stay as they were.
        let frozen = ["model=\(model)", "prompt=\(prompt)", "negative=\(negativePrompt)", "seed=\(seed)", "steps=\(steps)",
                      "guidance=\(guidance)", "scheduler=\(scheduler.rawValue)", "size=\(size)", "eta=\(eta)"]
        let declared = declarations.compactMap { declaration -> String? in
            let value = value(declaration.axis)
            guard !declaration.isDefault(value) else { return nil }
            switch declaration.identity {
            case .frozen: return nil
            case let .whenNotDefault(key): return "\(key)=\(declaration.display(value))"
            case let .content(key, content): return "\(key)=\(content(value))"
            }
        }
        return (frozen + (loras.isEmpty ? [] : ["loras=" + loras.map(\.description).joined(separator: ",")]) + declared)
            .joined(separator: "\u{0}")
    }
}
