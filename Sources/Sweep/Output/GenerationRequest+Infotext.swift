import Foundation
import StableDiffusion

extension GenerationRequest {
    /// The SDXL settings a request sets, as items of A1111's settings line. A1111 itself feeds
    /// one prompt to both SDXL encoders and keeps the crop in its options (`sdxl_crop_top`,
    /// `sdxl_crop_left`), so these appear only when set: `Prompt 2: "…"`, `Negative prompt 2:
    /// "…"`, `Original size: WxH`, `Crop top: N, Crop left: N`, `Target size: WxH`.
    public var sdxlInfotext: [String] {
        var items: [String] = []
        if let prompt2, !prompt2.isEmpty { items.append("Prompt 2: " + Self.a1111Quoted(prompt2)) }
        if let negativePrompt2, !negativePrompt2.isEmpty { items.append("Negative prompt 2: " + Self.a1111Quoted(negativePrompt2)) }
        let micro = microConditioning
        if let size = micro.originalSize { items.append("Original size: \(size.width)x\(size.height)") }
        if let crop = micro.cropTopLeft { items.append("Crop top: \(crop.top), Crop left: \(crop.left)") }
        if let size = micro.targetSize { items.append("Target size: \(size.width)x\(size.height)") }
        return items
    }

    /// A value as A1111 writes it in the settings line: JSON-quoted when it holds a comma, colon or quote.
    static func a1111Quoted(_ text: String) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .withoutEscapingSlashes
        guard text.contains(where: { ",:\"\n".contains($0) }),
              let data = try? encoder.encode(text), let quoted = String(data: data, encoding: .utf8) else { return text }
        return quoted
    }
}
