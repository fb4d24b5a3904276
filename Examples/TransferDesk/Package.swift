// swift-tools-version:6.0
import PackageDescription

// A Legato scenario package: bridges calls and carries out allowed blind transfers.
let package = Package(
    name: "TransferDesk",
    platforms: [.macOS(.v14)],
    dependencies: [
        // The Legato repository two folders up; outside it, use
        // .package(url: "<Legato's git URL>", from: "<version>").
        .package(name: "Legato", path: "../.."),
    ],
    targets: [
        .executableTarget(name: "TransferDesk", dependencies: [
            .product(name: "Legato", package: "Legato"),
        ]),
    ],
    swiftLanguageModes: [.v6]
)
