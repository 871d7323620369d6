import Foundation
import StableDiffusion
import Tensors

/// Hands out placeholders over reserved, unreadable address space, counting parameters:
/// full-size architectures are built without their memory. Weight matrices come as an F16
/// checkpoint's do (`weight`, two bytes a value), everything else as float32 (`tensor`).
final class PlaceholderSource: ParameterSource, @unchecked Sendable {
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
    private var float32Counts: [String: Int] = [:]

    /// Parameters read under each first name part (`text_encoder_2`) or, for the others, "".
    func count(_ prefix: String) -> Int { lock.withLock { counts[prefix] ?? 0 } }
    /// Of those, the ones read as float32 tensors rather than weights.
    func float32Count(_ prefix: String) -> Int { lock.withLock { float32Counts[prefix] ?? 0 } }

    func tensor(_ name: String, shape: [Int]) throws(WeightsError) -> Tensor {
        let reservation = try reserve(name, shape: shape, bytesPerValue: 4)
        return Tensor(shape: shape, borrowing: UnsafePointer(reservation.pointer.assumingMemoryBound(to: Float.self)), owner: reservation)
    }

    func weight(_ name: String, shape: [Int]) throws(WeightsError) -> Weight {
        let reservation = try reserve(name, shape: shape, bytesPerValue: 2)
        return Weight(HalfTensor(format: .f16, shape: shape, borrowing: UnsafePointer(reservation.pointer.assumingMemoryBound(to: UInt16.self)),
                                 owner: reservation))
    }

    private func reserve(_ name: String, shape: [Int], bytesPerValue: Int) throws(WeightsError) -> Reservation {
        let elements = shape.reduce(1, *)
        let prefix = name.hasPrefix("text_encoder_2.") ? "text_encoder_2" : ""
        lock.withLock {
            counts[prefix, default: 0] += elements
            if bytesPerValue == 4 { float32Counts[prefix, default: 0] += elements }
        }
        guard let reservation = Reservation(bytes: elements * bytesPerValue) else {
            throw .unreadable(file: name, reason: "cannot reserve address space")
        }
        return reservation
    }
}
