import Foundation
import StableDiffusion
import Sweep
import Testing

/// `sweep render` of a dataset job (kaggle, imagefolder, diffusiondb with embeddings and a
/// safety checker) end to end: what each format holds, the same bytes from 1 or 3 ranks, and a
/// killed run resumed to the same bytes.
@Suite struct DatasetRenderTests {
    static let fixtures = URL(fileURLWithPath: RenderCommandTests.models).deletingLastPathComponent().path
    static let embedder = fixtures + "/embeddings/tiny-minilm"
    static let checker = fixtures + "/safety/tiny-checker"
    static let epoch = "1700000000"

    let folder: URL
    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("dataset-render-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    func manifest(_ body: String = "prompts: [a lighthouse, \"a café, \\\"quoted\\\"\", 富士山]\nseeds: [1, 2]\n",
                  dataset: String = "{formats: [kaggle, imagefolder, diffusiondb], shard_size: 4, embeddings: \(embedder)}",
                  extra: String = "safety_checker: \(checker)\n") throws -> String {
        let path = folder.appendingPathComponent("job.yaml").path
        try ("model: \(RenderCommandTests.models)/sd1-tiny\nsteps: 2\nscheduler: euler-a\n" + body + extra + "dataset: \(dataset)\n")
            .write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// `sweep render` with the image time pinned, so every file is reproducible.
    static func render(_ job: String, _ out: String, ranks: Int? = nil) async throws -> SweepProcess {
        try await SweepProcess.run(launch(job, out, ranks: ranks))
    }

    static func launch(_ job: String, _ out: String, ranks: Int? = nil) throws -> Process {
        let process = try SweepProcess.launch(["render", job, "--output", out], mpiRanks: ranks)
        process.environment?["SOURCE_DATE_EPOCH"] = epoch
        return process
    }

    /// Every file byte for byte, but the journals (records in the order results came in), the
    /// lock and the CSV's run columns (seconds, rank, host; `RenderCommandTests.snapshot`).
    static func expectSame(_ expected: String, _ actual: String, files: Int) throws {
        var (a, b) = (try RenderCommandTests.snapshot(expected), try RenderCommandTests.snapshot(actual))
        a["embedding-journal"] = nil
        b["embedding-journal"] = nil
        #expect(a.count == files && a.keys.sorted() == b.keys.sorted(), "\(a.keys.sorted()) vs \(b.keys.sorted())")
        for (name, data) in a { #expect(b[name] == data, "\(name) differs") }
    }

    static let datasetFiles = ["owner.json", "job.yaml", "manifest.csv", "prompts.csv", "embeddings.csv",
                               "embeddings.f32", "metadata.csv", "metadata.jsonl"]

    @Test func threeRanksWriteTheDatasetOneProcessWrites() async throws {
        let job = try manifest()
        let one = folder.appendingPathComponent("one").path, three = folder.appendingPathComponent("three").path
        let alone = try await Self.render(job, one)
        #expect(alone.status == 0, "\(alone.errors)")
        #expect(alone.errors.contains("prompts.csv, embeddings.csv, embeddings.f32, images/*/metadata.jsonl, metadata.csv, metadata.jsonl"))
        let run = try await Self.render(job, three, ranks: 3)
        #expect(run.status == 0, "\(run.errors)")
        // 6 images in shards of 4: two shard folders, each with its metadata.jsonl.
        try Self.expectSame(one, three, files: Self.datasetFiles.count + 6 + 2)
    }

    @Test func eachFormatHoldsTheRightRowForEveryImage() async throws {
        let out = folder.appendingPathComponent("out").path
        let run = try await Self.render(try manifest(), out)
        #expect(run.status == 0, "\(run.errors)")
        let embedder = try SentenceEmbedder(directory: Self.embedder), checker = try SafetyChecker(directory: Self.checker)
        let width = embedder.dimension

        // prompts.csv: manifest order (prompts, then seeds), the prompt of each id.
        let prompts = try CSV.parse(String(contentsOfFile: out + "/prompts.csv", encoding: .utf8)).map(\.fields)
        #expect(prompts.first == ["imgId", "prompt"])
        let rows = Array(prompts.dropFirst())
        #expect(rows.map { $0[1] } == ["a lighthouse", "a lighthouse", "a café, \"quoted\"", "a café, \"quoted\"", "富士山", "富士山"])

        // embeddings.csv: imgId_0 … imgId_(width-1) per image, in prompts.csv order; the numbers
        // are the prompt's embedding, and embeddings.f32 holds the same as a matrix.
        let longRows = try CSV.parse(String(contentsOfFile: out + "/embeddings.csv", encoding: .utf8)).map(\.fields)
        #expect(longRows.first == ["imgId_eId", "val"] && longRows.count == 1 + rows.count * width)
        let matrix = try Data(contentsOf: URL(fileURLWithPath: out + "/embeddings.f32"))
        #expect(matrix.count == rows.count * width * 4)
        let floats = matrix.withUnsafeBytes { raw in
            (0..<rows.count * width).map { Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 4, as: UInt32.self))) }
        }
        for (image, row) in rows.enumerated() {
            let expected = embedder.embed(row[1])
            for e in 0..<width {
                let long = longRows[1 + image * width + e]
                #expect(long[0] == "\(row[0])_\(e)" && Float(long[1]) == expected[e] && floats[image * width + e] == expected[e],
                        "\(row[0]) e\(e)")
            }
        }

