// swift-tools-version:6.0
import PackageDescription

// A Legato scenario package: asks callers for a PIN before putting them through.
let package = Package(
    name: "CallScreening",
    platforms: [.macOS(.v14)],
    dependencies: [
        // The Legato repository two folders up; outside it, use
        // .package(url: "<Legato's git URL>", from: "<version>").
        .package(name: "Legato", path: "../.."),
    ],
    targets: [
        .executableTarget(name: "CallScreening", dependencies: [
            .product(name: "Legato", package: "Legato"),
        ]),
    ],
    swiftLanguageModes: [.v6]
)
