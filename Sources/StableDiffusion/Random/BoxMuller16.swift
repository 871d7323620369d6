/// PyTorch's `NormalFill16<float>` for AVX2 (ATen/native/cpu/DistributionTemplates.h), the
/// Box–Muller step `torch.randn` applies to each block of 16 float32 uniforms on x86-64 CPUs with
/// AVX2 or AVX-512: lane `j` pairs `u1 = 1 - d[j]` (radius `sqrt(-2 log u1)`) with `u2 = d[j + 8]`
/// (angle `2π u2`), writing `r cos` to `d[j]` and `r sin` to `d[j + 8]`.
///
/// `log` and `sincos` are lane-by-lane ports of `log256_ps` and `sincos256_ps` from
/// ATen/native/cpu/avx_mathfun.h (Cephes polynomials in float), not the C library's functions.
/// PyTorch's x86 wheels are built by GCC, which contracts a multiply feeding an add into a fused
/// multiply-add (`-ffp-contract=fast`); the `addingProduct` calls below are those contractions,
/// and they are needed for bit-equal results.
enum BoxMuller16 {
    /// Transforms `block[0..<16]` in place.
    static func transform(_ block: UnsafeMutableBufferPointer<Float>, at base: Int) {
        let twoPi = Float(2.0 * Double.pi)
        for j in 0..<8 {
            let u1 = 1 - block[base + j]
            let u2 = block[base + j + 8]
            let radius = (-2 * log(u1)).squareRoot()
            let (sine, cosine) = sincos(twoPi * u2)
            block[base + j] = radius * cosine
            block[base + j + 8] = radius * sine
        }
    }

    /// `log256_ps` for one lane; its argument here is always in (0, 1].
    static func log(_ value: Float) -> Float {
        let x0 = max(value, Float.leastNormalMagnitude)
        let bits = x0.bitPattern
        var e = Float(Int32(bitPattern: bits >> 23) - 0x7F) + 1
        var x = Float(bitPattern: (bits & ~0x7F80_0000) | Float(0.5).bitPattern)
        if x < Float(0.707106781186547524) {
            e -= 1
            x = (x - 1) + x
        } else {
            x -= 1
        }
        let z = x * x
        var y: Float = 7.0376836292E-2
        for p: Float in [-1.1514610310E-1, 1.1676998740E-1, -1.2420140846E-1, 1.4249322787E-1,
                         -1.6668057665E-1, 2.0000714765E-1, -2.4999993993E-1, 3.3333331174E-1] {
            y = p.addingProduct(y, x)
        }
        y = (e * -2.12194440E-4).addingProduct(y * x, z)
        y = y.addingProduct(-z, 0.5)
        return (x + y).addingProduct(e, 0.693359375)
    }

    /// `sincos256_ps` for one lane: `(sin x, cos x)` for `x ≥ 0`.
    static func sincos(_ angle: Float) -> (sin: Float, cos: Float) {
        var x = abs(angle)
        let j = (Int32((x * Float(1.27323954473516)).rounded(.towardZero)) &+ 1) & ~1
        let y = Float(j)
        let sinNegative = j & 4 != 0
        let swapped = j & 2 != 0  // the octant where sine and cosine trade polynomials
        x = x.addingProduct(y, -0.78515625)
        x = x.addingProduct(y, -2.4187564849853515625E-4)
        x = x.addingProduct(y, -3.77489497744594108E-8)
        let cosNegative = ~(j &- 2) & 4 != 0
        let z = x * x

        var cosPoly = Float(-1.388731625493765E-3).addingProduct(2.443315711809948E-5, z)
        cosPoly = Float(4.166664568298827E-2).addingProduct(cosPoly, z)
        cosPoly = (-(z * 0.5)).addingProduct(cosPoly * z, z)
        cosPoly += 1

        var sinPoly = Float(8.3321608736E-3).addingProduct(-1.9515295891E-4, z)
        sinPoly = Float(-1.6666654611E-1).addingProduct(sinPoly, z)
        sinPoly = x.addingProduct(sinPoly * z, x)

        let sine = swapped ? cosPoly : sinPoly
        let cosine = swapped ? sinPoly : cosPoly
        return (sinNegative ? -sine : sine, cosNegative ? -cosine : cosine)
    }
}