        // imagefolder: each shard's metadata.jsonl names the images in that folder, with their prompts and flags.
        var seen: [String] = []
        for shard in ["00000", "00001"] {
            let lines = try String(contentsOfFile: "\(out)/images/\(shard)/metadata.jsonl", encoding: .utf8).split(separator: "\n")
            for line in lines {
                let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
                let name = try #require(object["file_name"] as? String)
                let png = try Data(contentsOf: URL(fileURLWithPath: "\(out)/images/\(shard)/\(name)"))
                let id = String(name.dropLast(4))
                seen.append(id)
                #expect(object["text"] as? String == rows.first { $0[0] == id }?[1])
                #expect(object["steps"] as? Int == 2 && object["sampler"] as? String == "Euler a" && object["width"] as? Int == 32)
                #expect(object["timestamp"] as? String == "2023-11-14T22:13:20Z")
                // The flag and score are the checker's on the very image written.
                let image = try PNGImage(decoding: png)
                let verdict = try checker.check(RGBImage(width: image.width, height: image.height, pixels: image.pixels))
                #expect(object["image_nsfw"] as? Bool == verdict.nsfw)
                #expect((object["nsfw_score"] as? NSNumber).map { Float(truncating: $0) } == verdict.score)
            }
        }
        #expect(seen == rows.map { $0[0] }, "shards 00000 (4 images) and 00001 (2), in manifest order")

        // diffusiondb: the CSV and the JSONL hold the same rows, with part_id naming the shard.
        let table = try CSV.parse(String(contentsOfFile: out + "/metadata.csv", encoding: .utf8)).map(\.fields)
        #expect(table.first == ["image_name", "prompt", "part_id", "seed", "step", "cfg", "sampler", "width", "height", "timestamp",
                                "image_nsfw", "negative_prompt", "model", "nsfw_score"])
        let jsonLines = try String(contentsOfFile: out + "/metadata.jsonl", encoding: .utf8).split(separator: "\n")
        #expect(jsonLines.count == rows.count && table.count == rows.count + 1)
        for (index, (fields, line)) in zip(table.dropFirst(), jsonLines).enumerated() {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            #expect(fields[0] == rows[index][0] + ".png" && fields[1] == rows[index][1] && fields[2] == (index < 4 ? "0" : "1"))
            #expect(fields[3] == (index % 2 == 0 ? "1" : "2") && fields[4] == "2" && fields[5] == "7.5" && fields[6] == "Euler a")
            #expect(object["image_name"] as? String == fields[0] && object["prompt"] as? String == fields[1]
                    && object["part_id"] as? Int == Int(fields[2]) && object["seed"] as? Int == Int(fields[3]))
            #expect("\(object["image_nsfw"] as? Bool ?? !(fields[10] == "true"))" == fields[10])
        }
    }

    @Test func aKilledDatasetRunResumesToTheBytesOfACleanOne() async throws {
        let job = try manifest("prompts: [a lighthouse, a café, 富士山, a red door, a blue door]\nseeds: [1, 2, 3]\n")
        let clean = folder.appendingPathComponent("clean").path, resumed = folder.appendingPathComponent("resumed").path
        let first = try await Self.render(job, clean)
        #expect(first.status == 0, "\(first.errors)")
        let process = try Self.launch(job, resumed)
        process.standardError = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(120)
        while Date() < deadline, process.isRunning, RenderCommandTests.finished(resumed) < 4 { usleep(20_000) }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        let done = RenderCommandTests.finished(resumed)
        #expect((4..<15).contains(done), "killed after \(done) images")
        let rerun = try await Self.render(job, resumed)
        #expect(rerun.status == 0, "\(rerun.errors)")
        #expect(rerun.errors.contains("\(done) already done"))
        // 15 images in shards of 4: four shard folders.
        try Self.expectSame(clean, resumed, files: Self.datasetFiles.count + 15 + 4)
    }

    @Test func anotherShardSizeMovesTheImagesAndRendersNothing() async throws {
        let out = folder.appendingPathComponent("moved").path, clean = folder.appendingPathComponent("clean").path
        let first = try await Self.render(try manifest(), out)
        #expect(first.status == 0, "\(first.errors)")
        let job = try manifest(dataset: "{formats: [kaggle, imagefolder, diffusiondb], shard_size: 2, embeddings: \(Self.embedder)}")
        let again = try await Self.render(job, out)
        #expect(again.status == 0 && again.errors.contains("moved 4 image(s) to their place") && again.errors.contains("rendered 0 image(s)"),
                "\(again.errors)")
        let reference = try await Self.render(job, clean)
        #expect(reference.status == 0)
        // Three shards of 2 now (images 0 and 1 were in 00000 already); the old shard folders stay, empty.
        try Self.expectSame(clean, out, files: Self.datasetFiles.count + 6 + 3)
    }

    @Test func safetyCheckerOnTheCommandLineFlagsAJobWithoutOne() async throws {
        let out = folder.appendingPathComponent("flagged").path
        let job = try manifest(dataset: "{formats: [diffusiondb]}", extra: "")
        let run = try await SweepProcess.run(["render", job, "--output", out, "--safety-checker", Self.checker])
        #expect(run.status == 0, "\(run.errors)")
        let header = try CSV.parse(String(contentsOfFile: out + "/metadata.csv", encoding: .utf8)).first?.fields ?? []
        #expect(header.contains("image_nsfw") && header.last == "nsfw_score", "\(header)")
        let bad = try await SweepProcess.run(["render", job, "--output", out, "--safety-checker", Self.embedder])
        #expect(bad.status != 0 && bad.errors.split(separator: "\n").count == 1, "one line: \(bad.errors)")
    }

    @Test func blankReplacesFlaggedImagesWithBlackAndKeepsTheFlag() async throws {
        let out = folder.appendingPathComponent("blank").path
        let job = try manifest(dataset: "{formats: [diffusiondb]}", extra: "safety_checker: \(Self.checker)\nsafety: blank\n")
        let run = try await Self.render(job, out)
        #expect(run.status == 0, "\(run.errors)")
        let table = try CSV.parse(String(contentsOfFile: out + "/metadata.csv", encoding: .utf8)).map(\.fields).dropFirst()
        #expect(table.count == 6 && table.contains { $0[10] == "true" }, "the tiny checker flags some of these images")
        for row in table {
            let image = try PNGImage(decoding: Data(contentsOf: URL(fileURLWithPath: "\(out)/images/00000/\(row[0])")))
            #expect(image.pixels.allSatisfy { $0 == 0 } == (row[10] == "true"), "\(row[0]): nsfw \(row[10])")
        }
        #expect(!FileManager.default.fileExists(atPath: out + "/prompts.csv") && !FileManager.default.fileExists(atPath: out + "/embeddings.csv"))
    }
}

