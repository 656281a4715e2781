import CLITestSupport
import Foundation
import KubeletAuthzApp
import TestSupport
import Testing

/// `evidence --cluster NAME` on one real SQLite store shared by two clusters, with the
/// project's logs: the fixture API server log for prod-eu, the demo's audit log
/// (examples/audit) for prod-us. Each cluster's report is what its own log alone reports, and
/// checkpoints are per cluster and file.
@Suite("evidence --cluster: one store, two clusters")
struct EvidenceClusterTests {
    static let fixture = Fixtures.url("audit-kube-apiserver-1.36.jsonl").path
    static let demo = Fixtures.repositoryRoot.appendingPathComponent("examples/audit/audit.log").path

    /// What a report says, without the inputs it names: events and usage rows.
    static func said(_ out: String) throws -> [String] {
        let j = try jsonObject(out)
        func text(_ v: Any?) throws -> String {
            String(decoding: try JSONSerialization.data(withJSONObject: v ?? NSNull(), options: [.sortedKeys, .fragmentsAllowed]), as: UTF8.self)
        }
        return [try text(j["events"]), try text(j["usage"])]
    }

    static func alone(_ log: String) async throws -> [String] {
        let r = await kubeletAuthz(["evidence", "--no-db", "-o", "json", log])
        #expect(r.code == 0, "\(r.err)")
        return try said(r.out)
    }

    @Test("one log each: each cluster's report is its own log's; no name covers both, with a note; $KUBELET_AUTHZ_CLUSTER names it")
    func twoClusters() async throws {
        let db = Fixtures.temporaryDirectory().appendingPathComponent("fleet.sqlite").path
        let (eu, us) = (try await Self.alone(Self.fixture), try await Self.alone(Self.demo))
        #expect(eu != us)
        let ingestEU = await kubeletAuthz(["evidence", "--store", db, "--cluster", "prod-eu", "-o", "json", Self.fixture])
        #expect(ingestEU.code == 0, "\(ingestEU.err)")
        #expect(try Self.said(ingestEU.out) == eu)
        #expect(ingestEU.err.contains("Cluster prod-eu: the report covers its evidence only"), "\(ingestEU.err)")
        let ingestUS = await kubeletAuthz(["evidence", "--store", db, "--cluster", "prod-us", "-o", "json", Self.demo])
        #expect(ingestUS.code == 0, "\(ingestUS.err)")
        #expect(try Self.said(ingestUS.out) == us, "prod-eu's evidence is not in prod-us's report")

        // The store alone answers per cluster.
        let laterEU = await kubeletAuthz(["evidence", "--store", db, "--cluster", "prod-eu", "-o", "json"])
        #expect(try Self.said(laterEU.out) == eu)
        let fromEnvironment = await kubeletAuthz(["evidence", "--store", db, "-o", "json"], environment: ["KUBELET_AUTHZ_CLUSTER": "prod-us"])
        #expect(try Self.said(fromEnvironment.out) == us)
        let none = await kubeletAuthz(["evidence", "--store", db, "-o", "json"])
        #expect(none.code == 0)
        #expect(none.err.contains("Note: no cluster named (--cluster NAME or $KUBELET_AUTHZ_CLUSTER)"), "\(none.err)")
        let both = try jsonObject(none.out)["events"] as? [String: Any]
        let (euEvents, usEvents) = (try jsonObject(ingestEU.out)["events"] as? [String: Any], try jsonObject(ingestUS.out)["events"] as? [String: Any])
        #expect(both?["read"] as? Int == (euEvents?["read"] as? Int ?? 0) + (usEvents?["read"] as? Int ?? 0))

        // A name nothing was ingested under: an empty report, and a note that other names hold evidence.
        let unknown = await kubeletAuthz(["evidence", "--store", db, "--cluster", "staging", "-o", "json"])
        #expect(unknown.code == 0, "\(unknown.err)")
        #expect((try jsonObject(unknown.out)["usage"] as? [Any])?.isEmpty == true)
        #expect(unknown.err.contains("the store holds evidence under other cluster names"), "\(unknown.err)")
        #expect(!ingestEU.err.contains("other cluster names"))

        let blank = await kubeletAuthz(["evidence", "--store", db, "--cluster", " ", Self.fixture])
        #expect(blank.code == 2 && blank.err.contains("--cluster \"\""), "\(blank.err)")
    }

