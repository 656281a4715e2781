import Evidence
import Governance
import KubeJSON
import KubeletModel
import RBAC

/// `scan -o json` (and the tree behind yaml): the documented contract. Fields are only added
/// within a schema version; a change of shape raises `schemaVersion` (docs/COMMANDS.md).
public enum ScanJSON {
    /// 2: each subject says its grant chains once (`grants`) and `access[sub].via` holds indices
    /// into them; 1 (no `schemaVersion` member) repeated the chain under every subresource.
    public static let schemaVersion = 2

    /// The whole report as one tree: what `-o jsonpath` evaluates over.
    public static func report(_ r: ScanReport, input: JSONValue? = nil) -> JSONValue {
        document(r, input: input).tree
    }

    /// The report member by member, subjects and findings one at a time, for the streamed
    /// writers: the first member is `schemaVersion`, so a reader knows the shape before the rest.
    public static func document(_ r: ScanReport, input: JSONValue? = nil) -> StreamedObject {
        let subjects = r.subjects, findings = r.findings
        return StreamedObject([
            .value("schemaVersion", .integer(schemaVersion)),
            .value("kubeVersion", .string(r.profile.version.description)),
            .value("kubeVersionSource", .string(r.versionSource.rawValue)),
            .value("kubeletVersions", .object(r.kubeletVersions.keys.sorted().map { ($0, .strings(r.kubeletVersions[$0]!.sorted())) })),
            .value("featureGates", .object(FeatureGate.allCases.map { ($0.rawValue, .bool(r.profile.isEnabled($0))) })),
            .value("now", .string(r.now.description)),
            r.registerSource.map { .value("register", .string($0)) },
            .value("summary", summary(r)),
            r.evidence.map { e in
                .value("evidence", .object([
                    ("window", e.window.map { w in .object([("first", .string(AuditTimestamp.text(w.first))), ("last", .string(AuditTimestamp.text(w.last)))]) } ?? .null),
                    ("unusedDays", .integer(e.unusedDays)),
                    ("unusedNotJudged", e.unusedCheck(nowSeconds: Double(AuditTimestamp.daysFromCivil(r.now.year, r.now.month, r.now.day) * 86400 + 86399)).map(JSONValue.string) ?? .null),
                    ("usageRows", .integer(e.usage.count)),
                ]))
            },
            .items("subjects", count: subjects.count) { subject(subjects[$0]) },
            .items("findings", count: findings.count) { finding(findings[$0]) },
            input.map { .value("input", $0) },
        ])
    }

    static func summary(_ r: ScanReport) -> JSONValue {
        .object([
            ("subjects", .integer(r.subjects.count)),
            ("execCapable", .integer(r.subjects.filter { $0.inventory.execCapable }.count)),
            ("ungoverned", .integer(r.ungovernedCount)),
            ("findings", .object(Severity.allCases.reversed().map { ($0.description, .integer(r.count($0))) })),
        ])
    }

    public static func subjectRef(_ k: SubjectKey) -> JSONValue {
        .object([("kind", .string(k.kind)), ("name", .string(k.name)), ("namespace", .string(k.namespace))])
    }

    static func location(_ s: SourceLocation?) -> JSONValue? {
        guard let s else { return nil }
        return .object([("file", .string(s.file)), ("line", s.line.map(JSONValue.integer))])
    }