/// The scale test at a size CI affords: a 200-prompt dataset job on 3 ranks, a worker killed
/// midway, the job rerun on 3 ranks, and every file the bytes one clean process writes.
/// The 10,000-prompt version is the same job with a longer prompts file (README, "Building an
/// image-to-prompt dataset").
@Suite struct DatasetScaleTests {
    let folder: URL
    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("dataset-scale-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    static let prompts = 200

    @Test func aThreeRankJobKilledAndResumedEndsAsACleanRun() async throws {
        let words = ["red", "blue", "castle", "river", "portrait", "at night", "oil painting", "富士山", "café", "\"quoted\""]
        let lines = (0..<Self.prompts).map { i in "\(words[i % words.count]) \(words[(i / words.count) % words.count]) \(i)" }
        try lines.joined(separator: "\n").write(to: folder.appendingPathComponent("prompts.txt"), atomically: true, encoding: .utf8)
        let job = folder.appendingPathComponent("job.yaml").path
        try """
            model: \(RenderCommandTests.models)/sd1-tiny
            prompts_file: prompts.txt
            steps: 1
            safety_checker: \(DatasetRenderTests.checker)
            dataset: {formats: [kaggle, imagefolder, diffusiondb], shard_size: 64, embeddings: \(DatasetRenderTests.embedder)}

            """.write(toFile: job, atomically: true, encoding: .utf8)
        let clean = folder.appendingPathComponent("clean").path, resumed = folder.appendingPathComponent("resumed").path
        let alone = try await DatasetRenderTests.render(job, clean)
        #expect(alone.status == 0, "\(alone.errors)")

        let process = try DatasetRenderTests.launch(job, resumed, ranks: 3)
        process.standardError = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        var killed = false
        let deadline = Date().addingTimeInterval(600)
        while Date() < deadline, process.isRunning, !killed {
            if RenderCommandTests.finished(resumed) >= 40, let pid = ClusterRenderTests.rankProcess(1, arguments: resumed) {
                kill(pid, SIGKILL)
                killed = true
            }
            usleep(20_000)
        }
        process.waitUntilExit()
        let done = RenderCommandTests.finished(resumed)
        #expect(killed && process.terminationStatus != 0 && done < Self.prompts, "killed: \(killed), \(done) done")

        let rerun = try await DatasetRenderTests.render(job, resumed, ranks: 3)
        #expect(rerun.status == 0, "\(rerun.errors)")
        #expect(rerun.errors.contains("already done"))
        // 200 images in shards of 64: four shard folders.
        try DatasetRenderTests.expectSame(clean, resumed, files: DatasetRenderTests.datasetFiles.count + Self.prompts + 4)
    }
}
