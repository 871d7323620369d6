import Foundation

/// SDXL's micro-conditioning (diffusers' `original_size`, `crops_coords_top_left`,
/// `target_size`): numbers the UNet was trained to read about its training image, embedded as
/// `add_time_ids`. Nil parts take diffusers' defaults: both sizes the image's, no crop.
public struct MicroConditioning: Equatable, Hashable, Sendable {
    public struct Size: Equatable, Hashable, Sendable {
        public var width: Int
        public var height: Int
        public init(width: Int, height: Int) {
            self.width = width
            self.height = height
        }
    }

    public struct Crop: Equatable, Hashable, Sendable {
        public var top: Int
        public var left: Int
        public init(top: Int, left: Int) {
            self.top = top
            self.left = left
        }

        /// `TOP,LEFT`, diffusers' `crops_coords_top_left` order.
        public init?(_ text: String) {
            let parts = text.split(separator: ",", omittingEmptySubsequences: false)
            guard parts.count == 2, let top = Int(parts[0].trimmingCharacters(in: .whitespaces)),
                  let left = Int(parts[1].trimmingCharacters(in: .whitespaces)) else { return nil }
            self.init(top: top, left: left)
        }
    }

    public var originalSize: Size?
    public var cropTopLeft: Crop?
    public var targetSize: Size?

    public init(originalSize: Size? = nil, cropTopLeft: Crop? = nil, targetSize: Size? = nil) {
        self.originalSize = originalSize
        self.cropTopLeft = cropTopLeft
        self.targetSize = targetSize
    }

    /// The largest value of any of these numbers; they only enter sinusoids, but a typo of many
    /// digits is better refused than rendered.
    public static let maximum = 1 << 16

    func validate() throws(PipelineError) {
        for (name, size) in [("original_size", originalSize), ("target_size", targetSize)] {
            guard let size else { continue }
            for value in [size.width, size.height] where !(1...Self.maximum).contains(value) {
                throw .badMicroConditioning(name: name, value: value)
            }
        }
        if let crop = cropTopLeft {
            for value in [crop.top, crop.left] where !(0...Self.maximum).contains(value) {
                throw .badMicroConditioning(name: "crops_coords_top_left", value: value)
            }
        }
    }

    /// diffusers' `add_time_ids` for an image of `width × height`:
    /// `original_size + crops_coords_top_left + target_size`, each (height, width) / (top, left).
    public func timeIDs(width: Int, height: Int) -> [Float] {
        let original = originalSize ?? Size(width: width, height: height)
        let crop = cropTopLeft ?? Crop(top: 0, left: 0)
        let target = targetSize ?? Size(width: width, height: height)
        return [original.height, original.width, crop.top, crop.left, target.height, target.width].map(Float.init)
    }
}
