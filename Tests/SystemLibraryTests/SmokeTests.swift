import COpenBLAS
import Foundation
import Sweep
import Testing

/// Proves each system library links and runs: OpenBLAS, Open MPI (under mpirun) and libpng.
@Suite struct SmokeTests {
    @Test func openBLASSgemm() {
        let a: [Float] = [1, 2, 3, 4, 5, 6]  // 2×3
        let b: [Float] = [7, 8, 9, 10, 11, 12]  // 3×2
        var c = [Float](repeating: 0, count: 4)
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, 2, 2, 3, 1, a, 3, b, 2, 0, &c, 2)
        #expect(c == [58, 64, 139, 154])
    }

    @Test func mpiRunsTwoRanksThatTalk() async throws {
        let run = try await SweepProcess.run(["mpi-check"], mpiRanks: 2)
        let text = run.output + run.errors
        #expect(run.status == 0, "mpirun failed: \(text)")
        for rank in 0..<2 {
            #expect(text.contains("rank \(rank) of 2 on"), "rank \(rank) did not report: \(text)")
        }
        #expect(text.components(separatedBy: "sum of rank+1 over ranks = 3").count == 3, "all-reduce result missing: \(text)")
    }

    @Test func pngWrittenAndReadBack() throws {
        let (width, height) = (13, 7)
        let pixels = (0..<(width * height * 3)).map { UInt8(truncatingIfNeeded: $0 &* 37) }
        let image = try PNGImage(width: width, height: height, pixels: pixels)
        let data = try image.encoded()
        #expect(Array(data.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("smoke-\(UUID().uuidString).png")
        try data.write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        #expect(try PNGImage(decoding: Data(contentsOf: url)) == image)
    }

    @Test func pngRejectsBadInput() {
        #expect(throws: PNGError.badDimensions(width: 2, height: 2, bytes: 5)) { try PNGImage(width: 2, height: 2, pixels: [1, 2, 3, 4, 5]) }
        #expect(throws: PNGError.self) { try PNGImage(decoding: Data("not a png".utf8)) }
    }
}
