import Foundation
import StableDiffusion
import Testing
import Tensors

/// Builds safetensors files byte by byte so each kind of damage can be made on purpose.
struct SafeTensorsBuilder {
    var header: String
    var data: [UInt8]
    var declaredHeaderLength: UInt64?

    init(_ header: String, data: [UInt8] = [], declaredHeaderLength: UInt64? = nil) {
        (self.header, self.data, self.declaredHeaderLength) = (header, data, declaredHeaderLength)
    }

    /// `header` padded with spaces so the data section starts `offset` bytes past a multiple of 4.
    static func header(_ header: String, dataStartingAt offset: Int) -> String {
        header + String(repeating: " ", count: (4 - (8 + header.utf8.count) % 4) % 4 + offset)
    }

    var bytes: [UInt8] {
        let headerBytes = Array(header.utf8)
        let length = declaredHeaderLength ?? UInt64(headerBytes.count)
        return withUnsafeBytes(of: length.littleEndian, Array.init) + headerBytes + data
    }

    func write(named name: String = "model.safetensors") throws -> String {
        try Self.write(bytes, named: name)
    }

    static func write(_ bytes: [UInt8], named name: String = "model.safetensors") throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("safetensors-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let url = directory.appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return url.path
    }
}

func floatBytes(_ values: [Float]) -> [UInt8] { values.flatMap { withUnsafeBytes(of: $0.bitPattern.littleEndian, Array.init) } }

func expectError(_ expected: (String) -> WeightsError, header: String, data: [UInt8] = [], declared: UInt64? = nil) throws {
    let path = try SafeTensorsBuilder(header, data: data, declaredHeaderLength: declared).write()
    #expect(throws: expected(path)) { try SafeTensorsFile(path: path) }
    expectOneLineNaming(path) { try SafeTensorsFile(path: path) }
}

/// Every weights error is one line that names the file.
func expectOneLineNaming(_ path: String, _ body: () throws -> Void) {
    do {
        try body()
        Issue.record("expected an error for \(path)")
    } catch {
        let text = "\(error)"
        #expect(text.contains(path) && !text.contains("\n"), "not one line naming the file: \(text)")
    }
}

