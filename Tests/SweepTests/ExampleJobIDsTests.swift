import Foundation
@testable import Sweep
import Testing

/// The ids of the example jobs, computed before task ids and provenance were reworked: a change
/// here would make every existing output folder render again under new names.
@Suite struct ExampleJobIDsTests {
    static let expected: [String: [String]] = [
        "dataset.yaml": ["lighthouse-1", "lighthouse-2", "ramen", "fuji-1", "fuji-2", "quote-1", "quote-2", "city-1", "city-2"],
        "demo.yaml": ["845caa93a4687198", "e8fda44225dd528b", "81dea02579ed85a3", "18e76e475a36daf7", "70da3c4872f25639", "3e5d3307fdcaae93", "02c1aba4d3e1da57", "e59fbd0f315960ec", "67b52256eaf7b563", "5b5dda17543b86dc", "bc55e176bae1ac95", "3f9b5b8da9c9c869"],
        // few-step.yaml came with the decoder axis: its ids are the SHA-256 of fewstep's identity text (computed in Python).
        "few-step.yaml": ["90726a86176734d7", "82fad550013042f8", "ce96c935be10f862", "031b467fd30a5b1c", "c1bf9c84762c800d", "efc050176b72af1d", "f104277459561bfa", "39bed31e0c3225f0", "a626c307b60a4da4", "1d4d7f133c586d86", "b9b88d6fe25b61dc", "9578ac7aed487d48"],
        // img2img.yaml came with the init_image and strength axes: its ids are the SHA-256 of the identity text
        // with `init_image=<the PNG's SHA-256>` and `strength=<value>` after the frozen fields (computed in Python).
        "img2img.yaml": ["f663efde717a7f4b", "d61572513ae4ebb8", "0cbc7575e9db3286", "6b79d51ab5092fe6", "0b726adbdae95f55", "750f233254c4efb2"],
        // prompt-morph.yaml came with the interpolate and clip_skip axes: ids computed in Python from the identity text.
        "prompt-morph.yaml": ["5e27abeaa940c9b5", "c46a65cc22a5a04d", "fab168d75e5e10eb", "697af83a3c0ac893", "3c00c120fd837fc7",
                              "aaeb877d08630f8d", "2cca487a21701242", "246c0e5ca312d1f1", "c19b955751a66c70", "6aec3132e7346607"],
        // kaggle-i2p.yaml came with dataset jobs (issue 19).
        "kaggle-i2p.yaml": ["92b3e91dec38830f", "a0835e013ab2e6ed", "5abdd216fbc3a5d0", "eb11678cc7a89a16", "5cfda577fba8ff2b", "f005769807aa3bd7", "146d319c1d577c56", "fb14f858e63c736e"],
        "prompt-sweep.yaml": ["361172e7881578cc", "921452dd3bb36b8b", "109265921e4735be", "80b3ce4a91f57efa", "31d4fd8466159a04", "20c45b187e772a89", "e8c606e44ebbd9db", "bbdcb27ace078959", "887380abcc910f4d", "1f7aff7c5a250569", "8f282beb528a95e7", "50964e2b22023a8f", "1a4149352bbf6e7b", "0e52568850f0df17", "95ddb69a14577481", "3c4966092f71f678", "ec82d07eefc9539b", "afa19ae69e27592f", "780b40b50da7f0c1", "87e5b7a32d2cd939", "bd206fe81d9b2347", "4c10b33221e57df9", "5409d2038283e04d", "577114f0adad4308", "fac04fe4e5121862", "a6577d69bee7aba2", "f90bc2d0108d3e66", "9be14c0e35929b4a", "7104ff1947305e19", "97e1d56b53daa5ba", "ce3b6c2f80f35cbc", "1aa98e3bdfc3b5a0"],
        "seed-guidance.yaml": ["4c791b4da281e839", "82126c8c5f1016c2", "eff3fb521ea2c51a", "1d8b2659ed486eec", "d2bb8a402c5c35dd", "669ce99f58766171", "1a9605daebe4b0c2", "878ea3d12e9c6e7b", "ca9e52cfed87d1e3", "013bb0cfdcaf9fa4", "84857380362f5d55", "77d1163a7908eebc", "c2df4c238639dae1", "4bebee5bdc93bac2", "bd03604ec814675c", "9c7777f1983e1c00", "dca0deb054d098b3", "a1bb49b01b10a630", "f841fbfa99d61ee2", "8c88baf542a71cf8", "74e9d760a4f78634", "3aec70d91ff64f77", "b1a473ff0ca38afb", "42eb56c7ad7b97e2", "cdfb554a3a15fb8f", "b5782fa66777add5", "f3603e21f0610e31", "ebde414c68415ca6", "ab2680a977495dda", "f6a8167fd1e97bba", "902d58459084e933", "07a5537bff23fa01"],
        // xyz-plot.yaml came with declared axes (issue 16); its negative_prompt list is the newer axis.
        "xyz-plot.yaml": ["6ecef159249bc27f", "6279732aa5eb8efe", "5f10a8fd6db994e4", "8b99c39a4544fada", "a726cdc39a7b40c2", "c8a6c8343c6f90f8", "87c20f6ba4200ed4", "7baff7e7674a0499", "f2bbda4274b09f91", "4a91c00d1aaed57e", "1d3a807f69c1f5a0", "5af0e4362713501a", "7b0904db72a903fb", "5b9c299c6ddf18c3", "ce3c25c7e4c4c667", "54604b9c1e2d6472", "b55c86a2466fed1e", "b80ee1371bc91516"],
    ]

    @Test func exampleJobIDsNeverChange() throws {
        let jobs = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Jobs").standardized
        let files = try FileManager.default.contentsOfDirectory(atPath: jobs.path).filter { $0.hasSuffix(".yaml") }.sorted()
        #expect(files == Self.expected.keys.sorted())
        for file in files {
            let job = try ManifestReader.read(jobs.appendingPathComponent(file).path)
            #expect(job.tasks().map(\.id) == Self.expected[file], "\(file)")
        }
    }
}
