import Evidence
import Foundation
import Governance
import KubeletAuthzApp
import KubeletAuthzServer
import TestPKI
import Testing
import TestSupport

@Suite(.serialized) struct TLSAndReloadTests {
    static let review = kubeletReview(user: "system:serviceaccount:monitoring:netdata", groups: [], verb: "get", subresource: "proxy", node: "gpu-node-1")

    @Test func clientCertificateRequiredWhenAClientCAIsGiven() async throws {
        let pki = try TestPKI.make()
        let server = try await TestServer.start(TestServer.configuration(mode: .enforce, pki: pki))
        let without = try APIServerClient(port: server.port, pki: pki, clientCertificate: false, connectTimeout: 1)
        await #expect(throws: (any Error).self) { _ = try await without.post("/authorize", Self.review) }
        try await without.shutdown()
        let with = try APIServerClient(port: server.port, pki: pki)
        #expect(try await with.post("/authorize", Self.review).status == 200)
        try await with.shutdown()
        try await server.stop()

        // Without --client-ca-file no client certificate is asked for.
        let open = try await TestServer.start(TestServer.configuration(mode: .enforce, pki: pki, clientCA: false))
        let anonymous = try APIServerClient(port: open.port, pki: pki, clientCertificate: false)
        #expect(try await anonymous.post("/authorize", Self.review).status == 200)
        try await anonymous.shutdown()
        try await open.stop()
    }

    @Test func plainHTTPOnlyWhenAskedFor() async throws {
        let server = try await TestServer.start(TestServer.configuration(mode: .enforce, pki: nil))
        let client = try APIServerClient(port: server.port, pki: nil)
        #expect(try await client.post("/authorize", Self.review).status == 200)
        try await client.shutdown()
        try await server.stop()
    }

    /// The server's certificate and key as files of their own, as a Secret mount has them.
    static func servingFiles(of pki: TestPKI) throws -> (URL, String, String) {
        let dir = Fixtures.temporaryDirectory()
        let cert = dir.appendingPathComponent("tls.crt").path, key = dir.appendingPathComponent("tls.key").path
        try FileManager.default.copyItem(atPath: pki.serverCert, toPath: cert)
        try FileManager.default.copyItem(atPath: pki.serverKey, toPath: key)
        return (dir, cert, key)
    }

    /// Replaces both files by rename, as a Secret mount's update does.
    static func renew(cert: String, key: String, with pki: TestPKI) throws {
        for (from, to) in [(pki.serverCert, cert), (pki.serverKey, key)] {
            let staged = to + ".new"
            try FileManager.default.copyItem(atPath: from, toPath: staged)
            #expect(rename(staged, to) == 0)
        }
    }

    /// A renewed certificate (files replaced by rename, as a Secret mount updates) is served to
    /// new connections; the old one is no longer.
    @Test func certificateReloadedWhenItsFilesChange() async throws {
        let first = try TestPKI.make(), second = try TestPKI.make()
        let (_, cert, key) = try Self.servingFiles(of: first)
        var config = TestServer.configuration(mode: .enforce, pki: nil)
        config.tls = .init(certificate: cert, privateKey: key)
        let server = try await TestServer.start(config)
        let oldTrust = try APIServerClient(port: server.port, pki: first, clientCertificate: false)
        #expect(try await oldTrust.post("/authorize", Self.review).status == 200)
        try await oldTrust.shutdown()
        #expect(try server.server.reloadCertificateIfChanged() == false)

        try Self.renew(cert: cert, key: key, with: second)
        #expect(try server.server.reloadCertificateIfChanged() == true)
        let newTrust = try APIServerClient(port: server.port, pki: second, clientCertificate: false)
        #expect(try await newTrust.post("/authorize", Self.review).status == 200)
        try await newTrust.shutdown()
        let stale = try APIServerClient(port: server.port, pki: first, clientCertificate: false, connectTimeout: 1)
        await #expect(throws: (any Error).self) { _ = try await stale.post("/authorize", Self.review) }
        try await stale.shutdown()
        try await server.stop()
    }

