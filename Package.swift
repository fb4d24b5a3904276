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
        // MD5 and SHA-256 for SIP digest authentication (RFC 7616).
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        // `swift package generate-documentation --target Legato`.
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0"),
    ],
    targets: [
        // C libraries, one system-library target each (pkg-config names as on Debian).
        .systemLibrary(name: "CSofiaSIP", pkgConfig: "sofia-sip-ua", providers: [.apt(["libsofia-sip-ua-dev"])]),
        .systemLibrary(name: "CLibevent", pkgConfig: "libevent", providers: [.apt(["libevent-dev"])]),
        .systemLibrary(name: "CSRTP", pkgConfig: "libsrtp2", providers: [.apt(["libsrtp2-dev"])]),
        // The sofia shim: its variadic tag-list calls and macros, and event flattening.
        .target(name: "CSofiaShim", dependencies: ["CSofiaSIP"]),
        // Media workers' shim: eventfd and recvmmsg/sendmmsg (not exported by Swift's Glibc module).
        .target(name: "CMediaShim"),

        // SDP model, parser, writer and relay rewriting (pure Swift).
        .target(name: "LegatoSDP"),
        // Media relay: port allocation now; workers, relay sessions and SRTP with the media-engine issue.
        .target(name: "LegatoMedia", dependencies: ["LegatoSDP", "CSRTP", "CLibevent", "CMediaShim"]),
        // Admission checks as values: CIDRs, the ACL → scanner → rate-limit chain, refusal reasons (pure Swift).
        .target(name: "LegatoSecurity", dependencies: [.product(name: "Crypto", package: "swift-crypto")]),
        .target(name: "LegatoConfig", dependencies: [
            "LegatoSecurity",
            .product(name: "Yams", package: "Yams"),
        ]),
        .target(name: "LegatoSIP", dependencies: [
            "CSofiaShim",
            .product(name: "Logging", package: "swift-log"),
        ]),
        .target(name: "LegatoCall", dependencies: [
            "LegatoSIP", "LegatoConfig", "LegatoSDP", "LegatoMedia", "LegatoSecurity",
            .product(name: "Logging", package: "swift-log"),
        ]),
        // The library a scenario package depends on: re-exports the call API and
        // runs the daemon (`LegatoServer`) for a given scenario.
        .target(name: "Legato", dependencies: [
            "LegatoCall", "LegatoSIP", "LegatoConfig", "LegatoMedia", "LegatoSecurity",
            .product(name: "Logging", package: "swift-log"),
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
        .testTarget(name: "LegatoMediaTests", dependencies: ["LegatoMedia"]),
        .testTarget(name: "LegatoSIPTests", dependencies: ["LegatoSIP", .product(name: "Logging", package: "swift-log")]),
        .testTarget(name: "LegatoCallTests", dependencies: ["LegatoCall"]),
        .testTarget(name: "IntegrationTests", dependencies: ["LegatoMedia"], resources: [.copy("Scenarios")]),
    ],
    swiftLanguageModes: [.v6]
)
