import AuditInput
import Cluster
import Evidence
import Foundation
import Governance
import KubeClient
import RBAC
import TestSupport
import Testing

/// Every reader of user input, fed mutated real inputs: it must answer with its own error
/// (naming the input) or a result, never crash, hang or print the input back. A crash ends
/// the test run, which CI reports as a failure; the seed and run number reproduce it.
@Suite("Fuzzing the readers", .timeLimit(.minutes(5)))
struct ReaderFuzzTests {
    static func corpus(_ paths: [String]) -> [[UInt8]] {
        paths.compactMap { FileManager.default.contents(atPath: Fixtures.repositoryRoot.appendingPathComponent($0).path) }.map { Array($0) }
    }

    static let clusterCorpus = corpus(["examples/ai-cluster/platform-rbac.yaml", "examples/ai-cluster/collectors-rbac.yaml",
                                       "examples/ai-cluster/nodes.yaml", "Tests/Fixtures/oracle-cluster.yaml",
                                       "Tests/Fixtures/kubeadm-cluster.yaml"])
        + [Array(#"{"apiVersion":"v1","kind":"List","items":[{"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRole","metadata":{"name":"a"},"rules":[{"apiGroups":[""],"resources":["nodes/proxy"],"verbs":["get"]}]}]}"#.utf8),
           // kubectl-style JSON for the byte-level reader (JSONObjectReader): indented, escaped,
           // with the noise it skips; and a typed list's kind-less items.
           Array(#"""
           {
               "apiVersion": "v1",
               "items": [
                   {
                       "apiVersion": "v1",
                       "kind": "ServiceAccount",
                       "metadata": {
                           "annotations": {
                               "kubectl.kubernetes.io/last-applied-configuration": "{\"apiVersion\":\"v1\",\"kind\":\"ServiceAccount\",\"metadata\":{\"name\":\"prom\u00e9\"}}\n",
                               "kubelet-authz.io/owner": "sre \ud83d\ude00"
                           },
                           "managedFields": [{"fieldsV1": {"f:metadata": {"k:{\"name\":\"x\"}": {}}}, "time": "2026-01-01T00:00:00Z"}],
                           "name": "prom",
                           "namespace": "monitoring"
                       }
                   },
                   {
                       "apiVersion": "rbac.authorization.k8s.io/v1",
                       "kind": "RoleBinding",
                       "metadata": {"name": "read-nodes", "namespace": "monitoring"},
                       "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "a"},
                       "subjects": [{"kind": "ServiceAccount", "name": "prom", "namespace": "monitoring"}]
                   },
                   {
                       "apiVersion": "v1",
                       "kind": "Node",
                       "metadata": {"labels": {"kubernetes.io/hostname": "n1"}, "name": "n1"},
                       "status": {"capacity": {"cpu": "8", "nvidia.com/gpu": "4"}, "nodeInfo": {"kubeletVersion": "v1.36.1"}}
                   },
                   {
                       "apiVersion": "v1",
                       "kind": "Pod",
                       "metadata": {"labels": {"app": "prom", "helm.sh/chart": "prometheus-25.0.0"}, "name": "p", "namespace": "monitoring"},
                       "spec": {"containers": [{"image": "prom:3", "name": "prom"}], "nodeName": "n1", "serviceAccountName": "prom"},
                       "status": {"phase": "Running", "podIP": "10.0.0.1", "restartCount": 0}
                   }
               ],
               "kind": "List",
               "metadata": {"resourceVersion": ""}
           }
           """#.utf8),
           Array(#"{"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRoleList","items":[{"metadata":{"name":"b","labels":{"agg":"true"}},"aggregationRule":{"clusterRoleSelectors":[{"matchLabels":{"x":"y"}}]},"rules":[]}]}"#.utf8)]

    /// Runs `body` on mutations of the corpus; `body` returns the error text, if any.
    func fuzz(_ corpus: [[UInt8]], salt: UInt64, _ body: ([UInt8]) -> String?) {
        #expect(!corpus.isEmpty)
        var m = Mutator(seed: FuzzBudget.seed ^ salt)
        var errors = 0
        for run in 0..<FuzzBudget.runs {
            let base = corpus[run % corpus.count], other = corpus[(run + 1) % corpus.count]
            let input = m.mutate(base, other: other)
            if let message = body(input) {
                errors += 1
                #expect(!message.isEmpty, "seed \(FuzzBudget.seed) run \(run): an empty error")
                #expect(message.count < 4000, "seed \(FuzzBudget.seed) run \(run): an error of \(message.count) characters echoes input")
            }
        }
        // Mutations that never fail test nothing.
        #expect(errors > 0)
    }

    @Test("cluster reader (YAML and JSON)")
    func cluster() {
        fuzz(Self.clusterCorpus, salt: 1) { input in
            do {
                let s = try ClusterDocumentDecoder.decode(Data(input), source: "fuzz.yaml")
                _ = ClusterScanner.scan(s, options: ScanOptions(now: Day(year: 2026, month: 12, day: 1)))
                return nil
            } catch {
                let e = error as? ClusterInputError
                #expect(e?.location.file == "fuzz.yaml", "not a ClusterInputError: \(error)")
                return e?.description ?? "\(error)"
            }
        }
    }

    @Test("audit line reader")
    func audit() throws {
        let corpus = Self.corpus(["Tests/Fixtures/audit-kube-apiserver-1.36.jsonl"])
        fuzz(corpus, salt: 2) { input in
            let store = MemoryEvidenceStore()
            do {
                let counts = try AuditIngestor().ingest(body: input, stream: "fuzz", batch: "1", into: store)
                _ = EvidenceReport(records: try store.records(since: nil), counts: try store.totals(),
                                   malformed: try store.malformedLines(limit: 10), policy: nil, since: nil)
                return counts.malformed > 0 ? "malformed lines: \(counts.malformed)" : nil
            } catch {
                return "\(error)"
            }
        }
    }

    @Test("kubeconfig loader")
    func kubeconfig() {
        let seed = Array("""
        apiVersion: v1
        kind: Config
        current-context: lab
        clusters:
        - name: lab
          cluster: {server: "https://127.0.0.1:6443", certificate-authority-data: "LS0tLS1CRUdJTg==", tls-server-name: api.lab.test}
        users:
        - name: auditor
          user:
            exec: {apiVersion: client.authentication.k8s.io/v1, command: kubectl-oidc, args: [get-token], interactiveMode: Never}
        - name: token
          user: {token: SECRETTOKEN}
        contexts:
        - name: lab
          context: {cluster: lab, user: auditor, namespace: ops}
        """.utf8)
        fuzz([seed], salt: 3) { input in
            do {
                let config = try KubeconfigLoader.load(["/fuzz/kubeconfig"]) { _ in Data(input) }
                _ = try config.resolve(context: nil)
                return nil
            } catch {
                // The document is never echoed; a mutation can still splice the token into another
                // field's value, which an error may then quote (cut short): that is not a dump.
                #expect(!"\(error)".contains("{token: SECRETTOKEN}"))
                return "\(error)"
            }
        }
    }

    @Test("governance register")
    func register() {
        fuzz(Self.corpus(["examples/register.yaml", "Tests/Fixtures/kubeadm-register.yaml"]), salt: 4) { input in
            do {
                _ = try GovernanceRegister.decode(Data(input), source: "fuzz-register.yaml")
                return nil
            } catch {
                return "\(error)"
            }
        }
    }

    @Test("SubjectAccessReview reader")
    func review() throws {
        let log = String(decoding: Fixtures.data("audit-kube-apiserver-1.36.jsonl"), as: UTF8.self)
        var reviews: [[UInt8]] = []
        for line in log.split(separator: "\n") where line.contains("\"requestObject\"") && line.contains("SubjectAccessReview") {
            if let event = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], let request = event["requestObject"],
               let data = try? JSONSerialization.data(withJSONObject: request) {
                reviews.append(Array(data))
            }
        }
        let reviewer = SubjectAccessReviewer(authorizer: RBACAuthorizer(policy: RBACPolicy(roles: [], bindings: [])))
        fuzz(reviews, salt: 5) { input in
            do {
                let sar = try SubjectAccessReview.decode(Data(input))
                if case .failure(let e) = reviewer.review(sar) { return e.errors.map(\.message).joined(separator: "; ") }
                return nil
            } catch {
                return "\(error)"
            }
        }
    }
}
