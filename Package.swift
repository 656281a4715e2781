// swift-tools-version: 6.2
import PackageDescription

// Linux only: the C byte loops (CByteSearch) use glibc and x86-64 SIMD with a portable
// fallback, and nothing is built or tested on Apple platforms. Every dependency is pinned to
// an exact version; Package.resolved stays out of git because the package mirror's commit ids
// differ from upstream's.
let package = Package(
    name: "kubelet-authz",
    products: [
        .executable(name: "kubelet-authz", targets: ["kubelet-authz"]),
        .library(name: "KubeletModel", targets: ["KubeletModel"]),
        .library(name: "RBAC", targets: ["RBAC"]),
        .library(name: "Cluster", targets: ["Cluster"]),
        .library(name: "KubeletAccess", targets: ["KubeletAccess"]),
        .library(name: "Governance", targets: ["Governance"]),
        .library(name: "Collectors", targets: ["Collectors"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", exact: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", exact: "6.2.2"),
        .package(url: "https://github.com/vapor/sqlite-nio", exact: "1.13.2"),
        .package(url: "https://github.com/adam-fowler/compress-nio", exact: "1.5.0"),
        .package(url: "https://github.com/apple/swift-nio", exact: "2.101.3"),
        .package(url: "https://github.com/apple/swift-nio-ssl", exact: "2.37.6"),
        .package(url: "https://github.com/swift-server/async-http-client", exact: "1.37.0"),
        // The test PKI is minted in-process (both already come with swift-nio-ssl); Store hashes
        // saved scans with swift-crypto's SHA256.
        .package(url: "https://github.com/apple/swift-certificates", exact: "1.21.1"),
        .package(url: "https://github.com/apple/swift-crypto", exact: "4.5.2"),
        .package(url: "https://github.com/apple/swift-asn1", exact: "1.7.4"),
        .package(url: "https://github.com/vapor/postgres-nio", exact: "1.33.2"),
        // The server (`serve`): HTTP, lifecycle and metrics. Hummingbird's default traits pull
        // swift-configuration, which the server does not use.
        .package(url: "https://github.com/hummingbird-project/hummingbird", exact: "2.28.1", traits: []),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", exact: "2.13.0"),
        .package(url: "https://github.com/apple/swift-metrics", exact: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", exact: "2.4.1"),
        .package(url: "https://github.com/apple/swift-log", exact: "1.16.2"),
    ],
    targets: [
        // Pure core: values in, values out. No file or network I/O in this group.
        .target(name: "KubeJSON"),
        .target(name: "KubeletModel"),
        // The collector catalogue: data compiled into the binary (embedInCode), so an installed
        // binary needs no resource bundle beside it; the schema stays a file for the test.
        .target(name: "Collectors", dependencies: ["KubeJSON", "KubeletModel"],
                exclude: ["collectors.schema.json"], resources: [.embedInCode("collectors.json")]),
        .target(name: "RBAC", dependencies: ["KubeJSON"]),
        .target(name: "Cluster", dependencies: ["KubeJSON", "RBAC", "CByteSearch", .product(name: "Yams", package: "Yams")]),
        .target(name: "KubeletAccess", dependencies: ["KubeJSON", "KubeletModel", "RBAC", "Cluster"]),
        .target(name: "Governance", dependencies: ["KubeJSON", "KubeletModel", "RBAC", "Cluster", "Evidence", "Collectors", .product(name: "Yams", package: "Yams")]),
        // The evidence model (no C of its own): records, usage, blind spots, audit policy, the report, storage protocols.
        .target(name: "Evidence", dependencies: ["RBAC", "KubeletModel", .product(name: "Yams", package: "Yams")]),
        // Scan history: saved scans, their content by hash, findings' lifecycle, the history store protocol.
        .target(name: "History"),
        .target(name: "Reports", dependencies: ["KubeJSON", "KubeletAccess", "Governance", "Evidence", "Collectors", "History", .product(name: "Yams", package: "Yams")]),
        // Byte-level audit scanning: C loops and the field reader over bytes in memory; still no I/O.
        .target(name: "CByteSearch"),
        .target(name: "AuditScanning", dependencies: ["Evidence", "CByteSearch", "KubeJSON"]),
        // Edges: the network (KubeClient), audit files, gzip and stdin (AuditInput), the evidence
        // database (Store), stdin/stdout and the command line.
        .target(name: "KubeClient", dependencies: [
            "KubeJSON", "RBAC", "Cluster", .product(name: "Yams", package: "Yams"),
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
            .product(name: "NIOCore", package: "swift-nio"),
        ]),
        .target(name: "AuditInput", dependencies: [
            "Evidence", "AuditScanning", "CByteSearch",
            .product(name: "CompressNIO", package: "compress-nio"),
            .product(name: "NIOCore", package: "swift-nio"),
        ]),
        .target(name: "Store", dependencies: [
            // SQLiteNIO for the SQLite it bundles: the store uses its C target (VaporCSQLite) only.
            "Evidence", "AuditScanning", "History", .product(name: "SQLiteNIO", package: "sqlite-nio"),
            // swift-crypto's SHA256: the address of a saved scan's content (ContentHash+SHA256).
            .product(name: "Crypto", package: "swift-crypto"),
        ]),
        // The fleet's evidence database: the same schema ideas as Store, on a shared PostgreSQL.
        // Store for the content hash every store gives a saved scan (ContentHash.sha256, swift-crypto).
        .target(name: "PostgresStore", dependencies: [
            "Evidence", "History", "Store", .product(name: "PostgresNIO", package: "postgres-nio"),
            .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
        ]),
        // The application layer: loads clusters, chooses the release, answers reviews — what
        // the command line and the coming server share. No ArgumentParser below the CLI.
        .target(name: "KubeletAuthzApp", dependencies: [
            "KubeJSON", "KubeletModel", "RBAC", "Cluster", "KubeletAccess", "Governance", "Evidence", "AuditInput", "Store", "KubeClient", "History",
            "PostgresStore",
        ]),
        // Edge: the HTTP server (`serve`) — the authorization and audit webhooks, metrics, health.
        .target(name: "KubeletAuthzServer", dependencies: [
            "KubeJSON", "KubeletModel", "RBAC", "Cluster", "KubeletAccess", "Governance", "Evidence", "AuditScanning", "AuditInput", "Store",
            "KubeletAuthzApp", "KubeClient", "CByteSearch",
            .product(name: "Hummingbird", package: "hummingbird"), .product(name: "HummingbirdCore", package: "hummingbird"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Metrics", package: "swift-metrics"),
            .product(name: "Prometheus", package: "swift-prometheus"),
            .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
            .product(name: "X509", package: "swift-certificates"),
        ]),
        .target(
            name: "KubeletAuthzCLI",
            dependencies: [
                "KubeJSON", "KubeletModel", "RBAC", "Cluster", "KubeletAccess", "Governance", "Evidence", "AuditInput", "Store", "Reports", "KubeClient",
                "KubeletAuthzApp", "KubeletAuthzServer", "Collectors", "History", .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(name: "kubelet-authz", dependencies: ["KubeletAuthzCLI"]),
        .target(name: "TestSupport", dependencies: ["RBAC", "KubeJSON"], path: "Tests/TestSupport"),
        .target(name: "CLITestSupport", dependencies: ["KubeletAuthzCLI"], path: "Tests/CLITestSupport"),
        .target(name: "TestPKI", dependencies: [
            "TestSupport", .product(name: "X509", package: "swift-certificates"), .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "SwiftASN1", package: "swift-asn1"),
        ], path: "Tests/TestPKI"),
        .target(name: "EvidenceStoreConformance", dependencies: ["Evidence"], path: "Tests/EvidenceStoreConformance"),
        .target(name: "ScanHistoryConformance", dependencies: ["History"], path: "Tests/ScanHistoryConformance"),
        .testTarget(name: "HistoryTests", dependencies: ["History", "Store", "ScanHistoryConformance", "TestSupport"]),
        .target(name: "PostgresTestSupport", path: "Tests/PostgresTestSupport"),
        .testTarget(name: "FuzzTests", dependencies: ["Cluster", "Evidence", "AuditInput", "Governance", "KubeClient", "RBAC", "TestSupport"]),
        .testTarget(name: "KubeletAuthzAppTests", dependencies: ["KubeletAuthzApp", "KubeClient", "KubeJSON", "KubeletModel", "RBAC", "Cluster", "Governance", "TestSupport"]),
        .testTarget(name: "KubeJSONTests", dependencies: ["KubeJSON", "TestSupport"]),
        .testTarget(name: "CollectorsTests", dependencies: ["Collectors", "KubeJSON", "KubeletModel", "TestSupport"]),
        .testTarget(name: "KubeletModelTests", dependencies: ["KubeletModel", "TestSupport"]),
        .testTarget(name: "RBACTests", dependencies: ["RBAC", "KubeJSON", "TestSupport"]),
        .testTarget(name: "ClusterTests", dependencies: ["Cluster", "RBAC", "TestSupport", .product(name: "Yams", package: "Yams")]),
        .testTarget(name: "KubeletAccessTests", dependencies: ["KubeletAccess", "Cluster", "RBAC", "KubeletModel", "TestSupport"]),
        .testTarget(name: "GovernanceTests", dependencies: ["Governance", "Collectors", "Cluster", "RBAC", "KubeletModel", "KubeJSON", "TestSupport"]),
        .testTarget(name: "EvidenceTests", dependencies: [
            "Evidence", "AuditScanning", "CByteSearch", "AuditInput", "Store", "KubeletAuthzApp", "TestSupport", "EvidenceStoreConformance",
            .product(name: "CompressNIO", package: "compress-nio"),
            .product(name: "NIOCore", package: "swift-nio"),
        ]),
        .testTarget(name: "KubeClientTests", dependencies: [
            "KubeClient", "KubeletAuthzCLI", "Governance", "Cluster", "RBAC", "KubeletModel", "TestSupport", "CLITestSupport", "TestPKI",
            // The watch tests run `serve --kubeconfig` against the fake API server.
            "KubeletAuthzApp", "KubeletAuthzServer", "Evidence", .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"), .product(name: "NIOSSL", package: "swift-nio-ssl"),
            .product(name: "X509", package: "swift-certificates"), .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "SwiftASN1", package: "swift-asn1"),
        ]),
        .testTarget(name: "ServerTests", dependencies: [
            "KubeletAuthzServer", "KubeletAuthzApp", "KubeletAuthzCLI", "Governance", "Evidence", "Store", "RBAC", "KubeletModel", "KubeletAccess", "Cluster",
            "TestSupport", "TestPKI", "CLITestSupport", "PostgresStore", "PostgresTestSupport",
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOSSL", package: "swift-nio-ssl"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        ]),
        .testTarget(name: "PostgresStoreTests", dependencies: [
            "PostgresStore", "PostgresTestSupport", "EvidenceStoreConformance", "Evidence", "AuditInput", "Store", "KubeletAuthzApp", "TestSupport", "CLITestSupport",
            "History", "ScanHistoryConformance", .product(name: "NIOSSL", package: "swift-nio-ssl"),
        ]),
        .testTarget(name: "CLITests", dependencies: ["KubeletAuthzCLI", "KubeletAuthzApp", "KubeClient", "KubeJSON", "Reports", "Evidence", "Governance", "Cluster", "KubeletModel", "TestSupport", "CLITestSupport", "History", "Store", .product(name: "Yams", package: "Yams")]),
    ]
)
