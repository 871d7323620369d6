import Foundation
import StableDiffusion

extension SweepAxis {
    /// Image-to-image's start image: `none` (text-to-image) or a PNG file.
    public static let initImage = SweepAxis(rawValue: "init_image")
    /// How far image-to-image noises its start image (diffusers' `strength`).
    public static let strength = SweepAxis(rawValue: "strength")
}

/// diffusers' `StableDiffusionImg2ImgPipeline(image=, strength=)` as sweep axes.
extension AxisDeclaration {
    /// A PNG file (or `none`), checked and hashed when the manifest is read. The value carries the
    /// file's SHA-256 (`/abs/cat.png#sha256=…`), and the hash, not the path, enters the task id:
    /// an edited image renders anew, a moved one does not. The renderer loads the image itself.
    public static let initImage = AxisDeclaration(
        axis: .initImage, aliases: ["image", "init_images"], expects: "the path of a PNG file, or none",
        defaultValue: { _ in "none" },
        parse: { text, context in
            if text.lowercased() == "none" { return .success("none") }
            let path = context.absolute(InitImageValue(text)?.path ?? text)
            do throws(InitImageError) { return .success(InitImageValue(path: path, hash: try InitImage(path: path).hash).text) } catch {
                return .failure(AxisValueError("init_image '\(text)': \(error.description)"))
            }
        },
        apply: { _, _ in }, label: { "Init image: \(InitImageValue($0)?.name ?? "none")" },
        display: { InitImageValue($0)?.name ?? "none" }, csvColumn: "init_image",
        identity: .content(key: "init_image") { InitImageValue($0)?.hash ?? $0 },
        // Each image brings its own start latents; only text-to-image and image-to-image cannot share a loop.
        batching: .sameKey { $0 == "none" ? "txt2img" : "img2img" })

    /// Above 0 up to 1; `int(steps × strength)` of the steps run. Only image-to-image uses it.
    public static let strength = AxisDeclaration(
        axis: .strength, aliases: ["denoising_strength"], expects: "a number", defaultValue: { _ in "0.8" },
        parse: { text, _ in
            // Kept as the double the text says: diffusers computes int(steps * strength) in Python floats.
            guard let value = Double(text), value > 0, value <= 1 else {
                return .failure(AxisValueError("strength '\(text)': expected a number above 0 and at most 1"))
            }
            return .success("\(value)")
        },
        apply: { value, request in request.strength = Double(value) ?? 0.8 },
        label: { "Denoising: \($0)" }, csvColumn: "strength", identity: .whenNotDefault(key: "strength"),
        applies: { settings in (settings[.initImage] ?? "none") != "none" })
}

/// The canonical text of an `init_image` value: the absolute path, then `#sha256=` and the hash.
struct InitImageValue: Equatable {
    let path: String
    let hash: String

    init(path: String, hash: String) {
        (self.path, self.hash) = (path, hash)
    }

    /// Reads `path#sha256=hex`; nil for any other text.
    init?(_ text: String) {
        guard let marker = text.range(of: Self.marker, options: .backwards) else { return nil }
        (path, hash) = (String(text[..<marker.lowerBound]), String(text[marker.upperBound...]))
    }

    var text: String { path + Self.marker + hash }
    var name: String { lastPathComponent(path) }

    private static let marker = "#sha256="
}
