import Foundation
@testable import Sweep
import Testing

/// `dataset:`, `safety_checker:` and `safety:` in a manifest: read, refused with the line, written back.
@Suite struct DatasetManifestTests {
    let fixture = try! ManifestFixture()
    static let fixtures = URL(fileURLWithPath: ManifestFixture.models).deletingLastPathComponent().path
    static let embedder = fixtures + "/embeddings/tiny-minilm", checker = fixtures + "/safety/tiny-checker"

    @Test func aDatasetJobReadsItsFormatsShardsAndModelsAndWritesThemBack() throws {
        let job = try fixture.read("""
            model: MODEL
            prompts: [a cat, a dog]
            seeds: [1, 2]
            safety_checker: \(Self.checker)
            safety: blank
            dataset: {formats: [imagefolder, kaggle], shard_size: 3, embeddings: \(Self.embedder)}
            """)
        #expect(job.dataset == DatasetChoice(formats: [.imagefolder, .kaggle], shardSize: 3, embeddings: Self.embedder))
        #expect(job.safetyChecker == Self.checker && job.safety == .blank)
        #expect(job.grid == nil, "a dataset job draws no grids, though seeds are swept")
        // job.yaml, read again, is the same job.
        let again = try fixture.read(try job.resolvedYAML())
        #expect(again == job)
        #expect(job.dataset?.shard(of: 2) == "00000" && job.dataset?.shard(of: 3) == "00001" && job.dataset?.shard(of: 31) == "00010")
    }

    @Test func defaultsAreKaggleInShardsOfTenThousand() throws {
        let job = try fixture.read("model: MODEL\nprompts: [a cat]\ndataset: {}\n")
        #expect(job.dataset == DatasetChoice(formats: [.kaggle], shardSize: 10_000, embeddings: nil) && job.safetyChecker == nil)
    }

    @Test func mistakesAreNamedWithTheirLines() throws {
        let problems = try fixture.problems("""
            model: MODEL
            prompts: [a cat]
            safety: maybe
            grid: {columns: seeds}
            dataset:
              formats: [kaggle, parquet, kaggle]
              shard_size: 0
              embeddings: /nonexistent/minilm
            """).map { "\($0.line ?? 0): \($0.message)" }
        #expect(problems.contains("3: safety 'maybe': expected flag or blank"), "\(problems)")
        #expect(problems.contains("3: safety: needs a safety_checker folder to flag images"))
        #expect(problems.contains("4: grid: a dataset job draws no grids; remove grid (or dataset)"))
        #expect(problems.contains { $0.hasPrefix("6: dataset formats[1]: unknown format 'parquet'") })
        #expect(problems.contains("6: dataset formats: a format is listed twice"))
        #expect(problems.contains("7: dataset shard_size '0': expected a whole number from 1 to 1000000"))
        #expect(problems.contains { $0.hasPrefix("8: dataset embeddings '/nonexistent/minilm': ") && $0.hasSuffix("(expected a sentence-transformers model folder)") })
    }

    @Test func embeddingsWithoutKaggleAndABadCheckerAreRefused() throws {
        let problems = try fixture.problems("""
            model: MODEL
            prompts: [a cat]
            safety_checker: \(Self.embedder)
            dataset: {formats: [diffusiondb], embeddings: \(Self.embedder)}
            """).map { "\($0.line ?? 0): \($0.message)" }
        #expect(problems.count == 2, "\(problems)")
        #expect(problems.first?.hasPrefix("3: safety_checker '\(Self.embedder)': ") == true)
        #expect(problems.last == "4: dataset embeddings: written as kaggle's embeddings.csv and embeddings.f32; add kaggle to formats")
    }
}

/// Rank 0's embedding record survives a crash mid-write and never mixes two embedders.
@Suite struct EmbeddingStoreTests {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("embedding-journal-\(UUID().uuidString)").path

