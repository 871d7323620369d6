import Dispatch
import Foundation

/// Ctrl-C (SIGINT) and SIGTERM, noticed rather than obeyed at once: a command checks
/// `isRequested` between steps and images, so what it has written stays whole and consistent,
/// then says what is done and exits with `exitCode`, as a shell expects after Ctrl-C.
final class Interruption: @unchecked Sendable {
    static let exitCode: Int32 = 130
    private let lock = NSLock()
    private var received = false
    private var sources: [DispatchSourceSignal] = []

    init() {
        for number in [SIGINT, SIGTERM] {
            // The default action would end the process at once; the source hears it instead.
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { [self] in lock.withLock { received = true } }
            source.resume()
            sources.append(source)
        }
    }

    var isRequested: Bool { lock.withLock { received } }

    /// Ends the process as an interrupted command does.
    static func exit() -> Never { Foundation.exit(exitCode) }
}
