import ArgumentParser
import StableDiffusion

/// `--lora PATH[:SCALE]`, repeatable, shared by `sweep generate` and `sweep inspect`.
struct LoRAOptions: ParsableArguments {
    @Option(name: .customLong("lora"),
            help: "A LoRA .safetensors (kohya/A1111 or diffusers/PEFT) merged into the UNet and text encoder, as PATH or PATH:SCALE (default scale 1); repeatable.")
    var arguments: [String] = []

    func loras() throws(LoRAError) -> [LoRA] {
        try arguments.map { argument throws(LoRAError) in try LoRA(argument: argument) }
    }
}
