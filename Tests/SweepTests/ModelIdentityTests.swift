import Foundation
@testable import Sweep
import Testing

@Suite struct ModelIdentityTests {
    let fixture: ManifestFixture
    let model: String
    init() throws {
        fixture = try ManifestFixture()
        model = fixture.folder.appendingPathComponent("sd1-tiny").path
        try FileManager.default.copyItem(atPath: ManifestFixture.models + "/sd1-tiny", toPath: model)
    }

    var cachePath: String { fixture.folder.appendingPathComponent("cache/file-hashes.json").path }

    func identity(_ path: String? = nil) throws -> (ModelIdentity, hashed: [String]) {
        let cache = FileHashCache(path: cachePath)
        var hashed: [String] = []
        let identity = try ModelIdentity(model: path ?? model, cache: cache) { hashed.append(URL(fileURLWithPath: $0).lastPathComponent) }
        cache.save()
        return (identity, hashed)
    }

    /// A replacement VAE or a TAESD folder has no model_index.json: every file of it counts.
    @Test func aComponentFolderIsCoveredByEveryFile() throws {
        let (vae, _) = try identity(model + "/vae")
        #expect(vae.files.keys.sorted() == ["config.json", "diffusion_pytorch_model.safetensors"])
    }

    @Test func coversWeightsConfigsAndTokenizerAndIsCachedByFile() throws {
        let (first, hashed) = try identity()
        #expect(first.files.keys.sorted() == ModelIdentity.modelFiles(in: model))
        #expect(first.files.keys.contains("unet/diffusion_pytorch_model.safetensors") && first.files.keys.contains("tokenizer/merges.txt")
                && first.files.keys.contains("scheduler/scheduler_config.json") && first.files.keys.contains("model_index.json"))
        #expect(hashed.count == first.files.count)
        #expect(first.files["unet/config.json"] == ContentHash.hex(try Data(contentsOf: URL(fileURLWithPath: model + "/unet/config.json"))))
        // A rerun reads no file again.
        let (again, rehashed) = try identity()
        #expect(again == first && rehashed.isEmpty)
        // Files that do not shape images are left out.
        try Data("notes".utf8).write(to: URL(fileURLWithPath: model + "/README.md"))
        try Data("x".utf8).write(to: URL(fileURLWithPath: model + "/unet/.DS_Store"))
        #expect(try identity().0 == first)
    }

    @Test func anyChangedByteChangesItEvenAtTheSameSize() throws {
        let (first, _) = try identity()
        for file in ["unet/diffusion_pytorch_model.safetensors", "scheduler/scheduler_config.json"] {
            let path = model + "/" + file
            var data = try Data(contentsOf: URL(fileURLWithPath: path))
            data[data.count - 2] ^= 0x01
            try data.write(to: URL(fileURLWithPath: path))
            let (changed, hashed) = try identity()
            #expect(changed.sha256 != first.sha256 && hashed == [URL(fileURLWithPath: file).lastPathComponent], "\(file)")
        }
    }

    @Test func aSingleFileIsItsOwnSHA256AsA1111HashesIt() throws {
        let file = model + "/unet/diffusion_pytorch_model.safetensors"
        let (single, _) = try identity(file)
        #expect(single.sha256 == ContentHash.hex(try Data(contentsOf: URL(fileURLWithPath: file))))
        #expect(throws: OutputError.self) { try identity(model + "/missing.safetensors") }
    }
}
