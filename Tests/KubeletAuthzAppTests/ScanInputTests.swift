import Foundation
import Governance
import KubeletAuthzApp
import TestSupport
import Testing

/// What a scan refuses before it scans, and the ignore file it honours: decided without a
/// command line.
@Suite("Scan input")
struct ScanInputTests {
    @Test("an input without RBAC objects is refused unless allowed; one with them passes")
    func emptyInput() throws {
        let nodes = try Fixtures.temporaryFile("nodes-\(UUID().uuidString).yaml", "apiVersion: v1\nkind: Node\nmetadata: {name: n1}\n")
        let snapshot = try ClusterFileReader.read([nodes], stdin: { Data() })
        #expect(throws: InputError("\(nodes): no ClusterRole, ClusterRoleBinding, Role or RoleBinding (read 1 other object); nothing to scan — check the kubectl command that wrote it, or pass --allow-empty")) {
            try EmptyInputRule.check(snapshot, allowEmpty: false)
        }
        try EmptyInputRule.check(snapshot, allowEmpty: true)
        let cluster = try ClusterFileReader.read([Fixtures.url("oracle-cluster.yaml").path], stdin: { Data() })
        try EmptyInputRule.check(cluster, allowEmpty: false)
    }

    static let entry = """
    ignore:
    - rule: ungoverned-kubelet-access
      subject: ServiceAccount kube-system/metrics-server
      reason: governed elsewhere
      expires: 2027-01-01
    """

    @Test("the ignore file: the one named, else the default file where it is, else none")
    func ignoreFilePath() throws {
        let directory = Fixtures.temporaryDirectory().path
        #expect(IgnoreFile.path(explicit: "mine.yaml", directory: directory) == "mine.yaml")
        #expect(IgnoreFile.path(explicit: nil, directory: directory) == nil)
        let defaultFile = (directory as NSString).appendingPathComponent(FindingAcceptance.defaultFile)
        try Self.entry.write(toFile: defaultFile, atomically: true, encoding: .utf8)
        #expect(IgnoreFile.path(explicit: nil, directory: directory) == defaultFile)
        #expect(try IgnoreFile.load(defaultFile).entries.map(\.reason) == ["governed elsewhere"])
    }

    @Test("an unreadable or invalid ignore file is a typed error")
    func ignoreFileErrors() throws {
        #expect(throws: IgnoreFile.LoadError.unreadable(path: "/nonexistent/ignore.yaml")) { try IgnoreFile.load("/nonexistent/ignore.yaml") }
        let noReason = try Fixtures.temporaryFile("noreason-\(UUID().uuidString).yaml", "ignore:\n- rule: KA020\n")
        do {
            _ = try IgnoreFile.load(noReason)
            Issue.record("an entry without a reason was accepted")
        } catch {
            guard case .invalid(let message) = error else { Issue.record("expected .invalid, got \(error)"); return }
            #expect(message.contains("\(noReason):2: ignore[0]: reason is required"))
        }
    }
}
