import Foundation
import Tensors

/// transformers' `CLIPImageProcessor` as its PIL backend computes it (`CLIPImageProcessorPil`, the
/// `CLIPImageProcessor` of transformers 4): resize the shortest edge with Pillow's bicubic, centre
/// crop, rescale by `rescale_factor` (in float64, then float32) and normalise with `image_mean` and
/// `image_std` (in float32).
public struct CLIPImageProcessor: Sendable {
    /// `size`: resize so the shortest edge has this length, or to exactly `height × width`.
    public enum Size: Equatable, Sendable {
        case shortestEdge(Int)
        case exact(height: Int, width: Int)
    }

    public let resize: Size?
    public let crop: (height: Int, width: Int)?
    public let rescaleFactor: Double?
    public let mean, std: [Float]?

    /// Reads `preprocessor_config.json`, in the current layout (`size: {"shortest_edge": n}`,
    /// `crop_size: {"height", "width"}`) or the older one (`size: n`, `crop_size: n`, as
    /// CompVis' safety checker writes); defaults are `CLIPImageProcessor`'s.
    public init(path: String) throws(ConfigError) {
        let json = try JSONConfig(path: path)
        let resample = try json.int("resample", default: 3)
        guard resample == 3 else { throw .unsupported(path: path, key: "resample", value: "\(resample)", supported: "3 (bicubic)") }
        resize = try json.bool("do_resize", default: true) ? try Self.size(json, "size", default: .shortestEdge(224), squareInt: false) : nil
        if try json.bool("do_center_crop", default: true) {
            guard case let .exact(height, width) = try Self.size(json, "crop_size", default: .exact(height: 224, width: 224), squareInt: true) else {
                throw .invalid(path: path, key: "crop_size", reason: "must give \"height\" and \"width\"")
            }
            crop = (height, width)
        } else {
            crop = nil
        }
        rescaleFactor = try json.bool("do_rescale", default: true) ? try json.double("rescale_factor", default: 1.0 / 255) : nil
        if try json.bool("do_normalize", default: true) {
            let mean = try Self.perChannel(json, "image_mean", default: [0.48145466, 0.4578275, 0.40821073])
            let std = try Self.perChannel(json, "image_std", default: [0.26862954, 0.26130258, 0.27577711])
            guard std.allSatisfy({ $0 != 0 }) else { throw .invalid(path: path, key: "image_std", reason: "must not contain 0") }
            (self.mean, self.std) = (mean, std)
        } else {
            (mean, std) = (nil, nil)
        }
    }

    /// The pixel values `[1, 3, H, W]` of `image`. Throws when the image is smaller than the crop
    /// after resizing (transformers would pad it; an image that small is no generated image).
    public func callAsFunction(_ image: RGBImage) throws(SafetyCheckerError) -> Tensor {
        var image = image
        switch resize {
        case let .shortestEdge(edge)?:
            // transformers' get_resize_output_image_size: the long edge is int(edge · long / short).
            let short = min(image.width, image.height), long = max(image.width, image.height)
            if short != edge {
                let newLong = Int(Double(edge * long) / Double(short))
                image = image.width <= image.height
                    ? PillowResampler(.bicubic).resize(image, width: edge, height: newLong)
                    : PillowResampler(.bicubic).resize(image, width: newLong, height: edge)
            }
        case let .exact(height, width)?:
            image = PillowResampler(.bicubic).resize(image, width: width, height: height)
        case nil: break
        }
        let (height, width) = crop ?? (image.height, image.width)
        guard height <= image.height, width <= image.width else {
            throw .imageSmallerThanCrop(width: image.width, height: image.height, cropWidth: width, cropHeight: height)
        }
        let top = (image.height - height) / 2, left = (image.width - width) / 2
        let plane = height * width
        var values = [Float](repeating: 0, count: 3 * plane)
        for y in 0..<height {
            for x in 0..<width {
                for c in 0..<3 {
                    var value = Float(image.pixels[((y + top) * image.width + x + left) * 3 + c])
                    if let rescaleFactor { value = Float(Double(value) * rescaleFactor) }
                    if let mean, let std { value = (value - mean[c]) / std[c] }
                    values[c * plane + y * width + x] = value
                }
            }
        }
        return Tensor(shape: [1, 3, height, width], scalars: values)
    }

    /// A size given as a dict (`shortest_edge` or `height`/`width`) or, in older configs, one integer:
    /// a shortest edge for `size`, a square for `crop_size` (transformers' `get_size_dict`).
    static func size(_ json: JSONConfig, _ key: String, default fallback: Size, squareInt: Bool) throws(ConfigError) -> Size {
        guard let value = json.raw(key) else { return fallback }
        if value is NSNumber {
            let edge = try json.positive(key)
            return squareInt ? .exact(height: edge, width: edge) : .shortestEdge(edge)
        }
        guard let dict = value as? [String: Any], let data = try? JSONSerialization.data(withJSONObject: dict) else {
            throw .wrongType(path: json.path, key: key, expected: "an integer or an object with \"shortest_edge\" or \"height\" and \"width\"")
        }
        let nested = try JSONConfig(data: data, path: "\(json.path) (\(key))")
        if nested.has("shortest_edge") {
            guard !nested.has("longest_edge") else {
                throw .unsupported(path: json.path, key: key, value: "with longest_edge", supported: "shortest_edge alone, or height and width")
            }
            return .shortestEdge(try nested.positive("shortest_edge"))
        }
        return .exact(height: try nested.positive("height"), width: try nested.positive("width"))
    }

    /// `image_mean` / `image_std`: one number for all channels or three.
    static func perChannel(_ json: JSONConfig, _ key: String, default fallback: [Float]) throws(ConfigError) -> [Float] {
        guard let value = json.raw(key) else { return fallback }
        if value is NSNumber { return Array(repeating: Float(try json.double(key)), count: 3) }
        guard let list = value as? [Any], list.count == 3, let numbers = list as? [NSNumber] else {
            throw .wrongType(path: json.path, key: key, expected: "a number or a list of 3 numbers")
        }
        return numbers.map { Float($0.doubleValue) }
    }
}
