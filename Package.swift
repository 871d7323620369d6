// swift-tools-version:6.0
import PackageDescription

/// Numeric code is compiled with optimisation even in debug builds so the test suite stays fast.
/// On x86-64 it targets Haswell-class CPUs (AVX2, FMA, F16C), which every cluster node of the
/// last decade has; without it Swift's SIMD types fall back to SSE2, lane by lane.
#if arch(x86_64)
let optimized: [SwiftSetting] = [.unsafeFlags(["-O", "-target-cpu", "haswell"])]
#else
let optimized: [SwiftSetting] = [.unsafeFlags(["-O"])]
#endif

let package = Package(
    name: "DiffusionSweep",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "sweep", targets: ["SweepCLI"]),
        .library(name: "Tensors", targets: ["Tensors"]),
        .library(name: "StableDiffusion", targets: ["StableDiffusion"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "5.0.1"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
    ],
    targets: [
        .systemLibrary(name: "CMPI", path: "Sources/CMPI", pkgConfig: "ompi",
                       providers: [.apt(["libopenmpi-dev", "openmpi-bin"])]),
        .systemLibrary(name: "COpenBLAS", path: "Sources/COpenBLAS", pkgConfig: "openblas",
                       providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CPNG", path: "Sources/CPNG", pkgConfig: "libpng",
                       providers: [.apt(["libpng-dev"])]),
        .systemLibrary(name: "CZlib", path: "Sources/CZlib", pkgConfig: "zlib",
                       providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CFreeType", path: "Sources/CFreeType", pkgConfig: "freetype2",
                       providers: [.apt(["libfreetype-dev"])]),
        // Compiled for the baseline CPU; the AVX-512 kernel opts in per function and is only
        // called where the CPU reports AVX-512F. -O3 holds in debug builds too (the test suite).
        .target(name: "CKernels", cSettings: [.unsafeFlags(["-O3"])]),
        .target(name: "Tensors", dependencies: ["COpenBLAS", "CKernels"], swiftSettings: optimized),
        // CLIP's BPE merges (open_clip's bpe_simple_vocab_16e6.txt.gz) tokenize a lone checkpoint file.
        .target(name: "StableDiffusion", dependencies: ["Tensors", "CZlib"],
                resources: [.copy("Resources/bpe_simple_vocab_16e6.txt.gz")], swiftSettings: optimized),
        .target(name: "Sweep", dependencies: ["StableDiffusion", "Tensors", "CPNG", "CFreeType",
                                             .product(name: "Yams", package: "Yams"),
                                             .product(name: "Crypto", package: "swift-crypto")]),
        .target(name: "Cluster", dependencies: ["CMPI", "Sweep"]),
        .executableTarget(name: "SweepCLI", dependencies: [
            "Tensors", "StableDiffusion", "Sweep", "Cluster", "COpenBLAS", "CKernels",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ], swiftSettings: optimized),
        .testTarget(name: "TensorsTests", dependencies: ["Tensors", "StableDiffusion", "CKernels"],
                    swiftSettings: optimized),
        .testTarget(name: "StableDiffusionTests", dependencies: ["StableDiffusion", "Tensors"]),
        .testTarget(name: "SweepTests", dependencies: ["Sweep", "StableDiffusion"]),
        .testTarget(name: "SystemLibraryTests", dependencies: ["COpenBLAS", "Sweep", "Cluster", "SweepCLI"]),
    ]
)
