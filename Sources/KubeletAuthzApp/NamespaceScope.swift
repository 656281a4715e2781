import Governance
import KubeletAccess
import RBAC

/// `-n NS` as kubectl users read it: ServiceAccounts of other namespaces are left out of the
/// answer, Users and Groups (which belong to no namespace) always stay. Without `-n` — or with
/// `-A` — every namespace. The kubeconfig context's namespace is never a filter: kubelet access
/// is cluster-wide, and a silently narrowed audit would hide exactly what it is for.
public struct NamespaceScope: Sendable, Equatable {
    public let namespace: String?

    public init(namespace: String?) { self.namespace = namespace }

    public static let all = NamespaceScope(namespace: nil)

    public func includes(kind: String, namespace ns: String) -> Bool {
        guard let namespace, kind == Subject.serviceAccountKind else { return true }
        return ns == namespace
    }

    public func limit(_ report: ScanReport) -> ScanReport {
        guard namespace != nil else { return report }
        var r = report
        r.subjects = report.subjects.filter { includes(kind: $0.key.kind, namespace: $0.key.namespace) }
        r.findings = report.findings.filter { f in f.subject.map { includes(kind: $0.kind, namespace: $0.namespace) } ?? true }
        r.aiReview?.subjects = report.aiReview?.subjects.filter { includes(kind: $0.subject.kind, namespace: $0.subject.namespace) } ?? []
        return r
    }

    public func limit(_ answer: KubeletWhoCanAnswer) -> KubeletWhoCanAnswer {
        guard namespace != nil else { return answer }
        return KubeletWhoCanAnswer(question: answer.question,
                                   holders: answer.holders.filter { includes(kind: $0.subject.kind, namespace: $0.subject.namespace) },
                                   unresolvedBindings: answer.unresolvedBindings)
    }
}
