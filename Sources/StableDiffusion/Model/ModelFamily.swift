/// Which pipeline a model runs: Stable Diffusion 1.x/2.x (`StableDiffusionPipeline`) or SDXL
/// (`StableDiffusionXLPipeline`).
public enum ModelFamily: String, Sendable, Codable {
    case sd = "SD"
    case sdxl = "SDXL"

    public var name: String { self == .sd ? "Stable Diffusion 1.x/2.x" : "SDXL" }
}