    static func subject(_ s: ScanSubject) -> JSONValue {
        let inv = s.inventory
        // A rule that reaches several subresources is one chain: said once in `grants`, and
        // named by its index under each subresource (v1 repeated the whole chain each time).
        var grants: [GrantPath] = []
        var access: [(String, JSONValue)] = []
        for sub in KubeletPermissions.subresources {
            guard let a = inv.access[sub] else { continue }
            let via: [JSONValue] = a.via.map { p in
                if let i = grants.firstIndex(of: p) { return .integer(i) }
                grants.append(p)
                return .integer(grants.count - 1)
            }
            access.append((sub, .object([
                ("verbs", .strings(a.verbs)),
                ("nodes", a.nodes.map(JSONValue.strings) ?? .string("*")),
                ("via", .array(via)),
            ])))
        }
        let governance = self.governance(s.governance)
        return .object([
            ("kind", .string(inv.subject.kind)), ("name", .string(inv.subject.name)), ("namespace", .string(inv.key.namespace)),
            ("grants", .array(grants.map(grant))),
            ("access", .object(access)),
            ("execCapable", .bool(inv.execCapable)),
            ("capabilities", .strings(inv.capabilities.map(\.rawValue))),
            ("paths", .array(inv.paths.map { p in
                .object([("path", .string(p.endpoint.path)), ("methods", .strings(p.methods)), ("subresource", .string(p.subresource)),
                         ("viaFallback", .bool(p.viaFallback)), ("canExecuteCommands", .bool(p.endpoint.canExecuteCommands))])
            })),
            ("serviceAccount", inv.subject.kind == Subject.serviceAccountKind
                ? .object([("exists", inv.serviceAccountExists.map(JSONValue.bool) ?? .null), ("workloads", .strings(inv.workloads))]) : nil),
            ("covers", s.covers.map(JSONValue.string)),
            ("governance", governance),
            ("usage", s.usage.map { usageJSON($0, access: inv.access) }),
        ])
    }

    static func grant(_ p: GrantPath) -> JSONValue {
        .object([
            ("bindingKind", .string(p.binding.kind.rawValue)), ("binding", .string(p.binding.name)),
            ("roleKind", .string(p.role.kind.rawValue)), ("role", .string(p.role.name)),
            ("ruleIndex", .integer(p.ruleIndex)), ("rule", .string(p.rule.summary)),
            ("bindingSource", location(p.binding.source)), ("roleSource", location(p.role.source)),
        ])
    }

    static func usageJSON(_ usage: [String: SubresourceUsage], access: [String: SubresourceAccess]) -> JSONValue {
        var members: [(String, JSONValue)] = []
        for sub in KubeletPermissions.subresources where access[sub] != nil || usage[sub] != nil {
            let u = usage[sub] ?? SubresourceUsage()
            let last: JSONValue = u.lastUsed.map { JSONValue.string(AuditTimestamp.text($0)) } ?? .null
            members.append((sub, .object([("status", .string(u.status)), ("allowed", .integer(u.allowed)),
                                          ("denied", .integer(u.denied)), ("lastUsed", last)])))
        }
        return .object(members)
    }

    static func str(_ s: String?) -> JSONValue { s.map(JSONValue.string) ?? .null }

    static func approved(_ a: ApprovedAccess) -> JSONValue {
        let nodes: JSONValue = a.nodes.map(JSONValue.strings) ?? .string("*")
        return .object([("subresources", .strings(a.subresources)), ("verbs", .strings(a.verbs)), ("nodes", nodes)])
    }

    static func governance(_ g: GovernanceRecord?) -> JSONValue {
        let approvedList: JSONValue = g?.approved.map { JSONValue.array($0.map(approved)) } ?? .null
        return .object([
            ("owner", str(g?.owner)),
            ("purpose", str(g?.purpose)),
            ("reviewed", str(g?.reviewed?.description)),
            ("nextReview", str(g?.nextReview?.description)),
            ("ticket", str(g?.ticket)),
            ("source", str(g?.origin.description)),
            ("approved", approvedList),
        ])
    }

    public static func finding(_ f: Finding) -> JSONValue {
        .object([
            ("id", .string(f.rule.id)), ("name", .string(f.rule.name)), ("severity", .string(f.severity.description)),
            ("fingerprint", .string(f.fingerprint)),
            ("title", .string(f.rule.title)),
            ("subject", f.subject.map(subjectRef) ?? .null),
            ("message", .string(f.message)),
            ("fix", .string(f.rule.fix)),
            ("locations", .array(f.locations.map { l in
                .object([("kind", .string(l.kind)), ("name", .string(l.name)),
                         ("namespace", l.namespace.isEmpty ? nil : .string(l.namespace)),
                         ("file", l.source.map { .string($0.file) }), ("line", l.source?.line.map(JSONValue.integer))])
            })),
        ])
    }
}
