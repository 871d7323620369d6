/// Why a safety checker cannot be loaded or cannot check an image.
public enum SafetyCheckerError: Error, CustomStringConvertible, Equatable {
    case notAFolder(String)
    case missingFeatureExtractor(checker: String)
    case mismatch(file: String, reason: String)
    case imageSmallerThanCrop(width: Int, height: Int, cropWidth: Int, cropHeight: Int)

    public var description: String {
        switch self {
        case let .notAFolder(path):
            "\(path): no such folder; expected a StableDiffusionSafetyChecker folder (config.json, model.safetensors)"
        case let .missingFeatureExtractor(checker):
            "\(checker): no feature_extractor/preprocessor_config.json inside it or beside it (as in a diffusers pipeline folder)"
        case let .mismatch(file, reason): "\(file): \(reason)"
        case let .imageSmallerThanCrop(width, height, cropWidth, cropHeight):
            "image of \(width)×\(height) (after resizing) is smaller than the safety checker's crop of \(cropWidth)×\(cropHeight)"
        }
    }
}
