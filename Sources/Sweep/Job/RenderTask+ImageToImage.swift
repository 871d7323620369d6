import StableDiffusion

extension RenderTask {
    /// The init image's file and the hash the task's id was made with; nil for text-to-image.
    var initImageValue: InitImageValue? { InitImageValue(value(.initImage)) }

    public var strength: Double { Double(value(.strength)) ?? 0.8 }

    /// The task's init image, read and checked against the hash its id was made with: an image
    /// edited since the manifest was read would otherwise be filed under the old image's id.
    func loadInitImage() throws(InitImageError) -> InitImage? {
        guard let expected = initImageValue else { return nil }
        let image = try InitImage(path: expected.path)
        guard image.hash == expected.hash else { throw .changed(path: expected.path) }
        return image
    }
}
