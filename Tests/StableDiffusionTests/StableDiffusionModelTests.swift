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
        #expect(model.unet.config.crossAttentionDim.allSatisfy { $0 == model.textEncoder.config.hiddenSize })
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
