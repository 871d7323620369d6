import Foundation
import Sweep
import Testing

/// One run per output folder: the second is refused with the holder's pid and host, and the
/// lock goes when its holder does.
@Suite struct OutputLockTests {
    @Test func aHeldFolderIsRefusedWithItsHolderUntilReleased() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("lock-\(UUID().uuidString)/out").path
        var first: OutputLock? = try OutputLock(folder: folder)
        let holder = "pid \(getpid()) on host \(ProcessInfo.processInfo.hostName)"
        #expect(throws: OutputLockError.inUse(folder: folder, holder: holder)) { try OutputLock(folder: folder) }
        #expect(OutputLockError.inUse(folder: folder, holder: holder).description.hasPrefix("\(folder) is in use by \(holder)"))
        withExtendedLifetime(first) {}
        first = nil
        _ = try OutputLock(folder: folder)
    }

    @Test func aFileWhereTheFolderShouldBeIsNamed() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("lock-\(UUID().uuidString)").path
        try Data("x".utf8).write(to: URL(fileURLWithPath: file))
        let error = try #require(throws: OutputLockError.self) { try OutputLock(folder: file) }
        #expect(error.description.hasPrefix("\(file): cannot use as the output folder: "), "\(error)")
    }
}
