// swift-tools-version: 6.1
import PackageDescription

// The open-loop load generator for `kubelet-authz serve` (Benchmarks/run-serve-benchmark.sh).
// A package of its own, so the main package's build and CI never compile it.
let package = Package(
    name: "serve-load",
    dependencies: [
        .package(url: "https://github.com/swift-server/async-http-client", exact: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio", exact: "2.101.3"),
        .package(url: "https://github.com/apple/swift-nio-ssl", exact: "2.37.6"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", exact: "0.2.0"),
    ],
    targets: [
        .executableTarget(name: "ServeLoad", dependencies: [
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOTLS", package: "swift-nio"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
            .product(name: "Histogram", package: "hdrhistogram-swift"),
        ]),
    ]
)
