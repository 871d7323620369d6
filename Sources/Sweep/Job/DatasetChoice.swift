/// `dataset:` in a manifest: which prompt–image dataset layouts to write, how many images share
/// a subfolder of `images/`, and the sentence-transformers model whose prompt embeddings to add.
public struct DatasetChoice: Codable, Equatable, Sendable {
    public var formats: [DatasetFormat]
    /// Images per `images/<shard>/` folder, so a million images never sit in one directory.
    public var shardSize: Int
    /// A sentence-transformers model folder (absolute), e.g. all-MiniLM-L6-v2; nil: no embeddings.
    public var embeddings: String?

    public static let defaultShardSize = 10_000

    public init(formats: [DatasetFormat] = [.kaggle], shardSize: Int = defaultShardSize, embeddings: String? = nil) {
        self.formats = formats
        self.shardSize = shardSize
        self.embeddings = embeddings
    }

    /// The folder under `images/` of the task at `index` (manifest order): `00000`, `00001`, …
    public func shard(of index: Int) -> String {
        let number = String(index / shardSize)
        return String(repeating: "0", count: max(0, 5 - number.count)) + number
    }
}

/// A dataset layout; each is written by its own `DatasetWriter`.
public enum DatasetFormat: String, Codable, CaseIterable, Sendable {
    /// Kaggle "Stable Diffusion – Image to Prompts": prompts.csv, embeddings.csv, embeddings.f32.
    case kaggle
    /// Hugging Face `datasets`' ImageFolder: `metadata.jsonl` in each shard folder.
    case imagefolder
    /// DiffusionDB's metadata columns: metadata.csv and metadata.jsonl.
    case diffusiondb
}

/// What happens to an image the safety checker flags.
public enum SafetyMode: String, Codable, CaseIterable, Sendable {
    /// Kept as rendered, with `image_nsfw` true in the metadata (datasets want the flag).
    case flag
    /// Replaced by a black image, as diffusers' pipeline does.
    case blank
}
