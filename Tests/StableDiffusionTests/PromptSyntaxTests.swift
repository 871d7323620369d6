import Foundation
@testable import StableDiffusion
import Tensors
import Testing

/// AUTOMATIC1111's prompt syntax: the parser against A1111's own documented results and the runs
/// recorded by Tests/Fixtures/prompts/make_prompt_fixtures.py (checked there against A1111's
/// `parse_prompt_attention`), chunking and weighted encodings against transformers' CLIPTextModel.
@Suite struct PromptSyntaxTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../Fixtures/prompts").standardized

    struct ParserCase: Decodable, CustomStringConvertible {
        let prompt: String
        let runs: [[Run]]
        enum Run: Decodable {
            case text(String), weight(Double)
            init(from decoder: Decoder) throws {
                let container = try decoder.singleValueContainer()
                if let text = try? container.decode(String.self) { self = .text(text) } else { self = .weight(try container.decode(Double.self)) }
            }
        }
        var description: String { prompt }
        var expected: [PromptAttention.Run] {
            runs.map { pair in
                guard case let .text(text) = pair[0], case let .weight(weight) = pair[1] else { return PromptAttention.Run("?", .nan) }
                return PromptAttention.Run(text, weight)
            }
        }
        static let all: [ParserCase] = (try? JSONDecoder().decode([ParserCase].self, from: Data(contentsOf: fixtures.appendingPathComponent("parser.json")))) ?? []
    }

    /// The examples in the docstring of A1111's `parse_prompt_attention` (modules/prompt_parser.py),
    /// weights to the last bit of Python's doubles.
    @Test func a1111DocumentedExamples() throws {
        #expect(try PromptAttention.parse("normal text") == [.init("normal text", 1)])
        #expect(try PromptAttention.parse("an (important) word") == [.init("an ", 1), .init("important", 1.1), .init(" word", 1)])
        #expect(try PromptAttention.parse("(unbalanced") == [.init("unbalanced", 1.1)])
        #expect(try PromptAttention.parse("\\(literal\\]") == [.init("(literal]", 1)])
        #expect(try PromptAttention.parse("(unnecessary)(parens)") == [.init("unnecessaryparens", 1.1)])
        #expect(try PromptAttention.parse("a (((house:1.3)) [on] a (hill:0.5), sun, (((sky))).") == [
            .init("a ", 1), .init("house", 1.5730000000000004), .init(" ", 1.1), .init("on", 1), .init(" a ", 1.1),
            .init("hill", 0.55), .init(", sun, ", 1.1), .init("sky", 1.4641000000000006), .init(".", 1.1),
        ])
    }

    @Test func nestedWeightsMultiply() throws {
        #expect(try PromptAttention.parse("((word))") == [.init("word", 1.1 * 1.1)])
        #expect(try PromptAttention.parse("(a (b:2) c:0.5)") == [.init("a ", 0.5), .init("b", 1.0), .init(" c", 0.5)])
        #expect(try PromptAttention.parse("[[word]]") == [.init("word", 1 / 1.1 / 1.1)])
    }

    /// A `)` or `]` with nothing open is text; brackets still open at the end weigh everything after them.
    @Test func unbalancedBrackets() throws {
        #expect(try PromptAttention.parse("unbalanced)") == [.init("unbalanced)", 1)])
        #expect(try PromptAttention.parse("a ]b[ c") == [.init("a ]b", 1), .init(" c", 1 / 1.1)])
        #expect(try PromptAttention.parse("a:1.2)") == [.init("a:1.2)", 1)])
    }

    /// `BREAK` (a whole word) splits; inside brackets its weight is multiplied and A1111 reads it as a word.
    @Test func breaks() throws {
        #expect(try PromptAttention.parse("a BREAK b").map(\.isBreak) == [false, true, false])
        #expect(try PromptAttention.parse("aBREAK b") == [.init("aBREAK b", 1)])
        #expect(try PromptAttention.parse("(a BREAK b)").contains { $0.isBreak } == false)
    }

    @Test(arguments: ParserCase.all)
    func parserMatchesA1111(_ testCase: ParserCase) throws {
        #expect(try PromptAttention.parse(testCase.prompt) == testCase.expected)
    }

    @Test func parserCasesAreThere() { #expect(ParserCase.all.count >= 40) }

    /// Python's `float()` refuses these, so A1111 stops; we report the weight.
    @Test func malformedWeightIsAnError() throws {
        #expect(throws: PromptAttention.BadWeight(weight: "1.2.3")) { try PromptAttention.parse("(a:1.2.3)") }
        #expect(throws: PromptAttention.BadWeight(weight: ".")) { try PromptAttention.parse("(a:.)") }
        #expect(try PromptAttention.parse("a:.)") == [.init("a:.)", 1)])
    }

    struct ChunkCase: Decodable, CustomStringConvertible {
        struct Chunk: Decodable { let ids: [Int]; let weights: [Float] }
        let model, prompt: String
        let chunks: [Chunk]
        var description: String { "\(model): \(prompt.prefix(40))" }
        static let all: [ChunkCase] = (try? JSONDecoder().decode([ChunkCase].self, from: Data(contentsOf: fixtures.appendingPathComponent("chunks.json")))) ?? []
    }

    @Test(arguments: ChunkCase.all)
    func chunksMatchA1111(_ testCase: ChunkCase) throws {
        let encoder = try Self.encoder(testCase.model)
        let chunks = try encoder.chunks(testCase.prompt, syntax: .a1111)
        #expect(chunks.map(\.ids) == testCase.chunks.map(\.ids))
        #expect(chunks.map(\.weights) == testCase.chunks.map(\.weights))
    }

    @Test func chunkCasesCoverTheCommaBackoff() throws {
        // 74 words, a comma, 10 more: the chunk ends after the comma; 40 words before it: a cut at 75.
        let cases = ChunkCase.all.filter { $0.model == "sd1-tiny" && $0.prompt.hasPrefix("word word") }
        #expect(cases.count == 2)
        let comma = try Self.encoder("sd1-tiny").tokenizer.tokenIDs(",")[0]
        #expect(cases.map { $0.chunks[0].ids.lastIndex(of: comma) } == [75, 41])
    }

    @Test func encodingsMatchTransformers() throws {
        let file = try SafeTensorsFile(path: Self.fixtures.appendingPathComponent("encodings.safetensors").path)
        #expect(file.names.count == 41)
        for name in file.names {
            let parts = name.split(separator: "|", maxSplits: 2, omittingEmptySubsequences: false).map(String.init)
            let encoded = try Self.encoder(parts[0]).encode(parts[2], syntax: .a1111, clipSkip: Int(parts[1]) ?? 0)
            expectParity(encoded, try file.tensor(name), name)
        }
    }

    /// The default syntax must not change diffusers' encodings of ordinary prompts: same bits.
    @Test func plainPromptsEncodeAsDiffusersDoes() throws {
        let encoder = try Self.encoder("sd1-tiny")
        for text in ["a photograph of an astronaut riding a horse", "a: b, c!", "", String(repeating: "cat ", count: 75)] {
            #expect(PromptAttention.isPlain(text))
            #expect(try encoder.encode(text, syntax: .a1111).scalars == encoder.encode(text, syntax: .plain).scalars, "\(text)")
        }
        let long = String(repeating: "cat ", count: 76)
        #expect(try encoder.encode(long, syntax: .a1111).shape == [1, 154, 32])
        #expect(try encoder.encode(long, syntax: .plain).shape == [1, 77, 32])
    }

    @Test func clipSkipPastTheLayersIsRefused() throws {
        let encoder = try Self.encoder("sd1-tiny")
        #expect(throws: PipelineError.textEncoder(.badClipSkip(4, layers: 3))) { try encoder.encode("x", syntax: .plain, clipSkip: 4) }
        #expect(throws: PipelineError.badClipSkip(0)) { try GenerationRequest(prompt: "x").with { $0.clipSkip = 0 }.validate() }
    }

    @Test func equalisingPadsTheShorterWithEmptyChunks() throws {
        let encoder = try Self.encoder("sd1-tiny")
        let long = try encoder.encode(String(repeating: "cat ", count: 80), syntax: .a1111)
        let short = try encoder.encode("dog", syntax: .a1111), empty = try encoder.encode("", syntax: .a1111)
        let (a, b) = try PromptEncoder.equalised(short, long) { () throws(PipelineError) in empty }
        #expect(a.shape == [1, 154, 32] && b.scalars == long.scalars)
        #expect(a.slice(axis: 1, 0..<77).scalars == short.scalars && a.slice(axis: 1, 77..<154).scalars == empty.scalars)
    }

    @Test func interpolationEndsAreThePrompts() throws {
        let encoder = try Self.encoder("sd1-tiny")
        let a = try encoder.encode("a red apple", syntax: .a1111), b = try encoder.encode("a blue car", syntax: .a1111)
        for method in PromptInterpolation.Method.allCases {
            expectParity(PromptInterpolation(target: "", fraction: 0, method: method).blend(a, b), a, "\(method) at 0")
            expectParity(PromptInterpolation(target: "", fraction: 1, method: method).blend(a, b), b, "\(method) at 1")
        }
        // Slerp keeps the norm of equal-norm vectors where lerp shrinks it.
        let x = Tensor(shape: [1, 1, 2], scalars: [1, 0]), y = Tensor(shape: [1, 1, 2], scalars: [0, 1])
        let half = PromptInterpolation(target: "", fraction: 0.5, method: .slerp).blend(x, y).scalars
        #expect(abs(half[0] - Float(0.5.squareRoot())) < 1e-6 && abs(half[1] - Float(0.5.squareRoot())) < 1e-6)
        #expect(PromptInterpolation(target: "", fraction: 0.5, method: .lerp).blend(x, y).scalars == [0.5, 0.5])
    }

    static func encoder(_ model: String) throws -> PromptEncoder {
        PromptEncoder(tokenizer: try StableDiffusionModel.tokenizer(ModelFixtures.model(model)),
                      textEncoder: try StableDiffusionModel.textEncoder(ModelFixtures.model(model)))
    }
}

