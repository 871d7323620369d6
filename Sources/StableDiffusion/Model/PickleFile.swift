import Foundation

/// PyTorch's pickle formats (.ckpt, .pt, .bin, .pth) can run arbitrary code when loaded, so they
/// are refused by name and never opened; the error says how to convert them.
enum PickleFile {
    static let extensions = ["ckpt", "pt", "bin", "pth"]

    static func isPickle(_ path: String) -> Bool { extensions.contains(URL(fileURLWithPath: path).pathExtension.lowercased()) }

    /// Refuses `--model` or `--vae` named like a pickle (a folder's *.bin weights are refused where they are looked for).
    static func refuse(_ path: String) throws(ModelError) {
        guard isPickle(path) else { return }
        throw .weights(.pickle(file: path, inFolder: false))
    }
}
