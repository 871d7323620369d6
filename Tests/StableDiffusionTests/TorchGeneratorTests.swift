import Foundation
@testable import StableDiffusion
import Testing
import Tensors

/// `TorchGenerator` against torch 2.15's `torch.randn` on seeded CPU generators, recorded by
/// Tests/Fixtures/random/make_random_fixtures.py (AVX2/AVX-512 kernel).
@Suite struct TorchGeneratorTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../Fixtures/random").standardized

    struct Case: Decodable, CustomTestStringConvertible {
        let name: String
        let seed: String
        let shapes: [[Int]]
        let tensors: [String]
        var testDescription: String { name }
    }

    struct Cases: Decodable { let cases: [Case] }

    static let cases: [Case] = {
        let url = fixtures.appendingPathComponent("cases.json")
        guard let data = try? Data(contentsOf: url),
              let decoded = try? JSONDecoder().decode(Cases.self, from: data) else { return [] }
        return decoded.cases
    }()

    @Test func fixturesAreListed() {
        #expect(Self.cases.count >= 70)
    }

    @Test(arguments: cases) func matchesTorch(_ testCase: Case) throws {
        let file = try SafeTensorsFile(path: Self.fixtures.appendingPathComponent("randn.safetensors").path)
        let seed = try #require(UInt64(testCase.seed))
        var generator = TorchGenerator(seed: seed)
        for (shape, name) in zip(testCase.shapes, testCase.tensors) {
            let expected = try file.tensor(name)
            let actual = generator.randn(shape)
            #expect(actual.shape == shape)
            #expect(expected.shape == shape)
            let (want, got) = (expected.scalars, actual.scalars)
            try #require(want.count == got.count)
            let worst = zip(want, got).map { abs($0 - $1) }.max() ?? 0
            let exact = zip(want, got).filter { $0.bitPattern == $1.bitPattern }.count
            #expect(worst <= 2e-6, "\(name): max |Δ| \(worst)")
            #expect(exact == want.count, "\(name): \(exact) of \(want.count) bit-equal")
        }
    }

    /// The C++ standard's reference values for a default-seeded `std::mt19937`.
    @Test func mersenneTwisterMatchesStdMT19937() {
        var engine = MersenneTwister(seed: 5489)
        let first = (0..<5).map { _ in engine.nextUInt32() }
        #expect(first == [3_499_211_612, 581_869_302, 3_890_346_734, 3_586_334_585, 545_404_204])
        for _ in 5..<9999 { _ = engine.nextUInt32() }
        #expect(engine.nextUInt32() == 4_123_659_995)
    }

    @Test func seedsUseTheirLow32Bits() {
        var low = TorchGenerator(seed: 7), high = TorchGenerator(seed: (1 << 32) + 7)
        #expect(low.randn([1, 4, 5, 7]).scalars == high.randn([1, 4, 5, 7]).scalars)
        #expect(high.seed == (1 << 32) + 7)
    }

    @Test func emptyShapeDrawsNothing() {
        var generator = TorchGenerator(seed: 42), fresh = TorchGenerator(seed: 42)
        #expect(generator.randn([0, 4]).scalars.isEmpty)
        #expect(generator.randn([17]).scalars == fresh.randn([17]).scalars)
    }

    @Test func latentDrawIsFast() {
        var generator = TorchGenerator(seed: 0)
        let clock = ContinuousClock()
        let elapsed = clock.measure { _ = generator.randn([1, 4, 64, 64]) }
        #expect(elapsed < .milliseconds(50))
    }
}