    @Test func recordsReadBackAndATornLastRecordIsCutOff() throws {
        let store = try EmbeddingStore(path: path, dimension: 3, embedder: "aa")
        try store.append([1, 2, 3], for: "a cat")
        try store.append([4, 5, -6.5], for: "a dog")
        try store.append([9, 9, 9], for: "a cat")  // already there: kept as first recorded
        #expect(try store.embedding(of: "a cat") == [1, 2, 3] && store.count == 2)
        // A crash halfway through a third record.
        let handle = try #require(FileHandle(forWritingAtPath: path))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(repeating: 7, count: 20))
        try handle.close()
        let reopened = try EmbeddingStore(path: path, dimension: 3, embedder: "aa")
        let dog = try reopened.embedding(of: "a dog")
        #expect(reopened.count == 2 && dog == [4, 5, -6.5] && !reopened.contains("an owl"))
        try reopened.append([0.25, 0, 1], for: "an owl")
        #expect(try EmbeddingStore(path: path, dimension: 3, embedder: "aa").embedding(of: "an owl") == [0.25, 0, 1])
    }

    @Test func anotherEmbedderOrWidthStartsOver() throws {
        try EmbeddingStore(path: path, dimension: 3, embedder: "aa").append([1, 2, 3], for: "a cat")
        #expect(try EmbeddingStore(path: path, dimension: 3, embedder: "bb").count == 0)
        try EmbeddingStore(path: path, dimension: 3, embedder: "aa").append([1, 2, 3], for: "a cat")
        #expect(try EmbeddingStore(path: path, dimension: 4, embedder: "aa").count == 0)
    }

    @Test func aResultWithADamagedEmbeddingIsRefused() {
        var result = RenderResult(taskID: "x", png: Data(), seconds: 0, rank: 1, host: "h", embedding: [1, 2, 3])
        #expect(throws: RenderResultError.embeddingSize(task: "x", bytes: 12, expected: 4)) { try result.embeddingValues(dimension: 4) }
        #expect((try? result.embeddingValues(dimension: 3)) == [1, 2, 3])
        result.embedding = RenderResult.bytes([1, .nan, 3])
        #expect(throws: RenderResultError.nonFinite(task: "x")) { try result.embeddingValues(dimension: 3) }
        result.embedding = nil
        #expect(throws: RenderResultError.missingEmbedding(task: "x")) { try result.embeddingValues(dimension: 3) }
    }
}

/// Rank 0 refuses a result that lacks what the dataset records, before writing anything of it.
@Suite struct DatasetRecordTests {
    let fixture = try! ManifestFixture()

    @Test func aResultWithoutItsEmbeddingOrVerdictWritesNoFile() throws {
        let job = try fixture.read("""
            model: MODEL
            prompts: [a cat]
            safety_checker: \(DatasetManifestTests.checker)
            dataset: {embeddings: \(DatasetManifestTests.embedder)}
            """)
        let out = fixture.folder.appendingPathComponent("out").path
        let output = try JobOutput(job: job, folder: out, owner: OutputOwner(job: job.name, manifest: "job.yaml"), modelHash: "m",
                                   datasetModels: DatasetModels(embedder: ("e", 4), checker: "c"), force: false)
        let task = try #require(job.tasks().first { _ in true })
        let verdict = SafetyVerdict(nsfw: false, score: -0.25)
        let cases: [(RenderResult, OutputError)] = [
            (RenderResult(taskID: task.id, png: Data([1]), seconds: 1, rank: 2, host: "h", safety: verdict),
             .result(.missingEmbedding(task: task.id))),
            (RenderResult(taskID: task.id, png: Data([1]), seconds: 1, rank: 2, host: "h", embedding: [1, 2, 3], safety: verdict),
             .result(.embeddingSize(task: task.id, bytes: 12, expected: 4))),
            (RenderResult(taskID: task.id, png: Data([1]), seconds: 1, rank: 2, host: "h", embedding: [1, 2, 3, 4]),
             .result(.missingSafety(task: task.id))),
        ]
        for (result, expected) in cases {
            #expect(throws: expected) { try output.record(result, of: task) }
        }
        #expect(!FileManager.default.fileExists(atPath: out + "/" + output.imagePath(of: task)))
        #expect(Journal(path: out + "/journal").entries().isEmpty && output.pendingCount == 1)
        // The whole result is recorded, with its verdict and time.
        output.now = { Date(timeIntervalSince1970: 1_700_000_000) }
        try output.record(RenderResult(taskID: task.id, png: Data([1]), seconds: 1, rank: 2, host: "h", embedding: [1, 2, 3, 4], safety: verdict),
                          of: task)
        let entry = try #require(Journal(path: out + "/journal").entries()[task.id])
        #expect(entry.safety == verdict && entry.checker == "c" && entry.timestamp == "2023-11-14T22:13:20Z")
        #expect(output.imagePath(of: task) == "images/00000/\(task.id).png")
    }
}
