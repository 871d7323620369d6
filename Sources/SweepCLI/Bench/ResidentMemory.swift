import Foundation

/// This process's resident memory, as the kernel counts it.
enum ResidentMemory {
    /// The peak resident set size so far.
    static var peakBytes: Int {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return usage.ru_maxrss * 1024  // kilobytes on Linux
    }

    /// The resident set size now (second field of /proc/self/statm, in pages); 0 where unreadable.
    static var currentBytes: Int {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
        let fields = text.split(separator: " ")
        guard fields.count > 1, let pages = Int(fields[1]) else { return 0 }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }

    /// Resident memory now and at its peak so far, for a line of progress.
    static var summary: String { "resident \(gib(currentBytes)), peak so far \(gib(peakBytes))" }

    static func gib(_ bytes: Int) -> String { String(format: "%.2f GiB", Double(bytes) / Double(1 << 30)) }
}
