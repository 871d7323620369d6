/// What an image-to-image render started from, for PNG text and the CSV: the init image's file
/// name and content hash, and the strength.
public struct ImageToImageInfo: Equatable, Sendable {
    public var name: String
    /// The first 10 hex digits of the file's SHA-256, as A1111 shortens hashes.
    public var hash: String
    public var strength: Double

    public init(name: String, hash: String, strength: Double) {
        self.name = name
        self.hash = ContentHash.a1111Short(hash)
        self.strength = strength
    }

    public init(_ image: InitImage, strength: Double) {
        self.init(name: image.name, hash: image.hash, strength: strength)
    }

    /// A1111's img2img key, `Denoising strength: 0.75`, then the image as `Init image: "name: hash"`.
    var a1111Text: String { "Denoising strength: \(strength), Init image: \"\(name): \(hash)\"" }
}