    @Test("the same file for two clusters: read for each, resumed for each when it grows, reports apart until both caught up")
    func resumePerCluster() async throws {
        let dir = Fixtures.temporaryDirectory()
        let db = dir.appendingPathComponent("fleet.sqlite").path
        let lines = try String(contentsOfFile: Self.demo, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: true)
        let half = lines.count / 2
        let log = dir.appendingPathComponent("audit.log")
        try Data((lines[..<half].joined(separator: "\n") + "\n").utf8).write(to: log)
        let firstHalf = try await Self.alone(log.path)

        for cluster in ["prod-eu", "prod-us"] {
            let r = await kubeletAuthz(["evidence", "--store", db, "--cluster", cluster, "-o", "json", log.path])
            #expect(r.code == 0, "\(r.err)")
            #expect(!r.err.contains("Already ingested"), "\(cluster) reads the file although the other cluster has: \(r.err)")
            #expect(try Self.said(r.out) == firstHalf)
        }
        let again = await kubeletAuthz(["evidence", "--store", db, "--cluster", "prod-eu", log.path])
        #expect(again.err.contains("Already ingested, skipped"), "\(again.err)")

        // The log grows: prod-eu resumes where it stopped; prod-us has not read the rest yet.
        let handle = try FileHandle(forWritingTo: log)
        handle.seekToEndOfFile()
        handle.write(Data((lines[half...].joined(separator: "\n") + "\n").utf8))
        try handle.close()
        let whole = try await Self.alone(log.path)
        #expect(whole != firstHalf)
        let resumed = await kubeletAuthz(["evidence", "--store", db, "--cluster", "prod-eu", "-o", "json", log.path])
        #expect(resumed.err.contains("Resumed where an earlier ingest stopped"), "\(resumed.err)")
        #expect(try Self.said(resumed.out) == whole)
        let behind = await kubeletAuthz(["evidence", "--store", db, "--cluster", "prod-us", "-o", "json"])
        #expect(try Self.said(behind.out) == firstHalf)
        let caughtUp = await kubeletAuthz(["evidence", "--store", db, "--cluster", "prod-us", "-o", "json", log.path])
        #expect(caughtUp.err.contains("Resumed where an earlier ingest stopped"), "\(caughtUp.err)")
        #expect(try Self.said(caughtUp.out) == whole)
    }

    /// `scan --audit … --store` ingests under the cluster `scan --save` names: `--cluster`, else
    /// the kube-system Namespace's UID of the files scanned (examples/ai-cluster/namespaces.yaml).
    @Test("scan --audit --store: stored under --cluster, else the kube-system UID; evidence --cluster reads it back")
    func scanIngestsUnderItsCluster() async throws {
        let db = Fixtures.temporaryDirectory().appendingPathComponent("scan.sqlite").path
        let demoCluster = Fixtures.repositoryRoot.appendingPathComponent("examples/ai-cluster").path
        let demoLog = try await Self.alone(Self.demo)
        let named = await kubeletAuthz(["scan", "-f", demoCluster, "--audit", Self.demo, "--store", db, "--cluster", "prod-us", "--now", "2026-11-27"])
        #expect(named.code == 0, "\(named.err)")
        let back = await kubeletAuthz(["evidence", "--store", db, "--cluster", "prod-us", "-o", "json"])
        #expect(try Self.said(back.out) == demoLog)

        let uid = try #require(ClusterFileReader.read([demoCluster], stdin: { Data() }).namespaces.first { $0.name == "kube-system" }?.uid)
        let unnamed = await kubeletAuthz(["scan", "-f", demoCluster, "--audit", Self.fixture, "--store", db, "--now", "2026-11-27"])
        #expect(unnamed.code == 0, "\(unnamed.err)")
        #expect(unnamed.err.contains("Cluster \(uid): the report covers its evidence only"), "\(unnamed.err)")
        let byUID = await kubeletAuthz(["evidence", "--store", db, "--cluster", uid, "-o", "json"])
        #expect(try Self.said(byUID.out) == (try await Self.alone(Self.fixture)))
        // --cluster without --save or a store names nothing.
        let loose = await kubeletAuthz(["scan", "-f", demoCluster, "--cluster", "prod-us"])
        #expect(loose.code == 2 && loose.err.contains("use it with --save or --store"), "\(loose.err)")
    }
}
