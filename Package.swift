// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "Letopis",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "letopis", targets: ["letopis"]),
        .library(name: "EventLog", targets: ["EventLog"]),
        .library(name: "Catalog", targets: ["Catalog"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-protobuf", from: "1.39.0"),
    ],
    targets: [
        // Debian's liblmdb-dev, seen through a module map; nothing vendored.
        .systemLibrary(
            name: "CLMDB",
            pkgConfig: "lmdb",
            providers: [.apt(["liblmdb-dev"])]
        ),
        // The only target that imports CLMDB.
        .target(name: "LMDB", dependencies: ["CLMDB"]),
        .target(
            name: "EventLog",
            dependencies: [
                "LMDB",
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .target(
            name: "Catalog",
            dependencies: [
                "EventLog",
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ]
        ),
        .executableTarget(
            name: "letopis",
            dependencies: [
                "EventLog",
                "Catalog",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(name: "LMDBTests", dependencies: ["LMDB"]),
        .testTarget(name: "EventLogTests", dependencies: ["EventLog", "LMDB", "LogCrashWriter"]),
        // A child process for the crash test: appends until it is killed.
        .executableTarget(name: "LogCrashWriter", dependencies: ["EventLog"], path: "Tests/LogCrashWriter"),
        .testTarget(name: "CatalogTests", dependencies: ["Catalog"]),
    ]
)

// The same language settings for every target, instead of repeating them.
for target in package.targets where target.type != .system {
    var settings = target.swiftSettings ?? []
    settings.append(contentsOf: [
        .swiftLanguageMode(.v6),
        .enableUpcomingFeature("ExistentialAny"),
    ])
    target.swiftSettings = settings
}
