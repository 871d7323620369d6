import Foundation

/// Progress on stderr as people expect it: on a terminal one status line redrawn in place
/// (carriage return, then clear to the end of the line); into a file or CI, plain lines only.
final class StatusLine {
    let isTerminal: Bool
    private let write: (String) -> Void
    /// A status line is on screen, to be cleared before a line that stays.
    private var showing = false

    init(isTerminal: Bool = isatty(STDERR_FILENO) != 0,
         write: @escaping (String) -> Void = { FileHandle.standardError.write(Data($0.utf8)) }) {
        self.isTerminal = isTerminal
        self.write = write
    }

    /// Replaces the status line; plain output has none, so there it prints nothing.
    func show(_ text: String) {
        guard isTerminal else { return }
        write("\r" + text + "\u{1B}[K")
        showing = true
    }

    /// A line that stays, in place of the status line on a terminal.
    func print(_ line: String) {
        write((showing ? "\r\u{1B}[K" : "") + line + "\n")
        showing = false
    }

    /// On a terminal, the status; into a file, a plain line only when `plain` is true.
    func report(_ text: String, plain: Bool) {
        if isTerminal { show(text) } else if plain { print(text) }
    }
}