    /// A renewal seen half written (the new certificate beside the old key, the moment between
    /// the two renames) is refused and the previous pair stays served; once the key lands too,
    /// the new pair is installed. Installing the mismatched pair would fail every handshake.
    @Test func halfWrittenRenewalKeepsThePreviousCertificate() async throws {
        let first = try TestPKI.make(), second = try TestPKI.make()
        let (_, cert, key) = try Self.servingFiles(of: first)
        var config = TestServer.configuration(mode: .enforce, pki: nil)
        config.tls = .init(certificate: cert, privateKey: key)
        config.certificateCheckInterval = .seconds(3600)
        let server = try await TestServer.start(config)

        let staged = cert + ".new"
        try FileManager.default.copyItem(atPath: second.serverCert, toPath: staged)
        #expect(rename(staged, cert) == 0)
        #expect {
            try server.server.reloadCertificateIfChanged()
        } throws: { error in
            "\(error)".contains("is not the key of the certificate") && "\(error)".contains(key)
        }
        let oldTrust = try APIServerClient(port: server.port, pki: first, clientCertificate: false)
        #expect(try await oldTrust.post("/authorize", Self.review).status == 200)
        try await oldTrust.shutdown()

        try Self.renew(cert: cert, key: key, with: second)
        #expect(try server.server.reloadCertificateIfChanged() == true)
        let newTrust = try APIServerClient(port: server.port, pki: second, clientCertificate: false)
        #expect(try await newTrust.post("/authorize", Self.review).status == 200)
        try await newTrust.shutdown()
        try await server.stop()
    }

    /// A certificate renewed while reviews stream in loses none of them: connections opened
    /// before keep the old certificate, new ones get the new one, and a client that trusts
    /// only the new CA connects once the reload is done.
    @Test func certificateReloadUnderLoadLosesNoReview() async throws {
        let first = try TestPKI.make(), second = try TestPKI.make()
        let (dir, cert, key) = try Self.servingFiles(of: first)
        let bothCAs = dir.appendingPathComponent("both-ca.crt").path
        try (String(contentsOfFile: first.caCert, encoding: .utf8) + "\n" + String(contentsOfFile: second.caCert, encoding: .utf8))
            .write(toFile: bothCAs, atomically: true, encoding: .utf8)
        var config = TestServer.configuration(mode: .enforce, pki: nil)
        config.tls = .init(certificate: cert, privateKey: key)
        let server = try await TestServer.start(config)
        let client = try APIServerClient(port: server.port, pki: first, clientCertificate: false, trust: bothCAs, connectTimeout: 2)

        let perWorker = 150
        let statuses = try await withThrowingTaskGroup(of: [String].self) { group in
            for _ in 0..<4 {
                group.addTask {
                    var seen: [String] = []
                    for _ in 0..<perWorker {
                        do { seen.append(String(try await client.post("/authorize", Self.review).status)) } catch { seen.append("\(error)") }
                        // The first failure fails the test: stop there rather than let up to 150
                        // more requests each wait out a timeout (minutes on a loaded machine).
                        if seen.last != "200" { break }
                    }
                    return seen
                }
            }
            group.addTask {
                try await Task.sleep(for: .milliseconds(20))
                try Self.renew(cert: cert, key: key, with: second)
                #expect(try server.server.reloadCertificateIfChanged() == true)
                return []
            }
            var all: [String] = []
            for try await s in group { all += s }
            return all
        }
        try await client.shutdown()
        #expect(statuses.count == 4 * perWorker)
        #expect(statuses.filter { $0 != "200" }.isEmpty, "\(Dictionary(grouping: statuses, by: { $0 }).mapValues(\.count))")

        let onlyNew = try APIServerClient(port: server.port, pki: second, clientCertificate: false)
        #expect(try await onlyNew.post("/authorize", Self.review).status == 200)
        try await onlyNew.shutdown()
        // A new connection from a client trusting both CAs verifies the new certificate too:
        // the workers above may all have connected before the reload and never done so.
        let bothNew = try APIServerClient(port: server.port, pki: second, clientCertificate: false, trust: bothCAs)
        var status = ""
        do { status = String(try await bothNew.post("/authorize", Self.review).status) } catch { status = "\(error)" }
        try await bothNew.shutdown()
        #expect(status == "200")
        try await server.stop()
    }

    /// Reloads swap the whole policy: under reviews sent while the policy flips between two
    /// registers, each approving the subject through a different group, no review sees the
    /// old approval gone and the new one not yet there.
    @Test func reloadUnderLoadNeverShowsAMixedPolicy() async throws {
        let dir = Fixtures.temporaryDirectory()
        func register(_ group: String) -> String {
            """
            apiVersion: kubelet-authz.io/v1alpha1
            kind: KubeletAccessRegister
            entries:
            - subject: {kind: Group, name: \(group)}
              owner: team@example.com
              access:
              - subresources: [proxy]
                verbs: [get]
            """
        }
        let a = dir.appendingPathComponent("a.yaml").path, b = dir.appendingPathComponent("b.yaml").path
        try register("team-a").write(toFile: a, atomically: true, encoding: .utf8)
        try register("team-b").write(toFile: b, atomically: true, encoding: .utf8)
        let sources = [TestServer.demoSource(register: a), TestServer.demoSource(register: b)]
        let loads = LoadCounter()
        let server = try await TestServer.start(TestServer.configuration(mode: .enforce, pki: nil), load: { day in
            try await sources[loads.next() % 2].load(today: day)
        })
        let body = kubeletReview(user: "carol", groups: ["team-a", "team-b"], verb: "get", subresource: "proxy", node: "gpu-node-1")
        let client = try APIServerClient(port: server.port, pki: nil)
        let denied = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<4 {
                group.addTask {
                    var n = 0
                    for _ in 0..<50 { if try ReviewStatus(try await client.post("/authorize", body).body).denied { n += 1 } }
                    return n
                }
            }
            group.addTask {
                for _ in 0..<20 { if let e = await server.server.reload() { throw e } }
                return 0
            }
            return try await group.reduce(0, +)
        }
        #expect(denied == 0)
        #expect(server.server.policy.policy?.generation == 21)
        // And the subject is denied when neither register approves it: the test can fail.
        let outsider = kubeletReview(user: "carol", groups: ["team-c"], verb: "get", subresource: "proxy", node: "gpu-node-1")
        #expect(try ReviewStatus(try await client.post("/authorize", outsider).body).denied)
        try await client.shutdown()
        try await server.stop()
    }

    /// A SIGHUP's full read and a rebuild from the watches can be asked for at once: they run
    /// one after the other, so the one that read the cluster first never installs last.
    @Test("policy loads asked for at once run one at a time")
    func loadsDoNotOverlap() async throws {
        let source = TestServer.demoSource()
        let probe = LoadProbe()
        let server = try await TestServer.start(TestServer.configuration(mode: .enforce, pki: nil), load: { day in
            let ticket = await probe.enter()
            // Long enough that loads run side by side would be seen doing so.
            try await Task.sleep(for: .milliseconds(50))
            let loaded = try await source.load(today: day)
            await probe.leave(ticket)
            return loaded
        })
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<4 {
                group.addTask { _ = await server.server.reload() }
            }
        }
        #expect(await probe.mostAtOnce == 1)
        #expect(await probe.finished.count == 5)
        #expect(server.server.policy.policy?.generation == 5)
        try await server.stop()
    }

    @Test func aFailedReloadKeepsThePolicyAndIsCounted() async throws {
        let loads = LoadCounter()
        let source = TestServer.demoSource()
        let server = try await TestServer.start(TestServer.configuration(mode: .enforce, pki: nil), load: { day in
            if loads.next() > 0 { throw InputError("register.yaml:3: broken") }
            return try await source.load(today: day)
        })
        #expect(await server.server.reload() != nil)
        #expect(server.server.policy.policy?.generation == 1)
        let client = try APIServerClient(port: server.port, pki: nil)
        #expect(try ReviewStatus(try await client.post("/authorize", Self.review).body).denied)
        #expect(try await client.get("/metrics").body.contains("kubelet_authz_policy_reload_failures_total 1"))
        try await client.shutdown()
        try await server.stop()
    }
}

/// Counts calls across tasks.
final class LoadCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var n = 0
    func next() -> Int { lock.withLock { defer { n += 1 }; return n } }
}

/// Counts policy loads running at once, and the order in which they finish.
actor LoadProbe {
    private var running = 0
    private var started = 0
    private(set) var mostAtOnce = 0
    private(set) var finished: [Int] = []

    func enter() -> Int {
        running += 1
        mostAtOnce = max(mostAtOnce, running)
        defer { started += 1 }
        return started
    }

    func leave(_ ticket: Int) {
        running -= 1
        finished.append(ticket)
    }
}
