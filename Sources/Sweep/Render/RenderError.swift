import StableDiffusion

/// Why a rank cannot render: its model did not load, or one task failed (named by id).
public enum RenderError: Error, CustomStringConvertible {
    case model(ModelError)
    case pipeline(task: String, PipelineError)
    case png(task: String, PNGError)
    case initImage(task: String, InitImageError)
    /// The sentence embedder or safety checker did not load or failed on a task.
    case extras(String)

    public var description: String {
        switch self {
        case let .model(error): "cannot load the model: \(error.description)"
        case let .pipeline(task, error): "task \(task): \(error.description)"
        case let .png(task, error): "task \(task): cannot encode the PNG: \(error.description)"
        case let .initImage(task, error): "task \(task): \(error.description)"
        case let .extras(message): message
        }
    }
}