@Suite struct SafeTensorsFileTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../Fixtures/weights")
        .standardized

    @Test func readsFloat32Float16AndBFloat16WrittenByTheSafetensorsLibrary() throws {
        let file = try SafeTensorsFile(path: Self.fixtures.appendingPathComponent("dtypes.safetensors").path)
        let f32 = try file.tensor("values.f32", shape: [3, 10])
        #expect(f32.scalars[0..<5] == [0, -0, 1, -2.5, 3.14159])
        #expect(try file.tensor("values.f16").scalars == file.tensor("values.f16.expected").scalars)
        #expect(try file.tensor("values.bf16").scalars == file.tensor("values.bf16.expected").scalars)
        #expect(file.entries["values.f16"]?.dtype == .f16 && file.entries["values.bf16"]?.dtype == .bf16)
        #expect(file.metadata["format"] == "pt")
    }

    @Test func integerTensorsAreListedButNotReadAsFloat() throws {
        let path = Self.fixtures.appendingPathComponent("dtypes.safetensors").path
        let file = try SafeTensorsFile(path: path)
        #expect(file.entries["text_model.embeddings.position_ids"]?.shape == [1, 77])
        #expect(throws: WeightsError.notFloatingPoint(file: path, tensor: "text_model.embeddings.position_ids", dtype: "I64")) {
            try file.tensor("text_model.embeddings.position_ids")
        }
    }

    @Test func mappedTensorOutlivesTheFileObject() throws {
        // Padded so the data starts 4-byte aligned and the tensor borrows the mapping.
        let padded = SafeTensorsBuilder.header(#"{"w":{"dtype":"F32","shape":[2,2],"data_offsets":[0,16]}}"#, dataStartingAt: 0)
        let path = try SafeTensorsBuilder(padded, data: floatBytes([1, 2, 3, 4])).write()
        var tensor: Tensor?
        do { tensor = try SafeTensorsFile(path: path).tensor("w") }
        #expect(tensor?.scalars == [1, 2, 3, 4])
    }

    @Test func unalignedFloat32DataIsCopied() throws {
        let padded = SafeTensorsBuilder.header(#"{"w":{"dtype":"F32","shape":[3],"data_offsets":[0,12]}}"#, dataStartingAt: 3)
        let path = try SafeTensorsBuilder(padded, data: floatBytes([1.5, -2, 7])).write()
        #expect(try SafeTensorsFile(path: path).tensor("w").scalars == [1.5, -2, 7])
    }

    @Test func missingFile() {
        let path = "/nonexistent/\(UUID().uuidString).safetensors"
        #expect(throws: WeightsError.unreadable(file: path, reason: "no such file")) { try SafeTensorsFile(path: path) }
    }

    @Test func truncatedBeforeTheHeaderLength() throws {
        for bytes in [[], [1, 2, 3, 4, 5]] as [[UInt8]] {
            let path = try SafeTensorsBuilder.write(bytes)
            #expect(throws: WeightsError.truncated(file: path, bytes: bytes.count)) { try SafeTensorsFile(path: path) }
            expectOneLineNaming(path) { try SafeTensorsFile(path: path) }
        }
    }

    @Test func headerLengthBeyondTheFile() throws {
        try expectError({ .headerBeyondFile(file: $0, headerBytes: 1000, fileBytes: 10) }, header: "{}", declared: 1000)
    }

    @Test func headerThatIsNotJSON() throws {
        try expectError({ .headerNotJSON(file: $0, reason: "invalid JSON in the 9-byte header") }, header: "not json!")
        try expectError({ .headerNotJSON(file: $0, reason: "top level is not an object") }, header: "[1, 2]")
    }

    @Test func dataOffsetsOutOfRange() throws {
        try expectError({ .offsetsOutOfRange(file: $0, tensor: "w", begin: 0, end: 16, dataBytes: 8) },
                        header: #"{"w":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}}"#, data: floatBytes([1, 2]))
        try expectError({ .offsetsOutOfRange(file: $0, tensor: "w", begin: 8, end: 4, dataBytes: 8) },
                        header: #"{"w":{"dtype":"F32","shape":[1],"data_offsets":[8,4]}}"#, data: floatBytes([1, 2]))
    }

    @Test func fileCutShortAfterTheHeader() throws {
        let full = SafeTensorsBuilder(#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[8,16]}}"#,
                                      data: floatBytes([1, 2, 3, 4])).bytes
        let path = try SafeTensorsBuilder.write(Array(full.dropLast(3)))
        #expect(throws: WeightsError.offsetsOutOfRange(file: path, tensor: "b", begin: 8, end: 16, dataBytes: 13)) {
            try SafeTensorsFile(path: path)
        }
    }

    @Test func tensorsMustFollowEachOtherWithNoOverlapOrGap() throws {
        try expectError({ .invalidHeader(file: $0, reason: "tensor 'b' starts at byte 4 but tensor 'a' ends at byte 8: tensors must follow each other with no gap or overlap") },
                        header: #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}"#,
                        data: floatBytes([1, 2, 3]))
        try expectError({ .invalidHeader(file: $0, reason: "tensor 'b' starts at byte 12 but tensor 'a' ends at byte 8: tensors must follow each other with no gap or overlap") },
                        header: #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[12,16]}}"#,
                        data: floatBytes([1, 2, 3, 4]))
        try expectError({ .invalidHeader(file: $0, reason: "tensor 'a' starts at byte 4 but the data section starts at byte 0: tensors must follow each other with no gap or overlap") },
                        header: #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#, data: floatBytes([1, 2]))
    }

    /// The reference implementation's "file not fully covered": a header whose length is off
    /// leaves bytes past the last tensor (and shifts every tensor's data).
    @Test func bytesPastTheLastTensorAreRejected() throws {
        try expectError({ .invalidHeader(file: $0, reason: "file not fully covered: the tensors use 4 of the 5 bytes after the header (damaged, or the header length is wrong)") },
                        header: #"{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#, data: floatBytes([1]) + [0])
        let header = #"{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}} "#
        try expectError({ .invalidHeader(file: $0, reason: "file not fully covered: the tensors use 4 of the 5 bytes after the header (damaged, or the header length is wrong)") },
                        header: header, data: floatBytes([1]), declared: UInt64(header.utf8.count - 1))
    }

    @Test func repeatedKeysAreRejected() throws {
        try expectError({ .invalidHeader(file: $0, reason: "the header names '__metadata__' twice (duplicate field)") },
                        header: #"{"__metadata__":{"format":"pt"},"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"__metadata__":{"format":"np"}}"#,
                        data: floatBytes([1]))
        try expectError({ .invalidHeader(file: $0, reason: "the header names 'w' twice (duplicate field)") },
                        header: #"{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#,
                        data: floatBytes([1]))
        try expectError({ .invalidHeader(file: $0, reason: "the header names 'dtype' twice (duplicate field)") },
                        header: #"{"w":{"dtype":"F32","dtype":"F16","shape":[1],"data_offsets":[0,4]}}"#, data: floatBytes([1]))
        // The same name in different objects, and in strings that are values, is fine.
        let path = try SafeTensorsBuilder(#"{"__metadata__":{"w":"w"},"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#,
                                          data: floatBytes([1])).write()
        #expect(try SafeTensorsFile(path: path).metadata == ["w": "w"])
    }

    /// JSONSerialization limits nesting itself; a deep header must not overflow the stack.
    @Test func deeplyNestedHeaderIsNotJSONWeCanUse() throws {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        try expectError({ .headerNotJSON(file: $0, reason: "invalid JSON in the 200000-byte header") }, header: deep)
    }

    /// A length near 4 GiB in a small file, or a real 4 GiB header, must not make us allocate it.
    @Test func headerLengthPastTheFormatsCapIsRejected() throws {
        try expectError({ .invalidHeader(file: $0, reason: "header length 4294967280 is past the safetensors limit of 100000000 bytes (damaged or not safetensors)") }, header: "{}", declared: 0xFFFF_FFF0)
        try expectError({ .invalidHeader(file: $0, reason: "header length 100000001 is past the safetensors limit of 100000000 bytes (damaged or not safetensors)") }, header: "{}", declared: 100_000_001)
    }

    /// open() on a FIFO blocks until a writer appears; it must be refused before opening.
    @Test func aFIFOIsRefusedWithoutBlocking() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("fifo-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let path = folder.appendingPathComponent("model.safetensors").path
        #expect(mkfifo(path, 0o600) == 0)
        let attempt = Task.detached { () -> WeightsError? in
            do { _ = try SafeTensorsFile(path: path); return nil } catch { return error as? WeightsError }
        }
        let deadline = Task.detached {
            try await Task.sleep(for: .seconds(10))
            // Unblocks a reader stuck in open() so the test fails instead of hanging.
            let fd = open(path, O_WRONLY | O_NONBLOCK)
            if fd >= 0 { close(fd) }
        }
        let error = await attempt.value
        deadline.cancel()
        #expect(error == .unreadable(file: path, reason: "is a named pipe (FIFO), not a regular file"))
    }

    @Test func unknownDType() throws {
        try expectError({ .unknownDType(file: $0, tensor: "w", dtype: "Q4_K") },
                        header: #"{"w":{"dtype":"Q4_K","shape":[2],"data_offsets":[0,8]}}"#, data: floatBytes([1, 2]))
    }

    @Test func shapeTimesDTypeSizeDisagreesWithByteRange() throws {
        try expectError({ .byteCountMismatch(file: $0, tensor: "w", shape: [3], dtype: "F16", expected: 6, actual: 8) },
                        header: #"{"w":{"dtype":"F16","shape":[3],"data_offsets":[0,8]}}"#, data: floatBytes([1, 2]))
    }

    @Test func malformedEntries() throws {
        try expectError({ .malformedEntry(file: $0, tensor: "w", reason: "'shape' is not a list of non-negative integers") },
                        header: #"{"w":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}}"#, data: floatBytes([1]))
        try expectError({ .malformedEntry(file: $0, tensor: "w", reason: "missing string field 'dtype'") },
                        header: #"{"w":{"shape":[1],"data_offsets":[0,4]}}"#, data: floatBytes([1]))
    }

    @Test func tensorTheModelAsksForIsMissing() throws {
        let path = try SafeTensorsBuilder(#"{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#, data: floatBytes([1])).write()
        let file = try SafeTensorsFile(path: path)
        #expect(throws: WeightsError.missingTensor(file: path, tensor: "conv_in.weight")) { try file.tensor("conv_in.weight") }
        expectOneLineNaming(path) { _ = try file.tensor("conv_in.weight") }
    }

    @Test func shapeThatDisagreesWithTheModelConfig() throws {
        let path = try SafeTensorsBuilder(#"{"w":{"dtype":"F32","shape":[2,2],"data_offsets":[0,16]}}"#, data: floatBytes([1, 2, 3, 4])).write()
        let file = try SafeTensorsFile(path: path)
        #expect(throws: WeightsError.shapeMismatch(file: path, tensor: "w", stored: [2, 2], expected: [4])) {
            try file.tensor("w", shape: [4])
        }
        #expect(try file.tensor("w", shape: [2, 2]).scalars == [1, 2, 3, 4])
    }
}
