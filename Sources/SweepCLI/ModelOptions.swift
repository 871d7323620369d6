import ArgumentParser
import StableDiffusion

/// `--model`, `--config`, `--vae` and `--prediction-type`: which model a command loads.
struct ModelOptions: ParsableArguments {
    @Option(help: ArgumentHelp("A diffusers model folder (model_index.json, tokenizer/, text_encoder/, unet/, vae/, scheduler/) or one "
                + ".safetensors checkpoint in the original LDM / AUTOMATIC1111 layout (SD 1.x or 2.x)."))
    var model: String

    @Option(help: ArgumentHelp("For a single .safetensors checkpoint: a diffusers folder whose configs, tokenizer and scheduler to use "
                + "(as diffusers' from_single_file(..., config=DIR)); default: the published SD 1.5 / 2.1 configs of the detected family."))
    var config: String?

    @Option(help: "Replace the model's VAE: an AutoencoderKL folder or a .safetensors file (diffusers or LDM key layout).")
    var vae: String?

    @Option(help: ArgumentHelp("Override the scheduler config's prediction_type: epsilon or v_prediction (e.g. epsilon for an SD 2.x 512-base checkpoint, "
                + "which the published 2.1 config treats as v_prediction)."))
    var predictionType: String?

    func source() throws -> ModelSource {
        try ModelSource(model: model, config: config, vae: vae, predictionType: predictionType)
    }
}
