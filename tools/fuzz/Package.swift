// swift-tools-version: 6.1
// Coverage-guided fuzzing (libFuzzer) of what Letopis reads from people and
// strangers: registers, district bundles, proofs and checkpoints, digests and
// keys, dates and moments. Its own package, so that the product is never built
// with the fuzzer's instrumentation. Run it with `tools/fuzz/run`.
import PackageDescription

let targets: [(name: String, products: [String])] = [
    ("FuzzRegister", ["Records"]),
    ("FuzzBundle", ["District", "EventLog"]),
    ("FuzzProof", ["Audit", "EventLog"]),
    ("FuzzDigest", ["Audit", "EventLog"]),
    ("FuzzValues", ["Records", "Audit", "EventLog"]),
]

let package = Package(
    name: "LetopisFuzz",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "Letopis", path: "../.."),
    ],
    targets: [
        // libFuzzer's driver, declared for Swift.
        .target(name: "FuzzDriver"),
        // What every target shares: starting the driver, reading its input, failing loudly.
        .target(name: "FuzzSupport", dependencies: ["FuzzDriver"]),
    ] + targets.map { target in
        // An executable whose `main` is libFuzzer's: built with -parse-as-library and
        // -sanitize=fuzzer by tools/fuzz/run; each exports LLVMFuzzerTestOneInput.
        .executableTarget(
            name: target.name,
            dependencies: ["FuzzSupport"] + target.products.map { .product(name: $0, package: "Letopis") }
        )
    }
)

for target in package.targets where target.name != "FuzzDriver" {
    target.swiftSettings = [.swiftLanguageMode(.v6)]
}
