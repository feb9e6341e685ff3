// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "Letopis",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "letopis", targets: ["letopis"]),
        .library(name: "EventLog", targets: ["EventLog"]),
        .library(name: "Catalog", targets: ["Catalog"]),
        // For tools/bench's audit stage.
        .library(name: "Audit", targets: ["Audit"]),
        // For tools/fuzz: the register reader and the bundle reader.
        .library(name: "Records", targets: ["Records"]),
        .library(name: "District", targets: ["District"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-protobuf", from: "1.39.0"),
        .package(url: "https://github.com/yaslab/CSV.swift", from: "2.5.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth", from: "2.5.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        .package(url: "https://github.com/vapor/multipart-kit", from: "4.7.1"),
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
        .target(
            name: "Records",
            dependencies: [
                "Catalog",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                // Reads the registers schools export from Excel (register import).
                .product(name: "CSV", package: "CSV.swift"),
            ]
        ),
        .target(
            name: "Projections",
            dependencies: [
                "Catalog",
                "LMDB",
                // SHA-256 for the digest of a projection's state.
                .product(name: "Crypto", package: "swift-crypto"),
                // Writes the views' CSV (`;`, CRLF, quoting) for Excel.
                .product(name: "CSV", package: "CSV.swift"),
            ]
        ),
        // Verify, proofs, signed checkpoints, as-of replay, history, diff, anomalies: reads only the log.
        .target(
            name: "Audit",
            dependencies: [
                "EventLog",
                "Catalog",
                "Projections",
                "LMDB",
                // Ed25519 (Curve25519.Signing) for the schools' checkpoint keys; SHA-256.
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        // The deterministic generator of a demo school year, through Records' commands only.
        .target(name: "SchoolYear", dependencies: ["Records"]),
        // School bundles for the district; the district's store, import checks, views and reconciliation.
        .target(
            name: "District",
            dependencies: [
                "EventLog",
                "Catalog",
                "Projections",
                "Audit",
                "LMDB",
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        // Debian's Cairo and Pango (PDF, text layout), seen through a module map.
        .systemLibrary(
            name: "CCairo",
            pkgConfig: "pangocairo",
            providers: [.apt(["libcairo2-dev", "libpango1.0-dev"])]
        ),
        // Year-end journal books: the book model with page digests, pagination, the PDF renderer.
        .target(
            name: "Printing",
            dependencies: [
                "EventLog",
                "Projections",
                "Audit",
                "CCairo",
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        // What both doors (the command line and the server) need: a school opened to
        // record as a person, its views caught up, its credentials, exports.
        .target(
            name: "SchoolService",
            // Printing: the login slips' sheet, issued through either door.
            dependencies: ["EventLog", "Catalog", "Records", "Projections", "Audit", "Printing"]
        ),
        // The HTTP door: sign-in with the issued logins, sessions, roles, the JSON API and the web pages.
        // Holds no rule of its own: it calls Records' commands and authorization.
        .target(
            name: "Server",
            dependencies: [
                "SchoolService",
                "EventLog",
                "Catalog",
                "Records",
                "Projections",
                "Audit",
                // The class teacher's sheet of login slips, as a PDF download.
                "Printing",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdAuth", package: "hummingbird-auth"),
                .product(name: "HummingbirdOTP", package: "hummingbird-auth"),
                // HTTPS served by the server itself (--tls-certificate, --tls-key).
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Crypto", package: "swift-crypto"),
                // A thread pool of its own for password hashing, apart from the request threads.
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                // The web pages: templates with escaping on, read from the target's resources.
                .product(name: "Mustache", package: "swift-mustache"),
                // The register upload's multipart/form-data body.
                .product(name: "MultipartKit", package: "multipart-kit"),
            ],
            resources: [.copy("Pages/Templates"), .copy("Pages/Static")]
        ),
        .executableTarget(
            name: "letopis",
            dependencies: [
                "SchoolService",
                "Server",
                // LMDB's errors, for a store read as it stands (views never built).
                "LMDB",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Metrics", package: "swift-metrics"),
                "EventLog",
                "Catalog",
                "Records",
                "Projections",
                "SchoolYear",
                "Audit",
                "Printing",
                "District",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(name: "LMDBTests", dependencies: ["LMDB"]),
        .testTarget(name: "EventLogTests", dependencies: ["EventLog", "LMDB", "LogCrashWriter", "ProgramRunner"]),
        // A child process for the crash test: appends until it is killed.
        .executableTarget(name: "LogCrashWriter", dependencies: ["EventLog"], path: "Tests/LogCrashWriter"),
        .testTarget(name: "CatalogTests", dependencies: ["Catalog"]),
        .testTarget(name: "RecordsTests", dependencies: ["Records"]),
        .testTarget(name: "ProjectionsTests", dependencies: ["Projections"]),
        .testTarget(name: "SchoolYearTests", dependencies: ["SchoolYear", "Projections"]),
        // Also runs tools/verify-export.py on exports made by the built letopis program.
        .testTarget(name: "AuditTests", dependencies: ["Audit", "Records", "SchoolYear", "letopis", "ProgramRunner"]),
        // Runs the built letopis program as a subprocess (found next to the tests).
        // Also reads a demo store's credentials table, to look for them in its export and bundle.
        .testTarget(name: "letopisTests", dependencies: ["letopis", "ProgramRunner", "Records", "EventLog"]),
        // How the tests find and run programs: the built letopis and LogCrashWriter, python3, poppler-utils.
        .target(name: "ProgramRunner", path: "Tests/ProgramRunner"),
        // Three generated schools of one district: bundles, refused imports, reconciliation.
        .testTarget(name: "DistrictTests", dependencies: ["District", "SchoolYear", "Records", "Audit", "Projections"]),
        // Prints books from a demo store made by the built letopis program; reads them back with poppler-utils.
        // The server through HummingbirdTesting (the role × route matrix, sign-in, sessions, CSRF,
        // throttling), and the built letopis serving over real HTTP (a scripted day, a crash).
        .testTarget(
            name: "ServerTests",
            dependencies: [
                "Server", "SchoolService", "Records", "SchoolYear", "EventLog", "Catalog", "letopis", "ProgramRunner",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HummingbirdOTP", package: "hummingbird-auth"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]
        ),
        .testTarget(name: "PrintingTests", dependencies: ["Printing", "Projections", "Audit", "EventLog", "letopis", "ProgramRunner"]),
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
