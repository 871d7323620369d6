import Foundation
import StableDiffusion
import Tensors
import Testing

/// Two pipelines in one process, each with its own threads (and precision), rendering at the same
/// time: each gives the bytes it gives alone, and the thread count never changes an image. With the
/// thread count kept process-wide (inside OpenBLAS) one pipeline's setting leaked into the other.
@Suite struct ComputeContextTests {
    private static func pipeline(threads: Int) throws -> TextToImagePipeline {
        try TextToImagePipeline(model: StableDiffusionModel(directory: ModelFixtures.model("sd1-tiny")),
                                compute: ComputeContext(threads: threads))
    }

    private static let request = GenerationRequest(prompt: "a lighthouse at dusk", seed: 7, steps: 3, guidance: 7.5,
                                                   scheduler: .euler, width: 64, height: 64)

    @Test func pipelinesWithDifferentThreadCountsRunConcurrently() throws {
        let one = try Self.pipeline(threads: 1), two = try Self.pipeline(threads: 2)
        let alone = try one.generate(Self.request).pixels
        // With bf16 on the second, a precision leaking between the pipelines would show too.
        var second = Self.request
        if Precision.bf16.isSupported { second.precision = .bf16 }
        let requests = [Self.request, second]
        let secondAlone = try two.generate(second).pixels
        let results = Results()
        DispatchQueue.concurrentPerform(iterations: 4) { i in
            let (pipeline, request) = i % 2 == 0 ? (one, requests[0]) : (two, requests[1])
            results.set(i, try? pipeline.generate(request).pixels)
        }
        #expect(results.get(0) == alone && results.get(2) == alone, "threads 1 alongside threads 2 changed the image")
        #expect(results.get(1) == secondAlone && results.get(3) == secondAlone, "the second pipeline's image changed when run alongside")
        #expect(try two.generate(Self.request).pixels == alone, "the image depends on the thread count")
    }
}

/// Results written from concurrent iterations.
private final class Results: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [Int: [UInt8]] = [:]
    func set(_ i: Int, _ value: [UInt8]?) { lock.withLock { values[i] = value } }
    func get(_ i: Int) -> [UInt8]? { lock.withLock { values[i] } }
}
