import Foundation
import Testing
@testable import Tensors

/// The checks every instruction set's softmax row passes (ds_row_max, ds_exp_sum and their AVX2
/// variants) pass.
enum SoftmaxPassChecks {
    /// Lengths that leave a partial last vector of 8 and of 16 lanes, and none.
    static let lengths = [1, 16, 37, 512, 13]

    /// Row maximum skips NaN; exp of (x − max) matches `vectorExp` to 1 ulp and exp to 3e-7 relative;
    /// entries far below the maximum become 0.
    static func check(rowMax: (UnsafePointer<Float>?, Int) -> Float, expSum: (UnsafeMutablePointer<Float>?, Int, Float) -> Float,
                      count: Int) {
        var row = randomTensor([count], seed: 44, scale: 20).scalars
        row[0] = -200
        #expect(rowMax(row, count) == row.max())
        var withNaN = row
        withNaN[count - 1] = .nan
        if count > 1 { #expect(rowMax(withNaN, count) == row.dropLast().max()) }
        let maximum = row.max() ?? 0
        var exponentials = row
        let sum = expSum(&exponentials, count, maximum)
        for (x, e) in zip(row, exponentials) {
            let reference = vectorExp(Vector(repeating: x - maximum))[0]
            #expect(abs(e - reference) <= reference.ulp, "exp(\(x - maximum)): \(e) vs \(reference)")
            #expect(abs(Double(e) - Foundation.exp(Double(x - maximum))) <= 3e-7 * max(Double(e), 1e-30) + 1e-38)
        }
        #expect(exponentials[0] == 0 || count == 1 && exponentials[0] == 1)
        #expect(abs(sum - exponentials.reduce(0, +)) <= 1e-5 * sum)
    }
}
