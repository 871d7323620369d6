import StableDiffusion
import Yams

extension ManifestReader {
    /// Only image-to-image uses a strength, and each strength must leave at least one of each
    /// step count's steps (`int(steps × strength) ≥ 1`, as diffusers' `get_timesteps` counts).
    func checkStrength(_ strengths: [String], steps: [String], initImages: [String], node: Node?) {
        guard initImages.contains(where: { $0 != "none" }) else {
            if let declared = strengths.first(where: { !AxisDeclaration.strength.isDefault($0) }) {
                values.report(node, "strength \(declared): only image-to-image uses it; add init_image or remove strength")
            }
            return
        }
        for strength in strengths.compactMap(Double.init) {
            for count in steps.compactMap({ Int($0) }) {
                do { try GenerationRequest.checkStrength(strength, steps: count) } catch {
                    values.report(node, error.description)
                    return
                }
            }
        }
    }
}
