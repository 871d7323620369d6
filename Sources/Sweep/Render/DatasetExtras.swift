import Foundation
import StableDiffusion

/// A rank's sentence embedder and safety checker, loaded once when the job names them. Each
/// distinct prompt is embedded once: tasks come grouped by prompt, so remembering the last few
/// catches the repeats while a million-prompt job keeps a handful.
struct DatasetExtras {
    private let embedder: SentenceEmbedder?
    private let checker: SafetyChecker?
    private var recent: [String: [Float]] = [:]
    private static let recentLimit = 64

    init(job: Job) throws(RenderError) {
        do {
            embedder = try job.dataset?.embeddings.map { try SentenceEmbedder(directory: $0) }
            checker = try job.safetyChecker.map { try SafetyChecker(directory: $0) }
        } catch { throw .extras(String(describing: error)) }
    }

    mutating func embedding(of prompt: String, task: String) throws(RenderError) -> [Float]? {
        guard let embedder else { return nil }
        if let known = recent[prompt] { return known }
        let values = embedder.embed(prompt)
        guard values.allSatisfy(\.isFinite) else { throw .extras("task \(task): the prompt embedding holds NaN or infinity") }
        if recent.count >= Self.recentLimit { recent.removeAll(keepingCapacity: true) }
        recent[prompt] = values
        return values
    }

    func safety(of image: RGBImage, task: String) throws(RenderError) -> SafetyVerdict? {
        guard let checker else { return nil }
        let verdict: (nsfw: Bool, score: Float)
        do { verdict = try checker.check(image) } catch { throw .extras("task \(task): safety checker: \(error)") }
        guard verdict.score.isFinite else {
            throw .extras("task \(task): safety checker: the score is \(verdict.score) (a checker without concepts?)")
        }
        return SafetyVerdict(nsfw: verdict.nsfw, score: verdict.score)
    }
}

/// One image as a rank renders it, before it is labeled with the rank and host.
public struct RenderedImage: Sendable {
    public var png: Data
    public var seconds: Double
    public var embedding: [Float]?
    public var safety: SafetyVerdict?
}

extension RGBImage {
    /// What diffusers returns for a flagged image: every pixel black, the same size.
    var blackened: RGBImage { RGBImage(width: width, height: height, pixels: [UInt8](repeating: 0, count: pixels.count)) }
}
