import Foundation
import StableDiffusion
import Tensors
import Testing

/// Each component loaded from a diffusers folder must reproduce PyTorch's outputs. sd1-tiny is
/// stored in the legacy Hugging Face layout (F32, `text_model.` prefix, int64 position_ids, VAE
/// `query/key/value/proj_attn`), sd2-tiny in today's layout with `*.fp16.safetensors` weights,
/// and options-tiny turns on the config options SD leaves at defaults (bf16 UNet weights).
@Suite struct ModelParityTests {
    @Test(arguments: ModelFixtures.names)
    func textEncoderMatchesTransformers(_ name: String) throws {
        let reference = try ModelFixtures.reference(name)
        let encoder = try StableDiffusionModel.textEncoder(ModelFixtures.model(name))
        let ids = try reference.tensor("text.input_ids")
        let rows = (0..<ids.shape[0]).map { r in ids.scalars[(r * ids.shape[1])..<((r + 1) * ids.shape[1])].map { Int($0) } }
        let output = try encoder(rows)
        #expect(output.hiddenStates.count == encoder.config.layers + 1)
        for (k, state) in output.hiddenStates.enumerated() {
            expectParity(state, try reference.tensor("text.hidden_states.\(k)"), "\(name) hidden state \(k)")
        }
        expectParity(output.lastHiddenState, try reference.tensor("text.last_hidden_state"), "\(name) last hidden state")
    }

    @Test(arguments: ModelFixtures.names + [ModelFixtures.options])
    func unetMatchesDiffusers(_ name: String) throws {
        let reference = try ModelFixtures.reference(name)
        let unet = try StableDiffusionModel.unet(ModelFixtures.model(name))
        // square: a CFG-sized batch; wide: non-square; odd: 10×14 latents the UNet cannot halve
        // twice, so up blocks resize to the skip connections' sizes.
        for testCase in ["square", "wide", "odd"] where reference.entries["unet.\(testCase).output"] != nil {
            let output = unet(try reference.tensor("unet.\(testCase).sample"),
                              timestep: try reference.tensor("unet.\(testCase).timestep").scalars[0],
                              context: try reference.tensor("unet.\(testCase).context"))
            expectParity(output, try reference.tensor("unet.\(testCase).output"), "\(name) UNet \(testCase)")
        }
    }

    @Test(arguments: ModelFixtures.names + [ModelFixtures.options])
    func vaeMatchesDiffusers(_ name: String) throws {
        let reference = try ModelFixtures.reference(name)
        let vae = try StableDiffusionModel.vae(ModelFixtures.model(name))
        expectParity(vae.decode(try reference.tensor("vae.decode.latents")), try reference.tensor("vae.decode.output"),
                     "\(name) VAE decode")
        let (mean, logVariance) = vae.encode(try reference.tensor("vae.encode.image"))
        expectParity(mean, try reference.tensor("vae.encode.mean"), "\(name) VAE encode mean")
        expectParity(logVariance, try reference.tensor("vae.encode.logvar"), "\(name) VAE encode log-variance")
    }
}
