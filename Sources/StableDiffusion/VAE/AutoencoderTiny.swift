import Foundation
import Tensors

/// diffusers' `AutoencoderTiny` (madebyollin's TAESD and TAESDXL): its `DecoderTiny`, a cheap
/// stand-in for the VAE's decoder. Only decoding is needed, so the encoder's weights are skipped.
public struct AutoencoderTiny: ImageDecoder {
    /// One entry of `decoder.layers`, diffusers' `nn.Sequential`.
    enum Layer: Sendable {
        case conv(Conv2d)
        case relu
        case block(AutoencoderTinyBlock)
        case upsample
    }

    public let config: AutoencoderTinyConfig
    let layers: [Layer]

    public init(config: AutoencoderTinyConfig, parameters p: Parameters) throws(WeightsError) {
        self.config = config
        let decoder = p["decoder"]["layers"]
        let channels = config.blockOutChannels, last = channels.count - 1
        // Parameter names are the layers' indices in the Sequential, ReLUs and upsamplings included.
        var layers: [Layer] = [.conv(try Conv2d(decoder[0], in: config.latentChannels, out: channels[0], kernel: 3)), .relu]
        for (level, width) in channels.enumerated() {
            for _ in 0..<config.blocksPerLevel[level] {
                layers.append(.block(try AutoencoderTinyBlock(decoder[layers.count], channels: width)))
            }
            if level < last { layers.append(.upsample) }
            // Only the final conv has a bias in diffusers' DecoderTiny.
            layers.append(.conv(try Conv2d(decoder[layers.count], in: width, out: level < last ? width : config.outChannels,
                                           kernel: 3, bias: level == last)))
        }
        self.layers = layers
    }

    /// Loads an `AutoencoderTiny` diffusers folder (`config.json` and its weights), e.g.
    /// madebyollin/taesd or madebyollin/taesdxl.
    public init(directory: String) throws(ModelError) {
        let config: AutoencoderTinyConfig
        do { config = try AutoencoderTinyConfig(path: URL(fileURLWithPath: directory).appendingPathComponent("config.json").path) } catch {
            throw .config(error)
        }
        do { try self.init(config: config, parameters: Parameters(ComponentWeights(directory: directory))) } catch { throw .weights(error) }
    }

    public var scaleFactor: Int { config.scaleFactor }
    public var latentChannels: Int { config.latentChannels }
    public var scalingFactor: Float { config.scalingFactor }

    /// `DecoderTiny.forward`: latents soft-clamped by `tanh(x/3)·3`, the layers, then [0, 1] → [-1, 1].
    public func decode(_ latents: Tensor) -> Tensor {
        BufferPool.scoped {
            var x = latents.elementwise { tanhf($0 / 3) * 3 }
            for layer in layers {
                switch layer {
                case let .conv(conv): x = conv(x)
                case .relu: x = x.relu()
                case let .block(block): x = block(x)
                case .upsample: x = x.upsampleNearest2x()
                }
            }
            return x.elementwise { $0 * 2 - 1 }
        }
    }
}
