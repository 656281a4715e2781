import Foundation
@testable import KubeletAuthzServer
import Testing

/// `POST /authorize` is answered on the event loop ahead of the router (`AuthorizeOnEventLoop`);
/// what it does not take goes to the router. Held here on a plain-HTTP connection, byte for byte:
/// the same answers and headers either way, responses in request order when requests are
/// pipelined behind one the router is still answering.
@Suite("Reviews answered on the event loop")
struct AuthorizeOnEventLoopTests {
    static let deny = kubeletReview(user: "system:serviceaccount:monitoring:netdata", groups: [], verb: "get", subresource: "proxy",
                                    node: "gpu-node-1")

    /// A plain-HTTP server, configured by `configure`.
    func start(_ configure: (inout ServerConfiguration) -> Void = { _ in }) async throws -> TestServer {
        var config = TestServer.configuration(mode: .enforce, pki: nil)
        configure(&config)
        return try await TestServer.start(config)
    }

    /// The server's metrics text, read on a connection of its own.
    func metrics(_ server: TestServer) async throws -> String {
        let connection = try RawHTTPConnection(port: server.port)
        try await connection.send(Data("GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".utf8))
        return String(decoding: try await connection.response().body, as: UTF8.self)
    }

    /// A review with Content-Length (the fast path) and the same review chunked (the router):
    /// the same status, body and header names; `Date` as RFC 9110 writes it.
    @Test("the fast path answers as the router does")
    func sameAnswerBothPaths() async throws {
        let server = try await start()
        let connection = try RawHTTPConnection(port: server.port)
        try await connection.send(RawHTTPConnection.post("/authorize", Self.deny))
        let fast = try await connection.response()
        try await connection.send(RawHTTPConnection.post("/authorize", Self.deny, chunked: true))
        let routed = try await connection.response()
        #expect(fast.status == 200 && routed.status == 200)
        #expect(try ReviewStatus(fast.body) == ReviewStatus(routed.body))
        #expect(try ReviewStatus(fast.body).denied)
        #expect(fast.body == routed.body)
        #expect(Set(fast.headers.map { $0.name.lowercased() }) == Set(routed.headers.map { $0.name.lowercased() }))
        #expect(fast.header("Content-Type") == "application/json" && fast.header("Server") == "kubelet-authz")
        #expect(fast.header("Content-Length") == String(fast.body.count))
        let date = try #require(fast.header("Date"))
        #expect(date.wholeMatch(of: /(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d\d (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d\d:\d\d:\d\d GMT/) != nil)
        try await server.stop()
    }

    /// Pipelined: an audit batch (the router, which takes a while to store it), then two reviews
    /// sent before its answer. The answers come in the order asked.
    @Test("pipelined requests are answered in order")
    func pipelinedInOrder() async throws {
        let server = try await start()
        let connection = try RawHTTPConnection(port: server.port)
        let batch = try AuditWebhookTests.batches()[0]
        let malformed = Data("{not json".utf8)
        try await connection.send(RawHTTPConnection.post("/audit", batch) + RawHTTPConnection.post("/authorize", malformed)
                            + RawHTTPConnection.post("/authorize", Self.deny))
        let audit = try await connection.response()
        #expect(audit.status == 200)
        #expect((try? ReviewStatus(audit.body)) == nil)  // the batch's answer, not a review's
        let first = try await connection.response()
        #expect(first.status == 400)
        let second = try await connection.response()
        #expect(second.status == 200)
        #expect(try ReviewStatus(second.body).denied)
        // Two reviews pipelined on their own: both on the fast path, in order.
        try await connection.send(RawHTTPConnection.post("/authorize", malformed) + RawHTTPConnection.post("/authorize", Self.deny))
        #expect(try await connection.response().status == 400)
        #expect(try await connection.response().status == 200)
        try await server.stop()
    }

    /// What the fast path passes on: a declared body over the limit (413, counted), and
    /// `Connection: close` (answered, then the connection closed).
    @Test("over the limit, and Connection: close, go to the router")
    func passedOn() async throws {
        let server = try await start { $0.authorizeBodyLimit = 100 }
        let connection = try RawHTTPConnection(port: server.port)
        try await connection.send(RawHTTPConnection.post("/authorize", Self.deny))
        let huge = try await connection.response()
        #expect(huge.status == 413)
        let closing = try RawHTTPConnection(port: server.port)
        try await closing.send(RawHTTPConnection.post("/authorize", Data("{}".utf8), extraHeaders: ["Connection: close"]))
        #expect(try await closing.response().status == 400)
        #expect(await closing.isClosedByServer())
        // The 413 is counted as the router counts it; the 400 by the webhook's answer.
        #expect(try await metrics(server).contains("kubelet_authz_malformed_reviews_total 2"))
        try await server.stop()
    }

    /// The admission limit holds on the fast path too: with room for none, 429 and counted.
    @Test("no room: 429 on the fast path, counted")
    func overloaded() async throws {
        let server = try await start { $0.authorizeConcurrency = 0 }
        let connection = try RawHTTPConnection(port: server.port)
        try await connection.send(RawHTTPConnection.post("/authorize", Self.deny))
        let refused = try await connection.response()
        #expect(refused.status == 429 && refused.header("Retry-After") == "1")
        #expect(try await metrics(server).contains("kubelet_authz_reviews_shed_total 1"))
        try await server.stop()
    }
}

@Suite("The Date header")
struct HTTPDateTests {
    /// RFC 9110 §5.6.7's own example, and the demo's day.
    @Test("IMF-fixdate", arguments: [(784_111_777, "Sun, 06 Nov 1994 08:49:37 GMT"), (1_795_780_800, "Fri, 27 Nov 2026 12:00:00 GMT"),
                                     (0, "Thu, 01 Jan 1970 00:00:00 GMT")])
    func imfFixdate(_ c: (Int, String)) {
        var date = HTTPDate()
        #expect(date.format(epochSeconds: time_t(c.0)) == c.1)
        #expect(date.format(epochSeconds: time_t(c.0 + 1)) != c.1)  // a new second, a new text
    }
}
