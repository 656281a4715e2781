import AsyncHTTPClient
import Foundation
import Histogram
import NIOCore
import NIOSSL
import Synchronization

/// Open-loop load for `POST /authorize`: request i is due at start + i/rate whatever happened
/// to the ones before, and its latency is measured from when it was due, not from when it was
/// sent — so a server that falls behind shows it in the percentiles (no coordinated omission).
/// Keep-alive connections, TLS with a client certificate as the API server presents it.
@main
struct ServeLoad {
    struct Options {
        var url = "https://127.0.0.1:8443/authorize"
        var rate = 1000
        var seconds = 10
        var connections = 32
        var ca: String?, cert: String?, key: String?
        var body: String?
    }

    static func parse() -> Options {
        var o = Options()
        var args = CommandLine.arguments.dropFirst().makeIterator()
        while let a = args.next() {
            let v = args.next() ?? ""
            switch a {
            case "--url": o.url = v
            case "--rate": o.rate = Int(v) ?? o.rate
            case "--seconds": o.seconds = Int(v) ?? o.seconds
            case "--connections": o.connections = Int(v) ?? o.connections
            case "--ca": o.ca = v
            case "--cert": o.cert = v
            case "--key": o.key = v
            case "--body": o.body = v
            default:
                FileHandle.standardError.write(Data("usage: ServeLoad --url URL --rate N --seconds N --connections N --ca F --cert F --key F --body SAR.json\n".utf8))
                exit(2)
            }
        }
        return o
    }

    static func main() async throws { try await run(parse()) }

    /// Latencies in microseconds (up to 60 s) and failed requests, shared by the request tasks.
    final class Stats: Sendable {
        let histogram = Mutex(Histogram<UInt64>(highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: .three))
        let failures = Mutex(0)
    }

    nonisolated static func run(_ o: Options) async throws {
        guard let bodyPath = o.body, let body = FileManager.default.contents(atPath: bodyPath) else {
            FileHandle.standardError.write(Data("--body: a SubjectAccessReview JSON file is required\n".utf8))
            exit(2)
        }
        var tls = TLSConfiguration.makeClientConfiguration()
        if let ca = o.ca { tls.trustRoots = .file(ca) }
        if let cert = o.cert, let key = o.key {
            tls.certificateChain = try NIOSSLCertificate.fromPEMFile(cert).map { .certificate($0) }
            tls.privateKey = .privateKey(try NIOSSLPrivateKey(file: key, format: .pem))
        }
        var config = HTTPClient.Configuration(tlsConfiguration: tls)
        config.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: o.connections)
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: config)
        let buffer = ByteBuffer(bytes: body)

        let stats = Stats()
        let total = o.rate * o.seconds
        let clock = ContinuousClock()
        let start = clock.now + .milliseconds(200)
        let interval = Duration.nanoseconds(1_000_000_000 / Int64(o.rate))
        await withTaskGroup(of: Void.self) { group in
            for i in 0..<total {
                let due = start + interval * i
                try? await clock.sleep(until: due)
                group.addTask {
                    var request = HTTPClientRequest(url: o.url)
                    request.method = .POST
                    request.headers.add(name: "Content-Type", value: "application/json")
                    request.headers.add(name: "Accept", value: "application/json, */*")
                    request.body = .bytes(buffer)
                    do {
                        let response = try await client.execute(request, timeout: .seconds(30))
                        _ = try await response.body.collect(upTo: 1 << 20)
                        if response.status.code != 200 { stats.failures.withLock { $0 += 1 } }
                    } catch {
                        stats.failures.withLock { $0 += 1 }
                    }
                    let elapsed = clock.now - due
                    let micros = UInt64(max(0, elapsed.components.seconds * 1_000_000 + elapsed.components.attoseconds / 1_000_000_000_000))
                    stats.histogram.withLock { _ = $0.record(micros) }
                }
            }
        }
        let wall = clock.now - start
        let seconds = Double(wall.components.seconds) + Double(wall.components.attoseconds) / 1e18
        try await client.shutdown()
        let (count, p50, p90, p99, p999, maximum) = stats.histogram.withLock { h in
            (h.totalCount, h.valueAtPercentile(50), h.valueAtPercentile(90), h.valueAtPercentile(99), h.valueAtPercentile(99.9), h.max)
        }
        func ms(_ us: UInt64) -> String { String(format: "%.3f", Double(us) / 1000) }
        print("target_rate=\(o.rate)/s requests=\(count) failures=\(stats.failures.withLock { $0 }) achieved=\(String(format: "%.0f", Double(count) / seconds))/s "
              + "p50=\(ms(p50))ms p90=\(ms(p90))ms p99=\(ms(p99))ms p99.9=\(ms(p999))ms max=\(ms(maximum))ms connections=\(o.connections)")
    }
}
