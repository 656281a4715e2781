import CLITestSupport
import Foundation
import KubeletAuthzApp
import Store
import TestSupport
import Testing

/// The same cluster and register files saved once by relative paths and once by absolute ones
/// are the same content: the second save stores no new part and reports no change.
@Suite("scan --save: relative and absolute paths to the same files")
struct SavedPathTests {
    /// `target` relative to `base` (both absolute, standardized): `../..` up to the common
    /// prefix, then down.
    static func relative(_ target: String, from base: String) -> String {
        let t = URL(fileURLWithPath: target).standardizedFileURL.pathComponents
        let b = URL(fileURLWithPath: base).standardizedFileURL.pathComponents
        var common = 0
        while common < min(t.count, b.count) && t[common] == b[common] { common += 1 }
        return (Array(repeating: "..", count: b.count - common) + t[common...]).joined(separator: "/")
    }

    @Test("relative then absolute: unchanged, one set of parts, and diff finds nothing")
    func relativeThenAbsolute() async throws {
        let dir = Fixtures.temporaryDirectory()
        let db = dir.appendingPathComponent("history.sqlite").path
        let cluster = dir.appendingPathComponent("ai-cluster").path
        let register = dir.appendingPathComponent("register.yaml").path
        let examples = Fixtures.repositoryRoot.appendingPathComponent("examples")
        try FileManager.default.copyItem(at: examples.appendingPathComponent("ai-cluster"), to: URL(fileURLWithPath: cluster))
        try FileManager.default.copyItem(at: examples.appendingPathComponent("register.yaml"), to: URL(fileURLWithPath: register))
        // Relative to this process's working directory, which the in-process command shares.
        let here = FileManager.default.currentDirectoryPath
        let (relCluster, relRegister) = (Self.relative(cluster, from: here), Self.relative(register, from: here))
        #expect(!relCluster.hasPrefix("/") && FileManager.default.fileExists(atPath: relCluster + "/namespaces.yaml"))

        let first = await kubeletAuthz(["scan", "-f", relCluster, "--register", relRegister, "--now", "2026-11-27", "--save", "--store", db, "--cluster", "demo"])
        #expect(first.code == 0, "\(first.err)")
        let second = await kubeletAuthz(["scan", "-f", cluster, "--register", register, "--now", "2026-11-27", "--save", "--store", db, "--cluster", "demo"])
        #expect(second.code == 0, "\(second.err)")
        #expect(second.err.contains("Saved scan 2 of cluster demo in \(db) (unchanged since scan 1: no new content)"), "\(second.err)")
        let store = try EvidenceStore(path: db)
        let scans = try store.scans(cluster: "demo", since: nil)
        #expect(scans.count == 2)
        #expect(Set(scans.map(\.inventoryHash)).count == 1 && Set(scans.map(\.findingsHash)).count == 1 && Set(scans.map(\.governanceHash)).count == 1)
        // A finding's location names the file by its absolute path, whichever way it was given.
        let content = try store.content(of: scans[0])
        let files = Set(content.findings.flatMap(\.locations).compactMap(\.file))
        #expect(!files.isEmpty && files.allSatisfy { $0.hasPrefix(cluster + "/") || $0 == register }, "\(files)")
        let diff = await kubeletAuthz(["diff", "--store", db, "--cluster", "demo", "-o", "json"])
        #expect(diff.code == 0, "\(diff.err)")
    }

    @Test("SourcePath.recorded: relative made absolute against the directory and standardized; names that are not files kept")
    func recordedNames() {
        let files: Set<String> = ["/work/demo/ai-cluster/rbac.yaml", "/work/register.yaml"]
        let exists = { (p: String) in files.contains(p) }
        #expect(SourcePath.recorded("ai-cluster/rbac.yaml", directory: "/work/demo", exists: exists) == "/work/demo/ai-cluster/rbac.yaml")
        #expect(SourcePath.recorded("./ai-cluster//rbac.yaml", directory: "/work/demo", exists: exists) == "/work/demo/ai-cluster/rbac.yaml")
        #expect(SourcePath.recorded("../register.yaml", directory: "/work/demo", exists: exists) == "/work/register.yaml")
        #expect(SourcePath.recorded("/work/demo/../demo/ai-cluster/rbac.yaml", directory: "/elsewhere", exists: exists) == "/work/demo/ai-cluster/rbac.yaml")
        #expect(SourcePath.recorded("<stdin>", directory: "/work/demo", exists: exists) == "<stdin>")
        #expect(SourcePath.recorded("-", directory: "/work/demo", exists: exists) == "-")
    }
}
