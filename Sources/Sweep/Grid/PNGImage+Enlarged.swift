extension PNGImage {
    /// Each pixel repeated `factor × factor` times (nearest neighbour), so the tiny images of test
    /// models still make grid cells wide enough for legible labels.
    func enlarged(by factor: Int) -> PNGImage {
        guard factor > 1 else { return self }
        let outWidth = width * factor
        var out = [UInt8](repeating: 0, count: outWidth * height * factor * 3)
        for y in 0..<height * factor {
            for x in 0..<outWidth {
                let source = ((y / factor) * width + x / factor) * 3, target = (y * outWidth + x) * 3
                out[target] = pixels[source]
                out[target + 1] = pixels[source + 1]
                out[target + 2] = pixels[source + 2]
            }
        }
        // The sizes are consistent by construction, so this initializer cannot fail.
        return (try? PNGImage(width: outWidth, height: height * factor, pixels: out)) ?? self
    }
}
