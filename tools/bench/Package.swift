// swift-tools-version: 6.1
// The EventLog benchmark: Letopis against its peers (SQLite through GRDB, raw
// LMDB from C) in one run. Its own package, so that the product never depends
// on the peers. Run it with `tools/bench/run`.
import PackageDescription

let package = Package(
    name: "LetopisBench",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "Letopis", path: "../.."),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
    ],
    targets: [
        // Peer B: LMDB straight from C, the ceiling on this machine.
        .target(
            name: "CRawLMDB",
            linkerSettings: [.linkedLibrary("lmdb")]
        ),
        .executableTarget(
            name: "letopis-bench",
            dependencies: [
                "CRawLMDB",
                .product(name: "EventLog", package: "Letopis"),
                // The audit stage (--only audit): verification, proofs, as-of replay.
                .product(name: "Audit", package: "Letopis"),
                .product(name: "Catalog", package: "Letopis"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: [.swiftLanguageMode(.v6)]
        ),
    ]
)
