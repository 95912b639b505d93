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
    // macOS 26: the core reads Strings' UTF-8 in place through `String.utf8.span` and
    // `UTF8Span` (Swift 6.2's standard library), which Apple ships from macOS 26 on.
    platforms: [.macOS(.v26)],
    products: [
        .library(name: "Liveform", targets: ["Liveform"]),
        .library(name: "LiveformAPI", targets: ["LiveformAPI"]),
        .library(name: "LiveformHummingbird", targets: ["LiveformHummingbird"]),
        .executable(name: "liveform", targets: ["liveform"]),
        .executable(name: "liveform-bench", targets: ["liveform-bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        // `swift package generate-documentation` (Tools/docs.sh); a plugin only, nothing links it.
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0"),
        // LiveformAPI, LiveformHummingbird and the CLI only: the Liveform product depends on none of these.
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.3"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.0.0"),
        // LiveformSandbox only: its state (submissions, tokens, deliveries) in SQLite.
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
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
            swiftSettings: swiftSettings + [.strictMemorySafety()]
        ),
        // The ARGOS REST API client (AsyncHTTPClient). Depends on Liveform, never the reverse.
        .target(
            name: "LiveformAPI",
            dependencies: [
                "Liveform",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // Runs liveform-vectors/1 files; shared by the tests and `liveform vectors check`.
        .target(
            name: "LiveformConformance",
            dependencies: ["Liveform"],
            swiftSettings: swiftSettings
        ),
        // Webhooks in a Hummingbird 2 server; NIO and Hummingbird stay out of `Liveform`.
        .target(
            name: "LiveformHummingbird",
            dependencies: [
                "Liveform",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // `liveform sandbox`: a local stand-in for ARGOS, built on the public API of `Liveform`.
        .target(
            name: "LiveformSandbox",
            dependencies: [
                "Liveform",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
                // pthread-based locks: ThreadSanitizer cannot see Synchronization.Mutex's
                // contended wait on Linux (see LiveformBackends.LockedValue).
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        // The commands of the `liveform` tool, in a library the tests can reach.
        .target(
            name: "LiveformCLI",
            dependencies: [
                "Liveform", "LiveformConformance", "LiveformAPI", "LiveformHummingbird", "LiveformSandbox",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "liveform",
            dependencies: ["LiveformCLI"],
            swiftSettings: swiftSettings
        ),
        // An example client backend (Examples/ClientBackend): signup redirect, Return URL page,
        // webhooks and the REST API in a Hummingbird 2 app, on the public API only.
        .executableTarget(
            name: "liveform-example-backend",
            dependencies: [
                "Liveform", "LiveformAPI", "LiveformHummingbird",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Examples/ClientBackend",
            exclude: ["README.md"],
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
        // Starts and awaits the tests' child processes (the binary, the Node and Python peers,
        // the fake vendor) the one way that cannot hang a suite; see ChildProcess.
        .target(
            name: "LiveformTestSupport",
            dependencies: ["LiveformBackends"],
            path: "Tests/LiveformTestSupport",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "LiveformTests",
            dependencies: [
                "Liveform", "LiveformBackends", "LiveformBytes", "LiveformConformance", "LiveformCLI", "LiveformTestSupport",
            ],
            swiftSettings: swiftSettings
        ),
        // LiveformAPI and `liveform api` over real HTTP against Tools/interop/fake_argos.py.
        .testTarget(
            name: "LiveformAPITests",
            dependencies: [
                "Liveform", "LiveformAPI", "LiveformCLI", "LiveformTestSupport",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // LiveformHummingbird and `liveform webhook listen`/`send`, in-process and over loopback.
        .testTarget(
            name: "LiveformHummingbirdTests",
            dependencies: [
                "Liveform", "LiveformHummingbird", "LiveformCLI", "LiveformTestSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        // `liveform sandbox` in-process on loopback, with real HTTP clients and webhook receivers.
        .testTarget(
            name: "LiveformSandboxTests",
            dependencies: [
                "Liveform", "LiveformSandbox", "LiveformCLI", "LiveformAPI", "LiveformTestSupport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
    ],
    swiftLanguageModes: [.v6]
)
