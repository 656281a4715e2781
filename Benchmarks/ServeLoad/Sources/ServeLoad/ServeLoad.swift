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
/// Reviews go through the lean client (`LeanReviewLoad`: SwiftNIO and NIOSSL, `--threads`
/// event loops, 1 by default) unless `--client ahc` asks for AsyncHTTPClient, kept for
/// comparison. With `--audit-events FILE` it sends `POST /audit` batches instead (see
/// `AuditBatches`), always with AsyncHTTPClient (10 batches/s need no lean client): the rate is
/// then in batches per second, and the acknowledged counts are summed from the answers.
@main
struct ServeLoad {
    struct Options {
        var url = "https://127.0.0.1:8443/authorize"
        var rate = 1000
        var seconds = 10
        var connections = 32
        var ca: String?, cert: String?, key: String?
        var body: String?
        var deadlineMilliseconds = 3000
        var auditEvents: String?
        var batchSize = 400
        var firstRound = 0
        var client = "lean"
        var threads = 1
        var slowTrace: String?
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
            case "--deadline-ms": o.deadlineMilliseconds = Int(v) ?? o.deadlineMilliseconds
            case "--audit-events": o.auditEvents = v
            case "--batch-size": o.batchSize = Int(v) ?? o.batchSize
            case "--first-round": o.firstRound = Int(v) ?? o.firstRound
            case "--client" where v == "lean" || v == "ahc": o.client = v
            case "--threads": o.threads = Int(v) ?? o.threads
            case "--slow-trace": o.slowTrace = v
            default:
                FileHandle.standardError.write(Data("usage: ServeLoad --url URL --rate N --seconds N --connections N --ca F --cert F --key F (--body SAR.json | --audit-events EVENTS.jsonl [--batch-size N] [--first-round N]) [--deadline-ms N] [--client lean|ahc] [--threads N] [--slow-trace FILE]\n".utf8))
                exit(2)
            }
        }
        return o
    }

    static func main() async throws { try await run(parse()) }

    /// Latencies in microseconds (up to 60 s) and failed requests by kind, shared by the workers.
    final class Stats: Sendable {
        let histogram = Mutex(Histogram<UInt64>(highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: .three))
        let failures = Mutex<[String: Int]>([:])
        let next = Atomic<Int>(0)
        /// Audit mode: what the server's 200 answers say it took (`events`, `kubeletReviews`, `nodeProxy`).
        let acknowledged = Mutex<(batches: Int, events: Int, kubeletReviews: Int, nodeProxy: Int)>((0, 0, 0, 0))

        func fail(_ kind: String) { failures.withLock { $0[kind, default: 0] += 1 } }

        func acknowledge(_ answer: ByteBuffer) {
            let object = (try? JSONSerialization.jsonObject(with: Data(answer.readableBytesView))) as? [String: Any] ?? [:]
            func n(_ key: String) -> Int { (object[key] as? NSNumber)?.intValue ?? 0 }
            acknowledged.withLock { a in
                a.batches += 1
                a.events += n("events")
                a.kubeletReviews += n("kubeletReviews")
                a.nodeProxy += n("nodeProxy")
            }
        }
    }

    /// The kind of a failed request, for the report: the status code, or what went wrong.
    static func kind(of error: any Error) -> String {
        if let e = error as? HTTPClientError {
            switch e {
            case .deadlineExceeded, .readTimeout, .writeTimeout: return "timeout"
            case .connectTimeout, .remoteConnectionClosed, .alreadyShutdown: return "connection"
            default: return "client:\(e)"
            }
        }
        if error is NIOSSLError { return "tls" }
        return "other:\(type(of: error))"
    }

    nonisolated static func run(_ o: Options) async throws {
        let batches: AuditBatches?
        let body: Data
        if let events = o.auditEvents {
            do { batches = try AuditBatches(path: events, size: o.batchSize, firstRound: o.firstRound) } catch {
                FileHandle.standardError.write(Data("--audit-events: \(error)\n".utf8))
                exit(2)
            }
            if let b = batches, !b.fits(batches: o.rate * o.seconds) {
                FileHandle.standardError.write(Data("--first-round \(o.firstRound): the last round's timestamps would pass the year 9999\n".utf8))
                exit(2)
            }
            body = Data()
        } else {
            batches = nil
            guard let bodyPath = o.body, let review = FileManager.default.contents(atPath: bodyPath) else {
                FileHandle.standardError.write(Data("--body: a SubjectAccessReview JSON file is required\n".utf8))
                exit(2)
            }
            body = review
        }
        var tls = TLSConfiguration.makeClientConfiguration()
        if let ca = o.ca { tls.trustRoots = .file(ca) }
        if let cert = o.cert, let key = o.key {
            tls.certificateChain = try NIOSSLCertificate.fromPEMFile(cert).map { .certificate($0) }
            tls.privateKey = .privateKey(try NIOSSLPrivateKey(file: key, format: .pem))
        }
        if batches == nil, o.client == "lean" {
            guard let url = URL(string: o.url), let host = url.host, url.scheme == "https" else {
                FileHandle.standardError.write(Data("--url: https://HOST:PORT/PATH expected, got \(o.url)\n".utf8))
                exit(2)
            }
            let target = LeanReviewLoad.Target(host: host, port: url.port ?? 443, path: url.path.isEmpty ? "/" : url.path)
            let (tally, seconds) = try await LeanReviewLoad.run(target: target, body: Array(body), tls: tls, rate: o.rate, seconds: o.seconds,
                                                                connections: o.connections, threads: o.threads,
                                                                deadlineMilliseconds: o.deadlineMilliseconds)
            report(o, histogram: tally.histogram, failures: tally.failures, seconds: seconds,
                   extra: " client=lean threads=\(max(1, min(o.threads, o.connections))) denied=\(tally.denied)")
            if let path = o.slowTrace {
                // When the tail happens: a burst every second, a stall, or spread evenly.
                let lines = tally.slow.sorted { $0.due < $1.due }.map { String(format: "%.3f %.3f", Double($0.due) / 1e6, Double($0.latency) / 1e6) }
                try ("# ms after the start the request was due, its latency in ms (answers over 1 ms)\n" + lines.joined(separator: "\n") + "\n")
                    .write(toFile: path, atomically: true, encoding: .utf8)
            }
            return
        }
        var config = HTTPClient.Configuration(tlsConfiguration: tls)
        config.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: o.connections)
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: config)
        let buffer = ByteBuffer(bytes: body)

        // One worker per connection takes the next request in the schedule, waits until it is
        // due, sends it and records its latency from when it was due. A request due while every
        // worker is busy waits, as it would in the client's pool, and its wait counts; a
        // request not sent within --deadline of being due is given up ("deadline"), as a
        // webhook caller with a timeout gives up, instead of piling up behind the others. No
        // task or timer per request: at 10,000/s those cost the generator a core.
        let stats = Stats()
        let total = o.rate * o.seconds
        let clock = ContinuousClock()
        let start = clock.now + .milliseconds(200)
        let interval = Duration.nanoseconds(1_000_000_000 / Int64(o.rate))
        let deadline = Duration.milliseconds(o.deadlineMilliseconds)
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<o.connections {
                group.addTask {
                    while true {
                        let i = stats.next.add(1, ordering: .relaxed).oldValue
                        guard i < total else { return }
                        let due = start + interval * i
                        if clock.now < due { try? await clock.sleep(until: due, tolerance: .microseconds(50)) }
                        if clock.now - due > deadline {
                            stats.fail("deadline")
                            stats.histogram.withLock { _ = $0.record(UInt64(o.deadlineMilliseconds) * 1000) }
                            continue
                        }
                        var request = HTTPClientRequest(url: o.url)
                        request.method = .POST
                        request.headers.add(name: "Content-Type", value: "application/json")
                        request.headers.add(name: "Accept", value: "application/json, */*")
                        request.body = .bytes(batches?.body(i) ?? buffer)
                        do {
                            let left = deadline - (clock.now - due)
                            let response = try await client.execute(request, deadline: .now() + .nanoseconds(left.components.seconds * 1_000_000_000 + left.components.attoseconds / 1_000_000_000))
                            let answer = try await response.body.collect(upTo: 1 << 20)
                            if response.status.code != 200 { stats.fail("status:\(response.status.code)") }
                            else if batches != nil { stats.acknowledge(answer) }
                        } catch {
                            stats.fail(kind(of: error))
                        }
                        let elapsed = clock.now - due
                        let micros = UInt64(max(0, elapsed.components.seconds * 1_000_000 + elapsed.components.attoseconds / 1_000_000_000_000))
                        stats.histogram.withLock { _ = $0.record(micros) }
                    }
                }
            }
        }
        let wall = clock.now - start
        let seconds = Double(wall.components.seconds) + Double(wall.components.attoseconds) / 1e18
        try await client.shutdown()
        report(o, histogram: stats.histogram.withLock { $0 }, failures: stats.failures.withLock { $0 }, seconds: seconds,
               extra: batches.map { b in
                   let a = stats.acknowledged.withLock { $0 }
                   return " batch_size=\(b.size) offered_events=\(o.rate * b.size)/s template_batches=\(b.count) first_round=\(b.firstRound) "
                       + "acked_batches=\(a.batches) acked_events=\(a.events) acked_kubelet_reviews=\(a.kubeletReviews) acked_node_proxy=\(a.nodeProxy)"
               } ?? " client=ahc")
    }

    /// The one report line both clients print (run-serve-*.sh read its fields by name).
    static func report(_ o: Options, histogram h: Histogram<UInt64>, failures: [String: Int], seconds: Double, extra: String) {
        func ms(_ us: UInt64) -> String { String(format: "%.3f", Double(us) / 1000) }
        let count = h.totalCount
        let failed = failures.values.reduce(0, +)
        let kinds = failures.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
        print("target_rate=\(o.rate)/s requests=\(count) failures=\(failed)\(kinds.isEmpty ? "" : " (\(kinds))") achieved_ok=\(String(format: "%.0f", (Double(count) - Double(failed)) / seconds))/s "
              + "p50=\(ms(h.valueAtPercentile(50)))ms p90=\(ms(h.valueAtPercentile(90)))ms p99=\(ms(h.valueAtPercentile(99)))ms "
              + "p99.9=\(ms(h.valueAtPercentile(99.9)))ms max=\(ms(h.max))ms connections=\(o.connections)" + extra)
    }
}
