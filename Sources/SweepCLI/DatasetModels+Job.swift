import Foundation
import StableDiffusion
import Sweep

extension DatasetModels {
    /// The content hashes of the job's sentence embedder and safety checker (each folder's
    /// every file), and the embedder's width.
    init(job: Job, cache: FileHashCache, hashing: (String) -> Void) throws {
        self.init()
        if let folder = job.dataset?.embeddings {
            embedder = (try ModelIdentity(model: folder, cache: cache, hashing: hashing).sha256, try SentenceEmbedder(directory: folder).dimension)
        }
        if let folder = job.safetyChecker { checker = try ModelIdentity(model: folder, cache: cache, hashing: hashing).sha256 }
    }

    /// `SOURCE_DATE_EPOCH` (the reproducible-builds convention): when set, every image is
    /// recorded with this time, so two runs of a job give the same bytes.
    static func sourceDateEpoch() throws -> Date? {
        guard let text = ProcessInfo.processInfo.environment["SOURCE_DATE_EPOCH"] else { return nil }
        guard let seconds = Int64(text), seconds >= 0 else { throw DatasetTimeError.badEpoch(text) }
        return Date(timeIntervalSince1970: TimeInterval(seconds))
    }
}

/// A `SOURCE_DATE_EPOCH` that is not a count of seconds.
enum DatasetTimeError: Error, CustomStringConvertible {
    case badEpoch(String)

    var description: String { "SOURCE_DATE_EPOCH '\(badEpochText)': expected whole seconds since 1970-01-01 UTC" }

    private var badEpochText: String {
        switch self { case let .badEpoch(text): text }
    }
}
