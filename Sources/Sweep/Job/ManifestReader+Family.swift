import StableDiffusion
import Yams

extension ManifestReader {
    /// Settings the model's family cannot use are refused where they are written: SDXL's keys on
    /// an SD 1.x/2.x model, LoRAs on an SDXL model.
    func checkFamily(_ family: ModelFamily?, _ entries: [String: Node]) {
        switch family {
        case .sd:
            for axis in SweepAxis.sdxlOnly {
                guard let node = entries[axis.rawValue] else { continue }
                values.report(node, "\(axis): an SDXL setting; the model is \(ModelFamily.sd.name), which has no use for it")
            }
        case .sdxl:
            if let node = entries["loras"] { values.report(node, "loras: \(ModelError.unsupportedForFamily("LoRAs", .sdxl))") }
        case nil: break
        }
    }
}
