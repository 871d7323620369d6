import CKernels
import Foundation
import Testing
@testable import Tensors

/// The bf16 GEMM against a double-precision product of the same operands rounded to bfloat16
/// (so only the float32 summation differs): every transpose, tile edges, odd depths, several
/// depth blocks, alpha and beta. Then that `gemm` takes this path exactly when the context asks.
@Suite(.enabled(if: ds_bf16_available() != 0, "this CPU has no AVX512-BF16"))
struct BF16KernelTests {
    private func rounded(_ value: Float) -> Double {
        Double(Float(bitPattern: UInt32(ds_bf16_round(value)) << 16))
    }

    @Test(arguments: [(m: 1, n: 1, k: 1), (m: 7, n: 65, k: 3), (m: 13, n: 40, k: 513), (m: 6, n: 128, k: 1100),
                      (m: 50, n: 530, k: 77), (m: 5, n: 17, k: 34)])
    func matchesBF16RoundedOperands(m: Int, n: Int, k: Int) {
        for check in GEMMCheck.variants(m: m, n: n, k: k) {
            let worst = check.run({ ds_sbgemm($0, $1, m, n, k, check.alpha, $2, check.lda, $3, check.ldb, check.beta, &$4, check.ldc) },
                                  operand: rounded, error: { expected, got, magnitude in abs(expected - got) / (magnitude + 1e-30) })
            // float32 summation of exact products: a few units of float32 rounding, relative to Σ|a·b|.
            #expect(worst <= 4e-7, "\(check.label): relative error \(worst)")
        }
    }

    /// Rounding as the hardware does: to nearest, ties to even, denormals to zero, NaN kept.
    @Test func roundsToNearestEven() {
        #expect(ds_bf16_round(Float(bitPattern: 0x3F80_8000)) == 0x3F80)  // tie, even below
        #expect(ds_bf16_round(Float(bitPattern: 0x3F81_8000)) == 0x3F82)  // tie, even above
        #expect(ds_bf16_round(Float(bitPattern: 0x3F80_8001)) == 0x3F81)
        #expect(ds_bf16_round(Float(bitPattern: 0x0000_1234)) == 0)
        #expect(ds_bf16_round(-.nan) & 0x7FC0 == 0x7FC0)
    }

    /// `linear` under a bf16 context gives the bf16 product (not float32's), the same bytes for
    /// any thread count, and float32 again outside it.
    @Test func contextSelectsThePrecision() {
        let x = randomTensor([1, 300, 96], seed: 54), w = randomTensor([130, 96], seed: 55)
        let float32 = x.linear(weight: w)
        let bf16 = ComputeContext(threads: 1, precision: .bf16).run { x.linear(weight: w) }
        let bf16Threaded = ComputeContext(threads: 2, precision: .bf16).run { x.linear(weight: w) }
        #expect(bf16.scalars == bf16Threaded.scalars)
        let reference = Naive.matmul(x.scalars.map { Float(rounded($0)) }, w.scalars.map { Float(rounded($0)) },
                                     m: 300, n: 130, k: 96, transposeB: true)
        expectClose(bf16, Tensor(shape: [1, 300, 130], scalars: reference), tolerance: 1e-5, "bf16 linear")
        #expect(maxDifference(bf16, float32) > 1e-3, "bf16 context ran the float32 GEMM")
        #expect(x.linear(weight: w).scalars == float32.scalars)
    }
}
