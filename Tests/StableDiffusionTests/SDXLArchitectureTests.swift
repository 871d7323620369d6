import Foundation
import StableDiffusion
import Tensors
import Testing

@Suite struct SDXLArchitectureTests {
    /// `sweep bench --model-config sdxl` builds these; the counts are those of diffusers /
    /// transformers for stabilityai/stable-diffusion-xl-base-1.0's configs (bench/make_random_model.py).
    @Test func publishedSDXLHasDiffusersParameterCounts() throws {
        let sdxl = PublishedArchitecture.sdxl
        let counts = { (build: (Parameters) throws -> Void) throws -> Int in
            let source = PlaceholderSource()
            try build(Parameters(source))
            return source.count("")
        }
        #expect(try counts { _ = try UNet2DConditionModel(config: sdxl.unet, parameters: $0) } == 2_567_463_684)
        #expect(try counts { _ = try AutoencoderKL(config: sdxl.vae, parameters: $0) } == 83_653_863)
        #expect(try counts { _ = try CLIPTextModel(config: sdxl.textEncoder, parameters: $0) } == 123_060_480)
        #expect(try counts { _ = try CLIPTextModelWithProjection(config: PublishedArchitecture.sdxlTextEncoder2, parameters: $0) }
            == 694_659_840)
        #expect(sdxl.unet.textTime?.pooledWidth == PublishedArchitecture.sdxlTextEncoder2.projectionDim)
        #expect(sdxl.unet.sampleSize * sdxl.vae.scaleFactor == 1024 && sdxl.vae.scalingFactor == 0.13025)
        #expect(try sdxl.schedulerConfig.ownKind() == .euler)
    }
}
