import Foundation
import Sweep
import Testing

/// Debian's headless Chromium: found on PATH, or installed with apt-get (as
/// scripts/install-deps.sh does) when missing; nil when it cannot be installed.
enum Chromium {
    static let path: String? = find() ?? (install() ? find() : nil)

    private static func find() -> String? {
        ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/local/bin/chromium"].first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    private static func install() -> Bool {
        guard getuid() == 0 else { return false }
        let apt = Process()
        apt.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        apt.arguments = ["sh", "-c", "apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium"]
        apt.standardOutput = FileHandle.nullDevice
        apt.standardError = FileHandle.nullDevice
        do { try apt.run() } catch { return false }
        apt.waitUntilExit()
        return apt.terminationStatus == 0
    }

    /// Runs headless Chromium on a page of the file system with `arguments`.
    static func run(_ arguments: [String], page: String) async throws -> SweepProcess {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try #require(path))
        process.arguments = ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run"] + arguments
            + [URL(fileURLWithPath: page).absoluteString]
        return try await SweepProcess.run(process, timeLimit: .seconds(120))
    }
}

/// `out/<job>/index.html` in a real browser: the page loads from the file system, lays out the
/// chosen rows and columns with the other axes fixed, and shows the rendered images.
@Suite struct BrowsePageTests {
    static let model = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../Fixtures/models/sd1-tiny").standardized.path

    @Test(.enabled(if: Chromium.path != nil, "skipped: chromium is not installed and `apt-get install chromium` failed"))
    func pageShowsTheImagesOfTheChosenGrid() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("browse-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let job = folder.appendingPathComponent("job.yaml").path
        try """
            model: \(Self.model)
            prompts: [a lighthouse, a red barn]
            seeds: [1, 2, 3]
            guidance: [1, 7.5]
            steps: 2
            scheduler: euler
            grid: {rows: prompts, columns: seeds}
            """.write(toFile: job, atomically: true, encoding: .utf8)
        let out = folder.appendingPathComponent("out").path
        let run = try await SweepProcess.run(["render", job, "--output", out])
        #expect(run.status == 0, "\(run.errors)")
        let page = out + "/index.html"
        let html = try String(contentsOfFile: page, encoding: .utf8)
        #expect(!html.contains("http://") && !html.contains("https://"), "the page must need no network")

        // The DOM after the page's script ran: one cell per prompt × seed, guidance fixed at its first value.
        let dom = try await Chromium.run(["--dump-dom"], page: page)
        #expect(dom.status == 0, "\(dom.errors)")
        let sources = dom.output.matches(of: #/<img src="(images/[0-9a-f]{16}\.png)"/#).map { String($0.output.1) }
        let tasks = try ManifestReader.read(job).allTasks().filter { $0.guidance == 1 }
        #expect(sources == tasks.map { JobOutput.imagePath($0.id) }, "\(dom.output.prefix(2000))")
        for label in ["Seed: 1", "Seed: 3", "a red barn", "CFG scale: 1"] { #expect(dom.output.contains(label)) }

        // The screenshot shows the images: the noisy tiny-model images are the only colourful pixels
        // (labels are black, empty cells gray). With the images gone, the same page shows none.
        let colourful = try await colourfulPixels(page: page, in: folder)
        #expect(colourful > 6 * 256 * 256 / 3, "only \(colourful) colourful pixels: the images did not show")
        try FileManager.default.moveItem(atPath: out + "/images", toPath: out + "/hidden")
        let without = try await colourfulPixels(page: page, in: folder)
        #expect(without < 2000, "\(without) colourful pixels without any image")
    }

    private func colourfulPixels(page: String, in folder: URL) async throws -> Int {
        let shot = folder.appendingPathComponent("shot-\(UUID().uuidString).png").path
        let run = try await Chromium.run(["--window-size=1200,900", "--screenshot=\(shot)"], page: page)
        #expect(run.status == 0, "\(run.errors)")
        let png = try PNGImage(decoding: Data(contentsOf: URL(fileURLWithPath: shot)))
        return stride(from: 0, to: png.pixels.count, by: 3).filter { i in
            let (r, g, b) = (png.pixels[i], png.pixels[i + 1], png.pixels[i + 2])
            return max(r, g, b) - min(r, g, b) > 60
        }.count
    }
}
