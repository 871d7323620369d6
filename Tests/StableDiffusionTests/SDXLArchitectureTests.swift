import Foundation
import StableDiffusion
import Tensors
import Testing

/// Hands out placeholder tensors over reserved, unreadable address space, counting parameters:
/// full-size architectures are built without their memory.
private final class PlaceholderSource: ParameterSource, @unchecked Sendable {
    private final class Reservation: @unchecked Sendable {
        let pointer: UnsafeMutableRawPointer
        let bytes: Int
        init?(bytes: Int) {
            self.bytes = max(bytes, 1)
            guard let address = mmap(nil, self.bytes, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0),
                  address != MAP_FAILED else { return nil }
            pointer = address
        }
        deinit { munmap(pointer, bytes) }
    }

    private let lock = NSLock()
    private var counts: [String: Int] = [:]

    /// Parameters read under each first name part (`text_encoder_2`) or, for the others, "".
    func count(_ prefix: String) -> Int { lock.withLock { counts[prefix] ?? 0 } }

    func tensor(_ name: String, shape: [Int]) throws(WeightsError) -> Tensor {
        let elements = shape.reduce(1, *)
        let prefix = name.hasPrefix("text_encoder_2.") ? "text_encoder_2" : ""
        lock.withLock { counts[prefix, default: 0] += elements }
        guard let reservation = Reservation(bytes: elements * 4) else { throw .unreadable(file: name, reason: "cannot reserve address space") }
        return Tensor(shape: shape, borrowing: UnsafePointer(reservation.pointer.assumingMemoryBound(to: Float.self)), owner: reservation)
    }
}

@Suite struct SDXLArchitectureTests {
    /// `sweep bench --model-config sdxl` builds these; the counts are those of diffusers /
    /// transformers for stabilityai/stable-diffusion-xl-base-1.0's configs (bench/make_random_model.py).
    @Test func publishedSDXLHasDiffusersParameterCounts() throws {
        let sdxl = PublishedArchitecture.sdxl
        let counts = { (build: (Parameters) throws -> Void) throws -> Int in
            let source = PlaceholderSource()
            try build(Parameters(source))
            return source.count("")
        }
        #expect(try counts { _ = try UNet2DConditionModel(config: sdxl.unet, parameters: $0) } == 2_567_463_684)
        #expect(try counts { _ = try AutoencoderKL(config: sdxl.vae, parameters: $0) } == 83_653_863)
        #expect(try counts { _ = try CLIPTextModel(config: sdxl.textEncoder, parameters: $0) } == 123_060_480)
        #expect(try counts { _ = try CLIPTextModelWithProjection(config: PublishedArchitecture.sdxlTextEncoder2, parameters: $0) }
            == 694_659_840)
        #expect(sdxl.unet.textTime?.pooledWidth == PublishedArchitecture.sdxlTextEncoder2.projectionDim)
        #expect(sdxl.unet.sampleSize * sdxl.vae.scaleFactor == 1024 && sdxl.vae.scalingFactor == 0.13025)
        #expect(try sdxl.schedulerConfig.ownKind() == .euler)
    }
}
