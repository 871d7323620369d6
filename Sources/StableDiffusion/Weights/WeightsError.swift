import Foundation

/// Everything that can be wrong with a weights file, each naming the file and what was expected.
public enum WeightsError: Error, CustomStringConvertible, Equatable {
    case unreadable(file: String, reason: String)
    case truncated(file: String, bytes: Int)
    case headerBeyondFile(file: String, headerBytes: UInt64, fileBytes: Int)
    case headerNotJSON(file: String, reason: String)
    /// A header that parses but breaks the format's rules, as the reference implementation checks them.
    case invalidHeader(file: String, reason: String)
    case malformedEntry(file: String, tensor: String, reason: String)
    case unknownDType(file: String, tensor: String, dtype: String)
    case offsetsOutOfRange(file: String, tensor: String, begin: Int, end: Int, dataBytes: Int)
    case byteCountMismatch(file: String, tensor: String, shape: [Int], dtype: String, expected: Int, actual: Int)
    case missingTensor(file: String, tensor: String)
    case shapeMismatch(file: String, tensor: String, stored: [Int], expected: [Int])
    case notFloatingPoint(file: String, tensor: String, dtype: String)
    case noWeights(directory: String, expected: String)
    case badIndex(file: String, reason: String)
    /// A PyTorch pickle, refused unopened: a lone file, or the only weights of a diffusers folder.
    case pickle(file: String, inFolder: Bool)
    /// A single checkpoint with no tensor for a parameter the config asks for (by its diffusers name).
    case unmapped(file: String, component: String, tensor: String)

    public var description: String {
        switch self {
        case let .unreadable(file, reason):
            return "\(file): cannot read weights: \(reason)"
        case let .truncated(file, bytes):
            return "\(file): truncated safetensors file: \(bytes) bytes, expected at least an 8-byte header length"
        case let .headerBeyondFile(file, header, fileBytes):
            return "\(file): header length \(header) runs past the end of the \(fileBytes)-byte file (truncated or not safetensors)"
        case let .headerNotJSON(file, reason):
            return "\(file): safetensors header is not a JSON object: \(reason)"
        case let .malformedEntry(file, tensor, reason):
            return "\(file): tensor '\(tensor)': \(reason)"
        case let .unknownDType(file, tensor, dtype):
            return "\(file): tensor '\(tensor)' has unknown dtype '\(dtype)' (expected one of \(SafeTensorsDType.allNames))"
        case let .offsetsOutOfRange(file, tensor, begin, end, dataBytes):
            return "\(file): tensor '\(tensor)' data_offsets [\(begin), \(end)] lie outside the \(dataBytes)-byte data section (file truncated?)"
        case let .invalidHeader(file, reason):
            return "\(file): \(reason)"
        case let .byteCountMismatch(file, tensor, shape, dtype, expected, actual):
            return "\(file): tensor '\(tensor)' of shape \(shape) and dtype \(dtype) needs \(expected) bytes but data_offsets span \(actual)"
        case let .missingTensor(file, tensor):
            return "\(file): tensor '\(tensor)' is missing"
        case let .shapeMismatch(file, tensor, stored, expected):
            return "\(file): tensor '\(tensor)' has shape \(stored) but the model config expects \(expected)"
        case let .notFloatingPoint(file, tensor, dtype):
            return "\(file): tensor '\(tensor)' has dtype \(dtype); expected F32, F16 or BF16"
        case let .noWeights(directory, expected):
            return "\(directory): no safetensors weights found (expected \(expected))"
        case let .badIndex(file, reason):
            return "\(file): \(reason)"
        case let .unmapped(file, component, tensor):
            return "\(file): no tensor for the \(component)'s \(tensor), which its config asks for (a config of another architecture?)"
        case let .pickle(file, inFolder):
            let conversion = inFolder
                ? "python -c \"from diffusers import StableDiffusionPipeline as P; P.from_pretrained('MODEL_DIR').save_pretrained('NEW_DIR')\""
                : "python -c \"import torch, safetensors.torch as st; sd = torch.load('\(file)', map_location='cpu', weights_only=True); "
                    + "sd = sd.get('state_dict', sd); st.save_file({k: v.contiguous() for k, v in sd.items() if isinstance(v, torch.Tensor)}, "
                    + "'\(URL(fileURLWithPath: file).deletingPathExtension().lastPathComponent).safetensors')\""
            return "\(file): a PyTorch pickle, which can run arbitrary code when loaded, so it is never opened; convert it to "
                + "safetensors first, e.g. \(conversion)"
        }
    }
}
