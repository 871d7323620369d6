import Foundation
import StableDiffusion
import Tensors
import Testing

/// A float32 safetensors file holding `tensors` (name, shape, values), written into `directory`.
func writeWeights(_ tensors: [(String, [Int], [Float])], named name: String, in directory: URL) throws {
    var entries: [String] = [], data: [UInt8] = []
    for (tensor, shape, values) in tensors {
        let bytes = floatBytes(values)
        entries.append("\"\(tensor)\": {\"dtype\": \"F32\", \"shape\": \(shape), \"data_offsets\": [\(data.count), \(data.count + bytes.count)]}")
        data += bytes
    }
    let header = SafeTensorsBuilder.header("{" + entries.joined(separator: ", ") + "}", dataStartingAt: 0)
    try Data(SafeTensorsBuilder(header, data: data).bytes).write(to: directory.appendingPathComponent(name))
}

func temporaryFolder() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("weights-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

@Suite struct ComponentWeightsTests {
    @Test func shardsListedInTheIndexAreAllRead() throws {
        let folder = try temporaryFolder()
        try writeWeights([("a.weight", [2], [1, 2])], named: "diffusion_pytorch_model-00001-of-00002.safetensors", in: folder)
        try writeWeights([("b.weight", [1], [3])], named: "diffusion_pytorch_model-00002-of-00002.safetensors", in: folder)
        try Data(#"{"metadata": {}, "weight_map": {"a.weight": "diffusion_pytorch_model-00001-of-00002.safetensors", "b.weight": "diffusion_pytorch_model-00002-of-00002.safetensors"}}"#.utf8)
            .write(to: folder.appendingPathComponent("diffusion_pytorch_model.safetensors.index.json"))
        let weights = try ComponentWeights(directory: folder.path)
        #expect(weights.files.count == 2)
        #expect(try weights.tensor("a.weight", shape: [2]).scalars == [1, 2])
        #expect(try weights.tensor("b.weight", shape: [1]).scalars == [3])
    }

    @Test func float32FilesArePreferredOverVariants() throws {
        let folder = try temporaryFolder()
        try writeWeights([("w", [1], [16])], named: "model.fp16.safetensors", in: folder)
        #expect(try ComponentWeights(directory: folder.path).tensor("w", shape: [1]).scalars == [16])
        try writeWeights([("w", [1], [32])], named: "model.safetensors", in: folder)
        #expect(try ComponentWeights(directory: folder.path).tensor("w", shape: [1]).scalars == [32])
    }

    @Test func missingAndMisshapenTensorsNameTheFile() throws {
        let folder = try temporaryFolder()
        try writeWeights([("proj.weight", [2, 3, 1, 1], [1, 2, 3, 4, 5, 6])], named: "diffusion_pytorch_model.safetensors", in: folder)
        let weights = try ComponentWeights(directory: folder.path, legacyNames: { [$0.replacingOccurrences(of: "to_out.0", with: "proj")] })
        let file = folder.appendingPathComponent("diffusion_pytorch_model.safetensors").path
        // A 1×1 convolution stored where a linear weight is expected, found under its legacy name.
        #expect(try weights.tensor("to_out.0.weight", shape: [2, 3]).scalars == [1, 2, 3, 4, 5, 6])
        #expect(throws: WeightsError.missingTensor(file: file, tensor: "other.weight")) { try weights.tensor("other.weight", shape: [2]) }
        #expect(throws: WeightsError.shapeMismatch(file: file, tensor: "proj.weight", stored: [2, 3, 1, 1], expected: [3, 2])) {
            try weights.tensor("proj.weight", shape: [3, 2])
        }
    }

    @Test func aFolderWithoutWeightsIsAnError() throws {
        let folder = try temporaryFolder()
        let error = try #require(throws: WeightsError.self) { try ComponentWeights(directory: folder.path) }
        #expect(error.description.hasPrefix(folder.path) && error.description.contains("no safetensors weights"))
        let index = folder.appendingPathComponent("model.safetensors.index.json")
        try Data("{}".utf8).write(to: index)
        #expect(throws: WeightsError.badIndex(file: index.path, reason: "expected a JSON object with a \"weight_map\" of tensor name → shard file")) {
            try ComponentWeights(directory: folder.path)
        }
    }

    @Test func anUnusedIntegerTensorIsSkipped() throws {
        // sd1-tiny's text encoder carries an int64 position_ids, which must not stop loading.
        let weights = try ComponentWeights(directory: ModelFixtures.model("sd1-tiny") + "/text_encoder")
        #expect(weights.files[0].entries["text_model.embeddings.position_ids"]?.dtype == .i64)
        _ = try StableDiffusionModel.textEncoder(ModelFixtures.model("sd1-tiny"))
    }
}