/// The prompt cases of Tests/Fixtures/prompts render diffusers' images (PipelineParityTests); each
/// of their settings changes the image by more than that test's tolerance, so none passes vacuously.
@Suite struct PromptSettingsMatterTests {
    static let cases = PipelineCase.all.filter { $0.directory.lastPathComponent == "prompts" }

    @Test func promptCasesAreThere() { #expect(Self.cases.count == 14) }

    @Test(arguments: cases)
    func withoutTheSettingTheImageDiffers(_ testCase: PipelineCase) throws {
        var request = try testCase.request
        if request.interpolation != nil {
            request.interpolation?.fraction = 0
        } else if request.clipSkip != 1 {
            request.clipSkip = 1
        } else if request.guidanceRescale != 0 {
            request.guidanceRescale = 0
        } else {
            request.promptSyntax = .plain
        }
        let image = try testCase.pipeline().generate(request)
        let worst = zip(image.pixels, try testCase.expectedPixels()).map { abs(Int($0) - Int($1)) }.max() ?? 0
        #expect(worst > 1, "\(testCase): the setting changes no pixel by more than 1 level")
    }
}

extension GenerationRequest {
    func with(_ change: (inout GenerationRequest) -> Void) -> GenerationRequest {
        var copy = self
        change(&copy)
        return copy
    }
}
