import Foundation
import StableDiffusion
@testable import Sweep
import Testing

/// Seeded byte mutations, the kind that found crashes and hangs in our readers: flipped bits,
/// inserted punctuation, deleted and duplicated runs, long repeats, extreme numbers.
struct Mutator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    /// SplitMix64: small, and the same sequence on every machine, so a failure reproduces.
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(max(bound, 1))) }

    static let extremeNumbers = ["0", "-1", "-8", "1e39", "4294967295", "4294967296", "18446744073709551616", "9223372036854775807", "99999992"]

    /// One to four mutations of `bytes`; inserted bytes come from `alphabet`.
    mutating func mutate(_ bytes: [UInt8], alphabet: [UInt8]) -> [UInt8] {
        var bytes = bytes
        for _ in 0..<(1 + below(4)) {
            let at = below(bytes.count + 1)
            switch below(7) {
            case 0 where !bytes.isEmpty: bytes[below(bytes.count)] ^= 1 << UInt8(below(8))
            case 1: bytes.insert(alphabet[below(alphabet.count)], at: at)
            case 2: bytes.removeSubrange(at..<min(bytes.count, at + 1 + below(16)))
            case 3:
                let run = Array(bytes[at..<min(bytes.count, at + 1 + below(64))])
                bytes.insert(contentsOf: run, at: below(bytes.count + 1))
            case 4 where !bytes.isEmpty: bytes[below(bytes.count)] = alphabet[below(alphabet.count)]
            case 5: bytes.insert(contentsOf: repeatElement(alphabet[below(alphabet.count)], count: 1 + below(12_000)), at: at)
            default:
                // A number somewhere replaced by an extreme one.
                guard let digit = bytes.indices.dropFirst(below(bytes.count)).first(where: { (48...57).contains(bytes[$0]) }) else { continue }
                var end = digit
                while end < bytes.count, (48...57).contains(bytes[end]) { end += 1 }
                bytes.replaceSubrange(digit..<end, with: Array(Self.extremeNumbers[below(Self.extremeNumbers.count)].utf8))
            }
        }
        return bytes
    }
}

/// A few hundred seeded mutations of each reader's input in every test run: each must give a
/// value or a typed error with a message, never a crash or a hang.
@Suite struct FuzzTests {
    let folder: URL

    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("fuzz-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    static func float32(_ values: [Float]) -> [UInt8] { values.flatMap { withUnsafeBytes(of: $0.bitPattern.littleEndian, Array.init) } }

    /// A valid file: metadata and F32, F16 and BF16 tensors.
    static let safetensors: [UInt8] = {
        let header = #"{"__metadata__":{"format":"pt"},"a":{"dtype":"F32","shape":[2,2],"data_offsets":[0,16]},"#
            + #""b":{"dtype":"F16","shape":[2],"data_offsets":[16,20]},"c":{"dtype":"BF16","shape":[1,2],"data_offsets":[20,24]}}"#
        let data = float32([1, -2, 3.5, 0]) + [0x00, 0x3C, 0x00, 0xC0] + [0x80, 0x3F, 0x00, 0x40]
        return withUnsafeBytes(of: UInt64(header.utf8.count).littleEndian, Array.init) + Array(header.utf8) + data
    }()

    @Test func safetensorsHeadersGiveTensorsOrTypedErrors() throws {
        var mutator = Mutator(seed: 2024)
        let path = folder.appendingPathComponent("model.safetensors").path
        let alphabet = Array(#"{}[]":,0123456789-.e "#.utf8) + [0, 0xFF, 0x80]
        var opened = 0
        for round in 0..<400 {
            var bytes = mutator.mutate(Self.safetensors, alphabet: alphabet)
            if round % 5 == 0, bytes.count >= 8 {
                // The length prefix off by a little or a lot, as a shifted or damaged file has it.
                let lengths: [UInt64] = [UInt64(bytes.count - 8), UInt64(bytes.count - 9), 0xFFFF_FFFF, UInt64.max, mutator.next() % 4096]
                withUnsafeBytes(of: lengths[mutator.below(lengths.count)].littleEndian) { bytes.replaceSubrange(0..<8, with: $0) }
            }
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            do {
                let file = try SafeTensorsFile(path: path)
                opened += 1
                for name in file.names {
                    do { _ = try file.tensor(name) } catch { expectOneLine(error.description, naming: path, round: round) }
                }
            } catch {
                expectOneLine(error.description, naming: path, round: round)
            }
        }
        // Mutations that keep the file valid happen, but most must be caught.
        #expect(opened > 0 && opened < 200, "\(opened) of 400 mutated files opened")
    }

    @Test func manifestsGiveJobsOrProblems() throws {
        var mutator = Mutator(seed: 7)
        let model = ManifestFixture.models + "/sd1-tiny"
        let base = """
            name: fuzz
            model: MODEL
            prompts: [a cat, "a dog, running", 'an owl']
            negative_prompt: blurry
            seeds: [1, "3-4"]
            guidance: [1, 7.5]
            steps: 2
            scheduler: [euler, ddim]
            size: [32x32, 64]
            eta: 0.5
            grid: {rows: seeds, columns: guidance, margin: 2}

            """
        let alphabet = Array("[]{}:,-#&*!|>'\"%@` \n\t0123456789.x?".utf8) + [0xC3, 0xFF]
        let path = folder.appendingPathComponent("job.yaml").path
        var jobs = 0
        for round in 0..<300 {
            // Most rounds without a model to load, so a few hundred fit in seconds.
            let text = base.replacingOccurrences(of: "MODEL", with: round % 6 == 0 ? model : "no-model")
            try Data(mutator.mutate(Array(text.utf8), alphabet: alphabet)).write(to: URL(fileURLWithPath: path))
            do {
                _ = try ManifestReader.read(path)
                jobs += 1
            } catch {
                let problems = error.problems
                #expect(!error.description.isEmpty && (problems.isEmpty || problems.allSatisfy { !$0.message.isEmpty }), "round \(round)")
            }
        }
        #expect(jobs > 0 && jobs < 60, "\(jobs) of 300 mutated manifests read")
    }

    func expectOneLine(_ message: String, naming path: String, round: Int) {
        #expect(message.contains(path) && !message.contains("\n"), "round \(round): \(message)")
    }
}
