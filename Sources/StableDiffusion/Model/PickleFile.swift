import Foundation

/// PyTorch's pickle formats (.ckpt, .pt, .bin, .pth) can run arbitrary code when loaded, so they
/// are refused by name and never opened; the error says how to convert them.
enum PickleFile {
    static let extensions = ["ckpt", "pt", "bin", "pth"]

    static func isPickle(_ path: String) -> Bool { extensions.contains(URL(fileURLWithPath: path).pathExtension.lowercased()) }

    static func refuse(_ path: String, folder: Bool) throws(ModelError) {
        guard isPickle(path) else { return }
        throw .weights(.pickle(file: path, inFolder: folder))
    }
}
