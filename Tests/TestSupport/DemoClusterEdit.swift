import Foundation

/// Issue 14's change to the demo cluster (examples/ai-cluster), shared by the scan history's
/// command tests on SQLite and on PostgreSQL: a copy of the demo in which the
/// ClusterRoleBinding netdata (nodes/proxy, nodes/metrics) also binds a new ServiceAccount.
public enum DemoClusterEdit {
    public static let examples = Fixtures.repositoryRoot.appendingPathComponent("examples")
    public static let register = examples.appendingPathComponent("register.yaml").path
    /// The demo's kube-system Namespace UID (examples/ai-cluster/namespaces.yaml).
    public static let demoCluster = "6e75707e-2a56-592f-8eb1-3afa974e67d9"
    public static let debugger = "ServiceAccount monitoring/node-debugger"
    static let netdataBinding = "  name: netdata\nsubjects:\n- kind: ServiceAccount\n  name: netdata\n  namespace: monitoring\n"

    public struct NotFound: Error, CustomStringConvertible {
        public let description: String
    }

    /// A copy of the demo cluster in a temporary directory of its own.
    public static func copy() throws -> URL {
        let cluster = Fixtures.temporaryDirectory().appendingPathComponent("ai-cluster")
        try FileManager.default.copyItem(at: examples.appendingPathComponent("ai-cluster"), to: cluster)
        return cluster
    }

    /// The ClusterRoleBinding netdata also binds the new ServiceAccount monitoring/node-debugger.
    public static func grantProxyToNewServiceAccount(_ cluster: String) throws {
        let rbac = cluster + "/collectors-rbac.yaml"
        let text = try String(contentsOfFile: rbac, encoding: .utf8)
        guard text.components(separatedBy: netdataBinding).count == 2 else {
            throw NotFound(description: "\(rbac): the ClusterRoleBinding netdata is not there once as expected")
        }
        try text.replacingOccurrences(of: netdataBinding, with: netdataBinding + "- kind: ServiceAccount\n  name: node-debugger\n  namespace: monitoring\n")
            .write(toFile: rbac, atomically: true, encoding: .utf8)
        let accounts = cluster + "/serviceaccounts.yaml"
        try (try String(contentsOfFile: accounts, encoding: .utf8) + "---\napiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: node-debugger\n  namespace: monitoring\n")
            .write(toFile: accounts, atomically: true, encoding: .utf8)
    }
}
