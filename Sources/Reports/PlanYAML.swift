import Governance
import RBAC

/// `plan -o yaml`: the change as kubectl-applyable RBAC. Complete objects only, each preceded
/// by comments naming the evidence; never a deletion, so applying it (or reading it after the
/// cluster's files) is a plain overlay.
public enum PlanYAML {
    public static func render(_ plan: KubeletPlan) -> String {
        var o = "# kubelet-authz plan: Kubernetes \(plan.profile.version), evidence \(plan.evidence.text)\n"
        if !plan.heldBackBy.isEmpty { o += "# held to \(plan.profile.version) by \(plan.heldBackBy.joined(separator: ", "))\n" }
        o += "# proof: \(plan.proof.breakingCount) breaking request\(plan.proof.breakingCount == 1 ? "" : "s"); other subjects' kubelet access \(plan.proof.othersChanged.isEmpty ? "unchanged" : "CHANGED: " + plan.proof.othersChanged.map(\.description).joined(separator: ", "))\n"
        if plan.change.isEmpty {
            o += "# nothing to change: no subject's kubelet grant can be narrowed provably (see -o markdown)\n"
            return o
        }
        // Said in the output itself, where it is applied: a replaced object is the live one with
        // its kubelet rules or subjects changed, and its owner's next sync would undo that.
        if plan.change.roles.contains(where: { !$0.isNew }) || !plan.change.bindings.isEmpty {
            o += "# replaced objects carry their rules, subjects, roleRef, labels and annotations in full (less kubectl's last-applied configuration),\n"
            o += "#   so Helm's and Argo CD's stay: carry the change into Helm values or GitOps sources too, which would otherwise revert it on their next sync\n"
        }
        var documents: [String] = []
        for r in plan.change.roles { documents.append(comments(r.comments) + role(r.role)) }
        for b in plan.change.bindings { documents.append(comments(b.comments) + binding(b.binding)) }
        return o + documents.map { "---\n" + $0 }.joined()
    }

    static func comments(_ lines: [String]) -> String {
        lines.map { "# " + $0.replacingOccurrences(of: "\n", with: " ") + "\n" }.joined()
    }

    static func metadata(name: String, namespace: String, labels: [String: String], annotations: [String: String]) -> String {
        var o = "metadata:\n  name: \(scalar(name))\n"
        if !namespace.isEmpty { o += "  namespace: \(scalar(namespace))\n" }
        if !labels.isEmpty { o += "  labels:\n" + map(labels, indent: "    ") }
        // Last-applied state describes the old object: kubectl would diff against the wrong thing.
        let kept = annotations.filter { $0.key != "kubectl.kubernetes.io/last-applied-configuration" }
        if !kept.isEmpty { o += "  annotations:\n" + map(kept, indent: "    ") }
        return o
    }

    static func map(_ m: [String: String], indent: String) -> String {
        m.keys.sorted().map { "\(indent)\(scalar($0)): \(scalar(m[$0]!))\n" }.joined()
    }

    static func role(_ r: Role) -> String {
        var o = "apiVersion: rbac.authorization.k8s.io/v1\nkind: \(r.kind.rawValue)\n"
        o += metadata(name: r.name, namespace: r.namespace, labels: r.labels, annotations: r.annotations)
        if r.rules.isEmpty { return o + "rules: []\n" }
        o += "rules:\n"
        for rule in r.rules {
            var first = true
            for (key, values) in [("apiGroups", rule.apiGroups), ("resources", rule.resources), ("resourceNames", rule.resourceNames),
                                  ("nonResourceURLs", rule.nonResourceURLs), ("verbs", rule.verbs)] where !values.isEmpty {
                o += (first ? "- " : "  ") + key + ":\n" + values.map { "  - \(scalar($0))\n" }.joined()
                first = false
            }
        }
        return o
    }

    static func binding(_ b: Binding) -> String {
        var o = "apiVersion: rbac.authorization.k8s.io/v1\nkind: \(b.kind.rawValue)\n"
        o += metadata(name: b.name, namespace: b.namespace, labels: b.labels, annotations: b.annotations)
        o += "roleRef:\n  apiGroup: \(scalar(b.roleRef.apiGroup))\n  kind: \(scalar(b.roleRef.kind))\n  name: \(scalar(b.roleRef.name))\n"
        if b.subjects.isEmpty { return o + "subjects: []\n" }
        o += "subjects:\n"
        for s in b.subjects {
            o += "- kind: \(scalar(s.kind))\n"
            if !s.apiGroup.isEmpty { o += "  apiGroup: \(scalar(s.apiGroup))\n" }
            o += "  name: \(scalar(s.name))\n"
            if !s.namespace.isEmpty { o += "  namespace: \(scalar(s.namespace))\n" }
        }
        return o
    }

    /// A plain scalar where YAML reads it back as the same string, else double-quoted.
    static func scalar(_ s: String) -> String {
        let plain = !s.isEmpty && s.unicodeScalars.allSatisfy { c in
            ("a"..."z").contains(c) || ("A"..."Z").contains(c) || ("0"..."9").contains(c) || "-./_".unicodeScalars.contains(c)
        } && !s.hasPrefix("-") && !s.hasPrefix(".") && Double(s) == nil
            && !["true", "false", "null", "yes", "no", "on", "off", "y", "n", "~"].contains(s.lowercased())
        // Go's %q escapes (\n, \t, \xNN, \uXXXX, …) are all YAML double-quoted escapes too.
        return plain ? s : goQuote(s)
    }
}
