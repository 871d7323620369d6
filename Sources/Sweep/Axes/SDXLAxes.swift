import StableDiffusion

/// SDXL's settings as sweep axes: the second text encoder's prompts and the micro-conditioning
/// (diffusers' `prompt_2`, `negative_prompt_2`, `original_size`, `crops_coords_top_left`,
/// `target_size`). Each defaults to "" (diffusers' default: the first prompt, the image size, no
/// crop), so it enters ids and CSV columns only when set; the PNG text comes from the request
/// (`GenerationRequest.sdxlInfotext`), as `sweep generate` writes it. An SD 1.x/2.x model refuses them.
extension AxisDeclaration {
    public static let prompt2 = text(.prompt2, label: "Prompt 2") { value, request in request.prompt2 = value.isEmpty ? nil : value }

    public static let negativePrompt2 = text(.negativePrompt2, label: "Negative prompt 2") { value, request in
        request.negativePrompt2 = value.isEmpty ? nil : value
    }

    public static let originalSize = size(.originalSize, label: "Original size") { size, request in
        request.microConditioning.originalSize = size
    }

    public static let targetSize = size(.targetSize, label: "Target size") { size, request in request.microConditioning.targetSize = size }

    /// `TOP,LEFT` in pixels, diffusers' order.
    public static let cropTopLeft = AxisDeclaration(
        axis: .cropTopLeft, aliases: ["crop_top_left"], expects: "TOP,LEFT such as 0,0", defaultValue: { _ in "" },
        parse: { text, _ in
            // "" is the default: no crop.
            if text.isEmpty { return .success("") }
            guard let crop = MicroConditioning.Crop(text), crop.top >= 0, crop.left >= 0, crop.top <= MicroConditioning.maximum,
                  crop.left <= MicroConditioning.maximum else {
                return .failure(AxisValueError("crops_coords_top_left '\(text)': expected TOP,LEFT such as 0,0 (0 to \(MicroConditioning.maximum))"))
            }
            return .success("\(crop.top),\(crop.left)")
        },
        apply: { value, request in request.microConditioning.cropTopLeft = MicroConditioning.Crop(value) },
        label: { $0.isEmpty ? "Crop: none" : "Crop top, left: \($0)" }, display: { $0.isEmpty ? "none" : $0 },
        csvColumn: "crops_coords_top_left", identity: .whenNotDefault(key: "crops_coords_top_left"), batching: .any)

    private static func text(_ axis: SweepAxis, label: String, apply: @escaping @Sendable (String, inout GenerationRequest) -> Void)
        -> AxisDeclaration {
        AxisDeclaration(axis: axis, defaultValue: { _ in "" }, parse: { text, _ in .success(text) }, apply: apply,
                        label: { $0.isEmpty ? "\(label): as the first" : "\(label): \($0)" }, display: { $0.isEmpty ? "none" : $0 },
                        csvColumn: axis.rawValue, identity: .whenNotDefault(key: axis.rawValue), batching: .any)
    }

    /// `WIDTHxHEIGHT` or one number for a square, as the `size` axis takes it.
    private static func size(_ axis: SweepAxis, label: String,
                             apply: @escaping @Sendable (MicroConditioning.Size?, inout GenerationRequest) -> Void) -> AxisDeclaration {
        AxisDeclaration(
            axis: axis, expects: "WIDTHxHEIGHT such as 1024x1024", defaultValue: { _ in "" },
            parse: { text, _ in
                // "" is the default: the image's size.
                if text.isEmpty { return .success("") }
                guard let size = Int(text).map({ ImageSize(width: $0, height: $0) }) ?? ImageSize(text),
                      (1...MicroConditioning.maximum).contains(size.width), (1...MicroConditioning.maximum).contains(size.height) else {
                    return .failure(AxisValueError("\(axis) '\(text)': expected WIDTHxHEIGHT such as 1024x1024 (1 to \(MicroConditioning.maximum))"))
                }
                return .success("\(size.width)x\(size.height)")
            },
            apply: { value, request in apply(ImageSize(value).map { MicroConditioning.Size(width: $0.width, height: $0.height) }, &request) },
            label: { $0.isEmpty ? "\(label): image size" : "\(label): \($0)" }, display: { $0.isEmpty ? "image" : $0 },
            csvColumn: axis.rawValue, identity: .whenNotDefault(key: axis.rawValue), batching: .any)
    }
}

extension SweepAxis {
    public static let prompt2 = SweepAxis(rawValue: "prompt_2")
    public static let negativePrompt2 = SweepAxis(rawValue: "negative_prompt_2")
    public static let originalSize = SweepAxis(rawValue: "original_size")
    public static let cropTopLeft = SweepAxis(rawValue: "crops_coords_top_left")
    public static let targetSize = SweepAxis(rawValue: "target_size")

    /// The axes only SDXL models read.
    public static let sdxlOnly: [SweepAxis] = [.prompt2, .negativePrompt2, .originalSize, .cropTopLeft, .targetSize]
}
