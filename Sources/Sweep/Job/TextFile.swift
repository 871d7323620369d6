import Foundation
import StableDiffusion

/// A manifest or prompts file read as UTF-8 text: only a regular file, and when a byte is not
/// UTF-8 the reason names its line, so a file saved in Latin-1 or UTF-16 is easy to find and fix.
enum TextFile {
    static func read(_ path: String, limit: Int) -> Result<String, RegularFileError> {
        RegularFile.read(path, limit: limit).flatMap { data in
            if let text = String(validating: data, as: UTF8.self) { return .success(text) }
            return .failure(RegularFileError(reason: "is not UTF-8 text (line \(firstLineNotUTF8(data))); save it as UTF-8"))
        }
    }

    private static func firstLineNotUTF8(_ data: Data) -> Int {
        let lines = data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        return (lines.firstIndex { String(validating: $0, as: UTF8.self) == nil } ?? 0) + 1
    }

    /// The lines of `text`, split at `\n`, `\r\n` or a lone `\r`, none of them kept.
    static func lines(_ text: String) -> [Substring] {
        // "\r\n" is one Character in Swift, so splitting on "\n" alone would keep Windows files whole.
        text.split(omittingEmptySubsequences: false) { $0 == "\n" || $0 == "\r\n" || $0 == "\r" }
    }
}
