import Foundation
import StableDiffusion
import Testing

@Suite struct StableDiffusionModelTests {
    @Test(arguments: ModelFixtures.names)
    func wholeFolderLoads(_ name: String) throws {
        let model = try StableDiffusionModel(directory: ModelFixtures.model(name))
        #expect(model.defaultImageSize == 32)  // sample_size 16 × VAE scale factor 2
        #expect(model.tokenizer.maxLength == 77 && model.tokenizer.vocabularySize == 49408)
        #expect(model.tokenizer.padID == (name == "sd1-tiny" ? 49407 : 0))
    }

    @Test func componentsThatDoNotFitTogetherAreRejected() throws {
        // sd1-tiny's UNet works on 4 latent channels; options-tiny's VAE makes 3.
        let folder = try temporaryFolder()
        try FileManager.default.removeItem(at: folder)
        try FileManager.default.copyItem(atPath: ModelFixtures.model("sd1-tiny"), toPath: folder.path)
        try FileManager.default.removeItem(at: folder.appendingPathComponent("vae"))
        try FileManager.default.copyItem(atPath: ModelFixtures.model(ModelFixtures.options) + "/vae",
                                         toPath: folder.appendingPathComponent("vae").path)
        let error = try #require(throws: ModelError.self) { try StableDiffusionModel(directory: folder.path) }
        #expect(error.description == folder.appendingPathComponent("unet/config.json").path
                + ": in_channels 4 and out_channels 4 must equal the VAE's latent_channels 3")
    }

    @Test func aFolderWithoutModelIndexIsNamed() throws {
        let folder = try temporaryFolder()
        #expect(throws: ModelError.self) { try StableDiffusionModel(directory: folder.path) }
        let error = try #require(throws: ModelError.self) { try StableDiffusionModel.tokenizer(folder.path) }
        #expect(error.description == "\(folder.path): not a diffusers model folder (no model_index.json)")
    }

    @Test func aMissingComponentFolderNamesItsConfig() throws {
        let folder = try temporaryFolder()
        let source = URL(fileURLWithPath: ModelFixtures.model("sd1-tiny"))
        for item in ["model_index.json", "tokenizer", "text_encoder"] {
            try FileManager.default.copyItem(at: source.appendingPathComponent(item), to: folder.appendingPathComponent(item))
        }
        let error = try #require(throws: ModelError.self) { try StableDiffusionModel(directory: folder.path) }
        #expect(error.description == folder.appendingPathComponent("unet/config.json").path + ": cannot read: no such file")
    }
}
