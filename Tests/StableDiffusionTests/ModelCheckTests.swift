import Foundation
import StableDiffusion
import Testing

/// `StableDiffusionModel.check`: what loading would reject, found from configs and weight
/// headers alone, so a command can refuse a broken model before it writes anything.
@Suite struct ModelCheckTests {
    /// A copy of sd1-tiny to break.
    func copy() throws -> URL {
        let folder = try temporaryFolder()
        try FileManager.default.removeItem(at: folder)
        try FileManager.default.copyItem(atPath: ModelFixtures.model("sd1-tiny"), toPath: folder.path)
        return folder
    }

    func weights(_ folder: URL, _ component: String) throws -> URL {
        let name = try #require(try FileManager.default.contentsOfDirectory(atPath: folder.path + "/" + component)
            .first { $0.hasSuffix(".safetensors") })
        return folder.appendingPathComponent(component + "/" + name)
    }

    @Test(arguments: ModelFixtures.names)
    func aGoodModelPasses(_ name: String) throws {
        try StableDiffusionModel.check(ModelSource(model: ModelFixtures.model(name)))
    }

    @Test func aMissingConfigIsNamed() throws {
        let folder = try copy()
        try FileManager.default.removeItem(at: folder.appendingPathComponent("vae/config.json"))
        let error = try #require(throws: ModelError.self) { try StableDiffusionModel.check(ModelSource(model: folder.path)) }
        #expect(error.description.contains(folder.appendingPathComponent("vae/config.json").path), "\(error)")
    }

    @Test func aTruncatedHeaderIsNamed() throws {
        let folder = try copy()
        let file = try weights(folder, "unet")
        try Data(contentsOf: file).prefix(1000).write(to: file)
        let error = try #require(throws: ModelError.self) { try StableDiffusionModel.check(ModelSource(model: folder.path)) }
        #expect(error.description.contains(file.path) && error.description.contains("runs past the end"), "\(error)")
    }

    /// A header whose shapes disagree with the config, though every byte count is right: the
    /// text encoder's first MLP weight stored transposed.
    @Test func aShapeTheConfigDoesNotExpectIsNamed() throws {
        let folder = try copy()
        let file = try weights(folder, "text_encoder")
        let (name, shape) = try Self.transpose(in: file, tensorEndingWith: "layers.0.mlp.fc1.weight")
        let error = try #require(throws: ModelError.self) { try StableDiffusionModel.check(ModelSource(model: folder.path)) }
        #expect(error.description == "\(file.path): tensor '\(name)' has shape \([shape[1], shape[0]]) but the model config expects \(shape)")
    }

    /// A single LDM-layout checkpoint goes through the same check, under its own tensor names.
    @Test func aCheckpointFileIsCheckedToo() throws {
        let fixtures = URL(fileURLWithPath: ModelFixtures.directory).appendingPathComponent("../singlefile").standardized
        try StableDiffusionModel.check(ModelSource(model: fixtures.appendingPathComponent("sd1.safetensors").path,
                                                   config: fixtures.appendingPathComponent("sd1-config").path))
        let file = try temporaryFolder().appendingPathComponent("sd1.safetensors")
        try FileManager.default.copyItem(at: fixtures.appendingPathComponent("sd1.safetensors"), to: file)
        let (name, _) = try Self.transpose(in: file, tensorEndingWith: "layers.0.mlp.fc1.weight")
        let error = try #require(throws: ModelError.self) {
            try StableDiffusionModel.check(ModelSource(model: file.path, config: fixtures.appendingPathComponent("sd1-config").path))
        }
        #expect(error.description.hasPrefix("\(file.path): tensor '\(name)' has shape "), "\(error)")
    }

    /// Rewrites `file`'s header with the 2-D tensor whose name ends with `suffix` transposed
    /// (the same bytes, so the file stays valid); returns its name and original shape.
    static func transpose(in file: URL, tensorEndingWith suffix: String) throws -> (name: String, shape: [Int]) {
        let data = try Data(contentsOf: file)
        let length = Int(data.prefix(8).withUnsafeBytes { $0.loadUnaligned(as: UInt64.self).littleEndian })
        var header = try #require(try JSONSerialization.jsonObject(with: data[8..<(8 + length)]) as? [String: Any])
        let name = try #require(header.keys.first { $0.hasSuffix(suffix) })
        var entry = try #require(header[name] as? [String: Any])
        let shape = try #require(entry["shape"] as? [Int])
        try #require(shape.count == 2 && shape[0] != shape[1])
        entry["shape"] = [shape[1], shape[0]]
        header[name] = entry
        let json = try JSONSerialization.data(withJSONObject: header)
        var rewritten = withUnsafeBytes(of: UInt64(json.count).littleEndian) { Data($0) }
        rewritten += json
        rewritten += data[(8 + length)...]
        try rewritten.write(to: file)
        return (name, shape)
    }
}
