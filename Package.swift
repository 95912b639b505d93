// swift-tools-version: 6.2
import PackageDescription

/// Settings every Swift target shares: Swift 6 with the upcoming rules that keep a public API
/// honest (as vapor/jwt-kit sets them).
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "Liveform",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "Liveform", targets: ["Liveform"]),
        .executable(name: "liveform", targets: ["liveform"]),
        .executable(name: "liveform-bench", targets: ["liveform-bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        // `swift package generate-documentation` (Tools/docs.sh); a plugin only, nothing links it.
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0"),
    ],
    targets: [
        // C is imported here and only here.
        .systemLibrary(
            name: "CLiveformOpenSSL",
            pkgConfig: "libcrypto",
            providers: [.apt(["libssl-dev"]), .brew(["openssl@3"])]
        ),
        .systemLibrary(
            name: "CLiveformGcrypt",
            pkgConfig: "libgcrypt",
            providers: [.apt(["libgcrypt20-dev"]), .brew(["libgcrypt"])]
        ),
        .target(
            name: "LiveformBackends",
            dependencies: ["CLiveformOpenSSL", "CLiveformGcrypt"],
            swiftSettings: swiftSettings
        ),
        // The AVX2 base64 decoding kernel, run after a CPU check (only the kernel is compiled
        // for AVX2); LiveformBytes is its only user.
        .target(name: "CLiveformSIMD"),
        // Byte-level codecs (base64, percent-encoding) behind a small `package` API; no
        // product of its own.
        .target(
            name: "LiveformBytes",
            dependencies: ["CLiveformSIMD"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Liveform",
            dependencies: ["LiveformBackends", "LiveformBytes"],
            swiftSettings: swiftSettings
        ),
        // Runs liveform-vectors/1 files; shared by the tests and `liveform vectors check`.
        .target(
            name: "LiveformConformance",
            dependencies: ["Liveform"],
            swiftSettings: swiftSettings
        ),
        // The commands of the `liveform` tool, in a library the tests can reach.
        .target(
            name: "LiveformCLI",
            dependencies: [
                "Liveform", "LiveformConformance",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "liveform",
            dependencies: ["LiveformCLI"],
            swiftSettings: swiftSettings
        ),
        // Benchmarks W1–W6 (run in release: swift run -c release liveform-bench).
        .executableTarget(
            name: "liveform-bench",
            dependencies: ["Liveform", "LiveformBackends"],
            swiftSettings: swiftSettings
        ),
        // libFuzzer targets (Tools/fuzz.sh builds them with -sanitize=fuzzer,address); a plain
        // build makes a tool that replays saved inputs.
        .executableTarget(
            name: "LiveformFuzz",
            dependencies: ["Liveform"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "LiveformTests",
            dependencies: ["Liveform", "LiveformBackends", "LiveformConformance", "LiveformCLI"],
            swiftSettings: swiftSettings
        ),
    ],
    swiftLanguageModes: [.v6]
)
