import Foundation
import Testing
@testable import Tensors

@Suite struct ActivationTests {
    @Test func activationsMatchPyTorch() throws {
        let x = try PyTorchReference.tensor("input")
        expectClose(x.silu(), try PyTorchReference.tensor("silu"), tolerance: 2e-6, "silu")
        expectClose(x.gelu(), try PyTorchReference.tensor("gelu"), tolerance: 2e-6, "gelu")
        expectClose(x.tanhGELU(), try PyTorchReference.tensor("gelu_tanh"), tolerance: 2e-6, "tanh gelu")
        expectClose(x.quickGELU(), try PyTorchReference.tensor("quick_gelu"), tolerance: 2e-6, "quick gelu")
        let gate = try PyTorchReference.tensor("geglu.input")
        expectClose(gate.geglu(), try PyTorchReference.tensor("geglu"), tolerance: 2e-6, "geglu")
    }

    /// Covers the vector exp's whole range, both SIMD blocks and the scalar tail, and saturation.
    @Test func siluAgainstDoubleFormulaOverWideRange() {
        let values = stride(from: Float(-120), through: 120, by: 0.37).map { $0 }
        let got = Tensor(shape: [values.count], scalars: values).silu().scalars
        for (x, y) in zip(values, got) {
            let expected = Double(x) / (1 + Foundation.exp(-Double(x)))
            #expect(abs(Double(y) - expected) <= 1e-6 * max(1, abs(expected)), "silu(\(x)) = \(y), expected \(expected)")
        }
    }

    /// The vectorised erf's bound (1.5·10⁻⁷) over both signs, the blocks and the tail, through
    /// gelu and geglu; saturation far out (gelu(x) = x, gelu(−x) = −0).
    @Test func geluAgainstDoubleFormulaOverWideRange() {
        let values = stride(from: Float(-12), through: 12, by: 0.013).map { $0 }
        let expected = values.map { Double($0) * 0.5 * (1 + Foundation.erf(Double($0) / 2.0.squareRoot())) }
        let gelu = Tensor(shape: [values.count], scalars: values).gelu().scalars
        let geglu = Tensor(shape: [1, 2 * values.count], scalars: Array(repeating: 1, count: values.count) + values).geglu().scalars
        for (index, x) in values.enumerated() {
            let bound = 2e-7 * max(1, Double(abs(x)))
            #expect(abs(Double(gelu[index]) - expected[index]) <= bound, "gelu(\(x)) = \(gelu[index]), expected \(expected[index])")
            #expect(geglu[index] == gelu[index], "geglu gate \(x)")
        }
        #expect(Tensor(shape: [2], scalars: [30, -30]).gelu().scalars == [30, 0])
    }

    @Test func softmaxMatchesPyTorchAndMasksInfinity() throws {
        let x = try PyTorchReference.tensor("input")
        expectClose(x.scaled(by: 4).softmax(), try PyTorchReference.tensor("softmax"), tolerance: 1e-6, "softmax")
        let masked = Tensor(shape: [2, 19], scalars: (0..<38).map { $0 % 3 == 0 ? -.infinity : Float($0) / 10 }).softmax()
        for row in 0..<2 {
            let values = Array(masked.scalars[(row * 19)..<((row + 1) * 19)])
            #expect(abs(values.reduce(0, +) - 1) < 1e-6)
            for (i, v) in values.enumerated() where (row * 19 + i) % 3 == 0 { #expect(v == 0) }
        }
    }

    /// As torch: NaN stays NaN through relu, clamp, silu and softmax (a bad input shows in the
    /// pipeline's finiteness checks instead of being clamped into a plausible value), in the
    /// 16-lane blocks and the scalar tail alike; ±infinity and the bounds themselves clamp.
    @Test func nanPropagatesAndInfinityClamps() {
        let values: [Float] = (0..<18).map { $0 % 4 == 1 ? .nan : $0 % 4 == 2 ? -.infinity : $0 % 4 == 3 ? .infinity : -1 }
        let x = Tensor(shape: [values.count], scalars: values)
        for (name, result) in [("relu", x.relu()), ("clamp", x.clamped(to: -0.5, 0.5)), ("silu", x.silu())] {
            for (input, output) in zip(values, result.scalars) where input.isNaN { #expect(output.isNaN, "\(name) of NaN: \(output)") }
        }
        let numbers = values.indices.filter { !values[$0].isNaN }
        #expect(numbers.map { x.relu().scalars[$0] } == numbers.map { Swift.max(values[$0], 0) })
        #expect(numbers.map { x.clamped(to: -0.5, 0.5).scalars[$0] } == numbers.map { Swift.min(Swift.max(values[$0], -0.5), 0.5) })
        let softmax = Tensor(shape: [1, 17], scalars: [.nan] + Array(repeating: 1, count: 16)).softmax().scalars
        #expect(softmax.filter(\.isNaN).count == 17)
    }
}
