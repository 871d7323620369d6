import Foundation
import Tensors

/// One `.safetensors` file: an 8-byte little-endian header length, a JSON header naming each
/// tensor's dtype, shape and byte range, then the raw data. The file is memory-mapped; float32
/// tensors are used in place, F16/BF16 are widened to float32 when asked for as tensors and left
/// in place when asked for as weights.
public final class SafeTensorsFile: @unchecked Sendable {
    public struct Entry: Equatable, Sendable {
        public let dtype: SafeTensorsDType
        public let shape: [Int]
        /// Byte range inside the data section (after the header).
        public let range: Range<Int>
    }

    public let path: String
    public let entries: [String: Entry]
    public let metadata: [String: String]
    private let file: MappedFile
    private let dataStart: Int

    public init(path: String) throws(WeightsError) {
        self.path = path
        file = try MappedFile(path: path)
        let bytes = file.bytes
        guard bytes.count >= 8 else { throw .truncated(file: path, bytes: bytes.count) }
        let headerLength = bytes.loadUnaligned(as: UInt64.self).littleEndian
        guard headerLength <= SafeTensorsFile.maximumHeaderBytes else {
            throw .invalidHeader(file: path, reason: "header length \(headerLength) is past the safetensors limit of "
                                 + "\(SafeTensorsFile.maximumHeaderBytes) bytes (damaged or not safetensors)")
        }
        guard headerLength <= UInt64(bytes.count - 8) else {
            throw .headerBeyondFile(file: path, headerBytes: headerLength, fileBytes: bytes.count)
        }
        dataStart = 8 + Int(headerLength)
        let header = try Self.parseHeader(Data(bytes[8..<dataStart]), path: path)
        (entries, metadata) = try Self.validate(header, path: path, dataBytes: bytes.count - dataStart)
    }

    public var names: [String] { entries.keys.sorted() }

    /// The safetensors format's own cap, so a damaged length cannot make us allocate gigabytes.
    public static let maximumHeaderBytes: UInt64 = 100_000_000

    /// The tensor as float32. With `shape`, a tensor stored with any other shape is an error
    /// naming both, so a model config and its weights can never silently disagree.
    public func tensor(_ name: String, shape expected: [Int]? = nil) throws(WeightsError) -> Tensor {
        try weight(name, shape: expected).float32
    }

    /// The tensor as a weight: F16/BF16 values stay as stored (in the mapped file), float32 ones
    /// are used in place. The same shape check as `tensor`.
    public func weight(_ name: String, shape expected: [Int]? = nil) throws(WeightsError) -> Weight {
        guard let entry = entries[name] else { throw .missingTensor(file: path, tensor: name) }
        if let expected, expected != entry.shape {
            throw .shapeMismatch(file: path, tensor: name, stored: entry.shape, expected: expected)
        }
        return try read(name, entry, shape: entry.shape, elementOffset: 0)
    }

    /// Slice `part` of `parts` equal slices along the first dimension, e.g. the query rows of a
    /// fused `in_proj_weight`, as float32.
    public func tensor(_ name: String, part: Int, of parts: Int) throws(WeightsError) -> Tensor {
        try weight(name, part: part, of: parts).float32
    }

    /// The slice as `tensor(_:part:of:)` cuts it, left in the mapped file as whole weights are.
    public func weight(_ name: String, part: Int, of parts: Int) throws(WeightsError) -> Weight {
        guard let entry = entries[name] else { throw .missingTensor(file: path, tensor: name) }
        guard let rows = entry.shape.first, rows % parts == 0, (0..<parts).contains(part) else {
            throw .malformedEntry(file: path, tensor: name, reason: "shape \(entry.shape) does not split into \(parts) equal parts")
        }
        let shape = [rows / parts] + entry.shape.dropFirst()
        return try read(name, entry, shape: shape, elementOffset: part * shape.reduce(1, *))
    }

