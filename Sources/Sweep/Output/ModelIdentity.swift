import Foundation

/// What a model is, by content: the SHA-256 of every file that shapes its images. For a single
/// checkpoint file that is the file's own hash (A1111's full model hash); for a diffusers
/// folder, the hash of the list of `model_index.json` and the files in the component folders
/// the pipeline reads (configs, tokenizer, weights), each with its path and SHA-256. Two
/// checkpoints of one training run share headers and sizes, so only the content tells them apart.
public struct ModelIdentity: Equatable, Sendable {
    /// 64 hex digits.
    public let sha256: String
    /// The files it covers, relative to the model path (empty for a single file), with their hashes.
    public let files: [String: String]

    /// Component folders of a diffusers pipeline that shape the pixels; the safety checker and
    /// feature extractor do not.
    static let components = ["scheduler", "text_encoder", "tokenizer", "unet", "vae"]

    /// `hashing` is told each file that is not in the cache yet, before it is read.
    public init(model path: String, cache: FileHashCache, hashing: (String) -> Void = { _ in }) throws(OutputError) {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
            throw .notReadable(path: path, reason: "no such file or folder")
        }
        guard isFolder.boolValue else {
            sha256 = try cache.sha256(of: path, hashing: hashing)
            files = ["": sha256]
            return
        }
        var files: [String: String] = [:]
        for relative in Self.modelFiles(in: path) {
            files[relative] = try cache.sha256(of: path + "/" + relative, hashing: hashing)
        }
        self.files = files
        sha256 = ContentHash.hex(files.sorted { $0.key < $1.key }.map { "\($0.key)\u{0}\($0.value)\n" }.joined())
    }

    /// A model with its overlays: a `--config` folder, a replacement VAE and LoRA files shape the
    /// pixels too, so their files enter the hash (under `config:`, `vae:` and `lora:<path>:`);
    /// without overlays it is the model's own.
    public init(model path: String, config: String?, vae: String?, loras: [String] = [], cache: FileHashCache,
                hashing: (String) -> Void = { _ in }) throws(OutputError) {
        let model = try Self(model: path, cache: cache, hashing: hashing)
        var files = model.files
        let overlays = [("config:", config), ("vae:", vae)] + loras.map { ("lora:\($0):", $0) }
        for (prefix, overlay) in overlays {
            guard let overlay else { continue }
            for (relative, hash) in try Self(model: overlay, cache: cache, hashing: hashing).files { files[prefix + relative] = hash }
        }
        guard files.count > model.files.count else { self = model; return }
        self.files = files
        sha256 = ContentHash.hex(files.sorted { $0.key < $1.key }.map { "\($0.key)\u{0}\($0.value)\n" }.joined())
    }

    /// Relative paths, sorted; hidden files (editor and git droppings) are left out. A pipeline
    /// folder (with model_index.json) is covered by its component folders; a component folder on
    /// its own (a replacement VAE, a TAESD decoder: config.json and weights at the top) by every file.
    static func modelFiles(in folder: String) -> [String] {
        guard FileManager.default.fileExists(atPath: folder + "/model_index.json") else { return files(under: folder, prefix: "") }
        return (["model_index.json"] + components.flatMap { files(under: folder + "/" + $0, prefix: $0 + "/") }).sorted()
    }

    private static func files(under folder: String, prefix: String) -> [String] {
        guard let walker = FileManager.default.enumerator(atPath: folder) else { return [] }
        var found: [String] = []
        while let relative = walker.nextObject() as? String {
            guard !relative.split(separator: "/").contains(where: { $0.hasPrefix(".") }) else { continue }
            var isFolder: ObjCBool = false
            if FileManager.default.fileExists(atPath: folder + "/" + relative, isDirectory: &isFolder), !isFolder.boolValue {
                found.append(prefix + relative)
            }
        }
        return found.sorted()
    }
}
