import ArgumentParser
import Foundation
import StableDiffusion

/// `sweep inspect MODEL [--json]`: what a model is, from its configs and weight headers alone.
struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Describe a model: components, parameter counts, dtypes, family, defaults, and whether sweep can render it.",
        discussion: """
            Reads the configs and the safetensors headers only (no weights are loaded, so it is quick on \
            a 4 GB model): each component's class, parameter count (as diffusers/transformers count them), \
            stored dtypes and bytes; the family (SD 1.x / 2.x) and prediction type; native size, VAE scale \
            factor, scheduler and its config, token limit; LoRAs given with --lora, checked against the \
            model. Exits with status 1 when sweep cannot render the model, saying why.
            """
    )

    @Argument(help: "A diffusers model folder or a single .safetensors checkpoint (LDM / AUTOMATIC1111 layout).")
    var model: String

    @Option(help: "For a single checkpoint: the diffusers folder whose configs, tokenizer and scheduler it uses (as sweep generate --config).")
    var config: String?

    @Option(help: "A replacement VAE (folder or .safetensors), as sweep generate --vae.")
    var vae: String?

    @OptionGroup var loraOptions: LoRAOptions

    @Flag(help: "Print one JSON object instead of text.")
    var json = false

    func run() throws {
        let loras = try loraOptions.loras()
        let inspection = ModelInspection(path: model, config: config, vae: vae, loras: loras)
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(inspection), as: UTF8.self))
        } else {
            print(Self.text(inspection))
        }
        if !inspection.renderable { throw ExitCode(1) }
    }

    static func text(_ model: ModelInspection) -> String {
        var lines = ["\(model.path)  (\(model.layout)\(model.pipelineClass.map { ", " + $0 } ?? ""))"]
        let field = { (name: String, value: String?) in
            if let value { lines.append(name.padding(toLength: 16, withPad: " ", startingAt: 0) + value) }
        }
        field("family", model.family.map { $0 + (model.predictionType.map { " (\($0))" } ?? "") })
        field("native size", model.nativeSize.map { "\($0)×\($0)" + (model.vaeScaleFactor.map { " (VAE scale factor \($0))" } ?? "") })
        field("token limit", model.tokenLimit.map(String.init))
        field("scheduler", model.scheduler)
        if !model.schedulerConfig.isEmpty {
            field("", model.schedulerConfig.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " "))
        }
        lines.append("components")
        // Columns as wide as SDXL's text_encoder_2 / CLIPTextModelWithProjection need.
        let nameWidth = max(14, (model.components.map(\.name.count).max() ?? 0) + 2)
        let classWidth = max(22, (model.components.map(\.className.count).max() ?? 0) + 2)
        for component in model.components {
            var line = "  " + component.name.padding(toLength: nameWidth, withPad: " ", startingAt: 0)
                + component.className.padding(toLength: classWidth, withPad: " ", startingAt: 0)
            if let parameters = component.parameters, let bytes = component.bytes {
                let dtypes = component.dtypes.keys.sorted().joined(separator: "+")
                line += "\(grouped(parameters)) parameters, \(dtypes.isEmpty ? "no tensors" : dtypes), \(megabytes(bytes))"
            }
            if let note = component.note { line += (component.parameters == nil ? "" : "; ") + note }
            lines.append(line)
        }
        for lora in model.loras {
            let modules = lora.modules.sorted { $0.key > $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ")
            field("lora", "\(lora.name):\(LoRA.format(lora.scale))  \(lora.format ?? "?") format, rank \(lora.ranks.map(String.init).joined(separator: "/")), modules: \(modules)")
        }
        if model.loras.isEmpty { field("loras", "none") }
        field("renders", model.renderable ? "yes" : "no")
        lines += model.problems.map { "  - " + $0 }
        return lines.joined(separator: "\n")
    }

    private static func grouped(_ value: Int) -> String {
        let digits = Array(String(value))
        return stride(from: digits.count, to: 0, by: -3).reversed().map { end in
            String(digits[max(0, end - 3)..<end])
        }.joined(separator: ",")
    }

    private static func megabytes(_ bytes: Int) -> String { String(format: "%.1f MB", Double(bytes) / 1_000_000) }
}