    private func read(_ name: String, _ entry: Entry, shape: [Int], elementOffset: Int) throws(WeightsError) -> Weight {
        let start = file.bytes.baseAddress! + dataStart + entry.range.lowerBound + elementOffset * entry.dtype.byteSize
        let count = shape.reduce(1, *)
        let half: HalfFormat
        switch entry.dtype {
        case .f32 where Int(bitPattern: start) % 4 == 0:
            return Weight(Tensor(shape: shape, borrowing: start.assumingMemoryBound(to: Float.self), owner: file))
        case .f32:
            return Weight(Tensor(shape: shape) { out in
                for i in 0..<count { out[i] = Float(bitPattern: start.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self)) }
            })
        case .f16: half = .f16
        case .bf16: half = .bf16
        default:
            throw .notFloatingPoint(file: path, tensor: name, dtype: entry.dtype.rawValue)
        }
        guard Int(bitPattern: start) % 2 == 0 else {
            // A header of odd length leaves the data unaligned: such a file's halves get a copy of their own.
            return Weight(HalfTensor(format: half, shape: shape) { out in
                for i in out.indices { out[i] = start.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self) }
            })
        }
        return Weight(HalfTensor(format: half, shape: shape, borrowing: start.assumingMemoryBound(to: UInt16.self), owner: file))
    }

    private static func parseHeader(_ data: Data, path: String) throws(WeightsError) -> [String: Any] {
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: data)
        } catch {
            throw .headerNotJSON(file: path, reason: "invalid JSON in the \(data.count)-byte header")
        }
        guard let header = object as? [String: Any] else {
            throw .headerNotJSON(file: path, reason: "top level is not an object")
        }
        // JSONSerialization keeps the last of two equal keys; which tensor was meant is unknowable.
        if let key = DuplicateJSONKey.first(in: data) {
            throw .invalidHeader(file: path, reason: "the header names '\(key)' twice (duplicate field)")
        }
        return header
    }

    private static func validate(_ header: [String: Any], path: String, dataBytes: Int) throws(WeightsError)
        -> ([String: Entry], [String: String])
    {
        var entries: [String: Entry] = [:]
        var metadata: [String: String] = [:]
        for (name, value) in header {
            if name == "__metadata__" {
                metadata = (value as? [String: String]) ?? [:]
                continue
            }
            guard let fields = value as? [String: Any] else {
                throw .malformedEntry(file: path, tensor: name, reason: "expected an object with dtype, shape and data_offsets")
            }
            guard let dtypeName = fields["dtype"] as? String else {
                throw .malformedEntry(file: path, tensor: name, reason: "missing string field 'dtype'")
            }
            guard let dtype = SafeTensorsDType(rawValue: dtypeName) else {
                throw .unknownDType(file: path, tensor: name, dtype: dtypeName)
            }
            guard let shape = integers(fields["shape"]) else {
                throw .malformedEntry(file: path, tensor: name, reason: "'shape' is not a list of non-negative integers")
            }
            guard let offsets = integers(fields["data_offsets"]), offsets.count == 2 else {
                throw .malformedEntry(file: path, tensor: name, reason: "'data_offsets' is not a pair of non-negative integers")
            }
            let (begin, end) = (offsets[0], offsets[1])
            guard begin <= end, end <= dataBytes else {
                throw .offsetsOutOfRange(file: path, tensor: name, begin: begin, end: end, dataBytes: dataBytes)
            }
            let (elements, overflow) = shape.reduce((1, false)) { acc, d in
                let (p, o) = acc.0.multipliedReportingOverflow(by: d)
                return (p, acc.1 || o)
            }
            let needed = elements.multipliedReportingOverflow(by: dtype.byteSize)
            guard !overflow, !needed.overflow, needed.partialValue == end - begin else {
                throw .byteCountMismatch(file: path, tensor: name, shape: shape, dtype: dtypeName,
                                         expected: overflow ? Int.max : needed.partialValue, actual: end - begin)
            }
            entries[name] = Entry(dtype: dtype, shape: shape, range: begin..<end)
        }
        // As the reference implementation checks: tensors follow each other from byte 0 to the end
        // of the file, with no overlap, gap or trailing bytes (a shifted or damaged file shows here).
        let ordered = entries.sorted { a, b in
            (a.value.range.lowerBound, a.value.range.upperBound, a.key) < (b.value.range.lowerBound, b.value.range.upperBound, b.key)
        }
        var end = 0, previous: String?
        for (name, entry) in ordered {
            guard entry.range.lowerBound == end else {
                let after = previous.map { "tensor '\($0)' ends at byte \(end)" } ?? "the data section starts at byte 0"
                throw .invalidHeader(file: path, reason: "tensor '\(name)' starts at byte \(entry.range.lowerBound) but \(after): "
                                     + "tensors must follow each other with no gap or overlap")
            }
            (end, previous) = (entry.range.upperBound, name)
        }
        guard end == dataBytes else {
            throw .invalidHeader(file: path, reason: "file not fully covered: the tensors use \(end) of the \(dataBytes) bytes after the header "
                                 + "(damaged, or the header length is wrong)")
        }
        return (entries, metadata)
    }

    private static func integers(_ value: Any?) -> [Int]? {
        guard let list = value as? [Any] else { return nil }
        var result: [Int] = []
        for item in list {
            guard let int = item as? Int, int >= 0 else { return nil }
            result.append(int)
        }
        return result
    }
}
