import Foundation
@testable import Sweep
import Testing

/// What `index.html` embeds: the swept axes with their grid labels, every image with its
/// position and parameters, and nothing a prompt could use to end the data early.
@Suite struct BrowsePageDataTests {
    static let initImage = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../Fixtures/img2img/init-32.png").standardized.path

    @Test func pageEmbedsAxesImagesAndParameters() throws {
        let fixture = try ManifestFixture()
        let job = try fixture.read("""
            model: MODEL
            prompts: ["a </script><b>bold</b> fox"]
            seeds: [1, 2]
            init_image: \(Self.initImage)
            strength: [0.5, 1]
            grid: {rows: seeds, columns: strength}
            """)
        let tasks = Array(job.allTasks())
        let html = BrowsePage.html(job: job, tasks: tasks, finished: [tasks[0].id])
        let json = String(try #require(html.firstMatch(of: #/<script type="application\/json" id="data">(.*)<\/script>/#)?.output.1))
        #expect(!json.contains("</"), "a prompt must not close the data's script element")
        let data = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        let axes = try #require(data["axes"] as? [[String: Any]])
        #expect(axes.map { $0["key"] as? String } == ["seeds", "strength"])
        #expect(axes.last?["values"] as? [String] == ["Denoising: 0.5", "Denoising: 1.0"])
        #expect(data["rows"] as? String == "seeds" && data["columns"] as? String == "strength")
        let images = try #require(data["images"] as? [[String: Any]])
        #expect(images.count == 4)
        #expect(images.map { $0["done"] as? Bool } == [true, false, false, false])
        #expect(images[1]["at"] as? [String: Int] == ["seeds": 0, "strength": 1])
        let parameters = try #require(images[1]["parameters"] as? [String])
        #expect(parameters.contains("Prompt: a </script><b>bold</b> fox") && parameters.contains("Init image: init-32.png")
                && parameters.contains("Denoising: 1.0") && parameters.contains("ID: \(tasks[1].id)"), "\(parameters)")
        #expect(!parameters.contains { $0.hasPrefix("Decoder") }, "settings at their default are left out: \(parameters)")
    }
}
