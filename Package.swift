// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "Legato",
    platforms: [.macOS(.v14)],
    products: [
        // The daemon: the conf-driven router (`ConfigRouter`) on the `Legato` library.
        .executable(name: "legato", targets: ["LegatoCLI"]),
        // For a package of one's own: `@main` + a `Scenario`, run by `LegatoServer`.
        .library(name: "Legato", targets: ["Legato"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        // Operations: metrics API (LegatoCall counts), the Prometheus exposition and its HTTP endpoint.
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        // `swift package generate-documentation --target Legato`.
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0"),
    ],
    targets: [
        // C libraries, one system-library target each (pkg-config names as on Debian).
        .systemLibrary(name: "CSofiaSIP", pkgConfig: "sofia-sip-ua", providers: [.apt(["libsofia-sip-ua-dev"])]),
        .systemLibrary(name: "CLibevent", pkgConfig: "libevent", providers: [.apt(["libevent-dev"])]),
        // libsrtp2: the reference the SRTP transforms are tested against (tests only).
        .systemLibrary(name: "CSRTP", pkgConfig: "libsrtp2", providers: [.apt(["libsrtp2-dev"])]),
        // OpenSSL's libcrypto: AES-CTR/GCM and SHA-1 under the SRTP transforms.
        .systemLibrary(name: "CLibcrypto", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),
        // Media applications: G.722 and in-band DTMF, sound files, TTS, resampling and VAD.
        .systemLibrary(name: "CSpanDSP", pkgConfig: "spandsp", providers: [.apt(["libspandsp-dev"])]),
        .systemLibrary(name: "CSndFile", pkgConfig: "sndfile", providers: [.apt(["libsndfile1-dev"])]),
        .systemLibrary(name: "CEspeakNG", pkgConfig: "espeak-ng", providers: [.apt(["libespeak-ng-dev"])]),
        .systemLibrary(name: "CSpeexDSP", pkgConfig: "speexdsp", providers: [.apt(["libspeexdsp-dev"])]),
        .systemLibrary(name: "CLibopus", pkgConfig: "opus", providers: [.apt(["libopus-dev"])]),
        // glibc's malloc.h: the heap figures of `legato ctl status` (Legato/HeapFigures.swift).
        .systemLibrary(name: "CMalloc"),
        // The sofia shim: its variadic tag-list calls and macros, and event flattening.
        .target(name: "CSofiaShim", dependencies: ["CSofiaSIP"]),
        // Media workers' shim: eventfd and recvmmsg/sendmmsg (not exported by Swift's Glibc module).
        .target(name: "CMediaShim"),

        // SDP model, parser, writer and relay rewriting (pure Swift).
        .target(name: "LegatoSDP"),
        // Audio for media applications: codecs, sound files and their cache, TTS, tone plans, sources (no sockets).
        .target(name: "LegatoAudio", dependencies: ["CSpanDSP", "CSndFile", "CEspeakNG", "CSpeexDSP", "CLibopus"]),
        // Media relay: port allocation now; workers, relay sessions and SRTP with the media-engine issue.
        .target(name: "LegatoMedia", dependencies: ["LegatoSDP", "LegatoAudio", "CLibcrypto", "CLibevent", "CMediaShim"]),
        // Admission checks as values: CIDRs, the ACL → scanner → rate-limit chain, digest auth
        // (MD5/SHA-256/HMAC from libcrypto), refusal reasons.
        .target(name: "LegatoSecurity", dependencies: ["CLibcrypto"]),
        .target(name: "LegatoConfig", dependencies: [
            "LegatoSecurity",
            .product(name: "Yams", package: "Yams"),
        ]),
        .target(name: "LegatoSIP", dependencies: [
            "CSofiaShim",
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Metrics", package: "swift-metrics"),
        ]),
        .target(name: "LegatoCall", dependencies: [
            "LegatoSIP", "LegatoConfig", "LegatoSDP", "LegatoMedia", "LegatoAudio", "LegatoSecurity",
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Metrics", package: "swift-metrics"),
        ]),
        // The library a scenario package depends on: re-exports the call API and
        // runs the daemon (`LegatoServer`) for a given scenario.
        .target(name: "Legato", dependencies: [
            "LegatoCall", "LegatoSIP", "LegatoConfig", "LegatoMedia", "LegatoAudio", "LegatoSecurity", "CMalloc",
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Metrics", package: "swift-metrics"),
            .product(name: "Prometheus", package: "swift-prometheus"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
            .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
        ]),
        // The `legato` executable (its module is not named `legato`, which would
        // clash with `Legato` on a case-insensitive file system).
        .executableTarget(name: "LegatoCLI", dependencies: [
            "Legato",
            .product(name: "Logging", package: "swift-log"),
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        .testTarget(name: "LegatoConfigTests", dependencies: ["LegatoConfig"]),
        .testTarget(name: "LegatoSecurityTests", dependencies: ["LegatoSecurity"]),
        .testTarget(name: "LegatoSDPTests", dependencies: ["LegatoSDP"]),
        .testTarget(name: "LegatoMediaTests", dependencies: ["LegatoMedia", "LegatoAudio", "CSRTP"]),
        .testTarget(name: "LegatoAudioTests", dependencies: ["LegatoAudio"]),
        .testTarget(name: "LegatoSIPTests", dependencies: ["LegatoSIP", .product(name: "Logging", package: "swift-log")]),
        .testTarget(name: "LegatoCallTests", dependencies: ["LegatoCall"]),
        .testTarget(name: "LegatoTests", dependencies: ["Legato"]),
        // "Legato": the library tests run call logic in the test process (LibraryMediaAppsTests);
        // "CSndFile": recordings in FLAC and MP3 are decoded with libsndfile (Harness/SoundFileAudio.swift).
        .testTarget(name: "IntegrationTests", dependencies: ["LegatoMedia", "LegatoSecurity", "LegatoSIP", "Legato", "CSndFile"],
                    resources: [.copy("Scenarios")]),
    ],
    swiftLanguageModes: [.v6]
)
