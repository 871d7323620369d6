import Foundation
import Tensors

/// The safetensors weights of one component folder (`unet/`, `vae/`, `text_encoder/`), picked
/// the way diffusers' `from_pretrained` picks them: a single file or a sharded index, float32
/// files before `fp16`/`bf16` variants. Tensors stay memory-mapped where the file allows (float32
/// tensors, and F16/BF16 weight matrices).
public struct ComponentWeights: ListedParameterSource {
    public let directory: String
    public let files: [SafeTensorsFile]
    private let fileOfTensor: [String: Int]
    /// Older spellings of a parameter name, for checkpoints saved by earlier library versions.
    private let legacyNames: @Sendable (String) -> [String]

    static let baseNames = ["diffusion_pytorch_model", "model"]
    static let variants = ["fp16", "bf16"]

    public init(directory: String, legacyNames: @escaping @Sendable (String) -> [String] = { _ in [] }) throws(WeightsError) {
        var files: [SafeTensorsFile] = []
        for path in try Self.weightFiles(in: directory) { files.append(try SafeTensorsFile(path: path)) }
        self.init(directory: directory, files: files, legacyNames: legacyNames)
    }

    /// One file already open, e.g. a lone VAE .safetensors in diffusers' key layout.
    public init(file: SafeTensorsFile, legacyNames: @escaping @Sendable (String) -> [String] = { _ in [] }) {
        self.init(directory: URL(fileURLWithPath: file.path).deletingLastPathComponent().path, files: [file], legacyNames: legacyNames)
    }

    private init(directory: String, files: [SafeTensorsFile], legacyNames: @escaping @Sendable (String) -> [String]) {
        var fileOfTensor: [String: Int] = [:]
        for (index, file) in files.enumerated() {
            for name in file.entries.keys { fileOfTensor[name] = index }
        }
        self.directory = directory
        self.files = files
        self.fileOfTensor = fileOfTensor
        self.legacyNames = legacyNames
    }

    /// Every stored tensor under its stored name.
    public var listing: [String: StoredTensor] {
        files.reduce(into: [:]) { listing, file in
            for (name, entry) in file.entries { listing[name] = StoredTensor(dtype: entry.dtype, shape: entry.shape, bytes: entry.range.count) }
        }
    }

    public func tensor(_ name: String, shape: [Int]) throws(WeightsError) -> Tensor {
        try weight(name, shape: shape).float32
    }

    public func weight(_ name: String, shape: [Int]) throws(WeightsError) -> Weight {
        let (file, stored) = try locate(name, shape: shape)
        return try file.weight(stored).reshaped(shape)
    }

    public func check(_ name: String, shape: [Int]) throws(WeightsError) {
        _ = try locate(name, shape: shape)
    }

    /// The file and stored name of the tensor a model calls `name`, checked to have `shape`
    /// and a dtype that converts to float32, from the headers alone.
    func locate(_ name: String, shape: [Int]) throws(WeightsError) -> (file: SafeTensorsFile, name: String) {
        guard let (stored, index) = ([name] + legacyNames(name)).lazy
            .compactMap({ candidate in fileOfTensor[candidate].map { (candidate, $0) } }).first,
              let entry = files[index].entries[stored] else {
            throw .missingTensor(file: files.count == 1 ? files[0].path : directory, tensor: name)
        }
        let file = files[index]
        // Older VAEs keep attention projections as 1×1 convolutions, `[out, in, 1, 1]`.
        guard entry.shape == shape || entry.shape == shape + [1, 1] else {
            throw .shapeMismatch(file: file.path, tensor: stored, stored: entry.shape, expected: shape)
        }
        guard entry.dtype.convertsToFloat32 else {
            throw .notFloatingPoint(file: file.path, tensor: stored, dtype: entry.dtype.rawValue)
        }
        return (file, stored)
    }

    /// The files holding this folder's weights, in diffusers' order of preference.
    static func weightFiles(in directory: String) throws(WeightsError) -> [String] {
        let url = URL(fileURLWithPath: directory)
        let exists = { (name: String) in FileManager.default.fileExists(atPath: url.appendingPathComponent(name).path) }
        for suffix in [""] + variants.map({ "." + $0 }) {
            for base in baseNames {
                let single = "\(base)\(suffix).safetensors"
                if exists(single) { return [url.appendingPathComponent(single).path] }
                let index = suffix.isEmpty ? "\(base).safetensors.index.json" : "\(base).safetensors.index\(suffix).json"
                if exists(index) { return try shards(listedIn: url.appendingPathComponent(index)) }
            }
        }
        let listing = (try? FileManager.default.contentsOfDirectory(atPath: directory))?.sorted() ?? []
        let all = listing.filter { $0.hasSuffix(".safetensors") }
        if all.isEmpty, let pickle = listing.first(where: { $0.hasSuffix(".bin") }) {
            throw .pickle(file: url.appendingPathComponent(pickle).path, inFolder: true)
        }
        guard all.count == 1 else {
            throw .noWeights(directory: directory, expected: "\(baseNames.map { $0 + ".safetensors" }.joined(separator: " or ")), a sharded index, or an fp16/bf16 variant")
        }
        return [url.appendingPathComponent(all[0]).path]
    }

    private static func shards(listedIn index: URL) throws(WeightsError) -> [String] {
        let data: Data
        switch RegularFile.read(index.path, limit: 100_000_000) {
        case let .success(read): data = read
        case let .failure(error): throw .unreadable(file: index.path, reason: "cannot read the shard index: \(error.reason)")
        }
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let map = object["weight_map"] as? [String: String] else {
            throw .badIndex(file: index.path, reason: "expected a JSON object with a \"weight_map\" of tensor name → shard file")
        }
        let folder = index.deletingLastPathComponent()
        var shards: [String] = []
        for name in Set(map.values).sorted() {
            guard !name.contains("/"), !name.hasPrefix(".") else {
                throw .badIndex(file: index.path, reason: "shard \"\(name)\" must be a file in the same folder")
            }
            shards.append(folder.appendingPathComponent(name).path)
        }
        return shards
    }
}
