// swift-tools-version:6.0
import PackageDescription

// A Legato scenario package: routes calls by their X-Tenant header.
let package = Package(
    name: "HeaderRouting",
    platforms: [.macOS(.v14)],
    dependencies: [
        // The Legato repository two folders up; outside it, use
        // .package(url: "<Legato's git URL>", from: "<version>").
        .package(name: "Legato", path: "../.."),
    ],
    targets: [
        .executableTarget(name: "HeaderRouting", dependencies: [
            .product(name: "Legato", package: "Legato"),
        ]),
    ],
    swiftLanguageModes: [.v6]
)
