import COpenBLAS
import Foundation

/// OpenBLAS 0.3.21 (Debian 12) takes AVX-512 AMD Zen 4 CPUs for Haswell and runs its AVX2 GEMM
/// kernels at about 60% of what its SkylakeX kernels reach on the same cores. The core is chosen
/// when the library loads, so the only fix is to restart the process with `OPENBLAS_CORETYPE`
/// set; we do that once, before any work, and only when the CPU really has AVX-512.
enum OpenBLASCoreSelection {
    static let variable = "OPENBLAS_CORETYPE"

    static func restartWithAVX512KernelsIfMisdetected() {
        guard ProcessInfo.processInfo.environment[variable] == nil,
              let name = openblas_get_corename().map({ String(cString: $0) }),
              ["haswell", "zen"].contains(name.lowercased()),
              cpuHasAVX512()
        else { return }
        setenv(variable, "SKYLAKEX", 1)
        let arguments = CommandLine.arguments
        var argv = arguments.map { strdup($0) } + [nil]
        execv("/proc/self/exe", &argv)
        // execv only returns on failure; carry on with the kernels we have.
        unsetenv(variable)
    }

    private static func cpuHasAVX512() -> Bool {
        guard let info = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
              let flags = info.split(separator: "\n").first(where: { $0.hasPrefix("flags") })
        else { return false }
        let set = Set(flags.split(separator: " "))
        return ["avx512f", "avx512bw", "avx512dq", "avx512vl"].allSatisfy { set.contains(Substring($0)) }
    }
}
