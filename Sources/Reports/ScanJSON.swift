import Collectors
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
    public static let schemaVersion = FindingBaseline.newestSchemaVersion

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
            r.kubeletConfig.map { .value("kubeletConfig", KubeletConfigJSON.tree($0)) },
            // Elements read through buffer pointers are borrowed; a subscript copied each one.
            .items("subjects", count: subjects.count, item: { subject(subjects[$0]) },
                   bytes: { i, b in subjects.withUnsafeBufferPointer { subject($0[i], into: &b) } }),
            .items("findings", count: findings.count, item: { finding(findings[$0]) },
                   bytes: { i, b in findings.withUnsafeBufferPointer { finding($0[i], into: &b) } }),
            r.aiReview.map { .value("aiReview", AIReviewJSON.review($0)) },
            input.map { .value("input", $0) },
        ])
    }

    static func summary(_ r: ScanReport) -> JSONValue {
        .object([
            ("subjects", .integer(r.subjects.count)),
            ("execCapable", .integer(r.subjects.withUnsafeBufferPointer { s in s.indices.count { s[$0].inventory.execCapable } })),
            ("ungoverned", .integer(r.ungovernedCount)),
            ("findings", .object(Severity.allCases.reversed().map { ($0.description, .integer(r.count($0))) })),
        ])
    }

    static func location<B: JSONBuilder>(_ key: String, _ s: SourceLocation?, into b: inout B) {
        guard let s else { return }
        b.key(key)
        b.object { b in
            b.key("file"); b.string(s.file)
            if let line = s.line { b.key("line"); b.integer(line) }
        }
    }

    /// One subject as a tree (JSONPath) ...
    static func subject(_ s: ScanSubject) -> JSONValue {
        JSONTreeBuilder.build { subject(s, into: &$0) }
    }

    /// ... and told to any builder: `-o json` writes it to bytes without the tree.
    static func subject<B: JSONBuilder>(_ s: ScanSubject, into b: inout B) {
        let inv = s.inventory
        let held = KubeletPermissions.subresources.compactMap { sub in inv.access[sub].map { (sub, $0) } }
        // A rule that reaches several subresources is one chain: said once in `grants` (the
        // subject's chains in subresource order, as the inventory keeps them), and named by its
        // index under each subresource (v1 repeated the whole chain each time).
        let grants = inv.allGrants
        var index: [GrantPath: Int] = [:]
        index.reserveCapacity(grants.count)
        for (i, g) in grants.enumerated() where index[g] == nil { index[g] = i }
        let via = held.map { $0.1.via.map { index[$0]! } }
        b.beginObject()
        b.key("kind"); b.string(inv.subject.kind)
        b.key("name"); b.string(inv.subject.name)
        b.key("namespace"); b.string(inv.key.namespace)
        b.key("grants")
        b.array { b in
            grants.withUnsafeBufferPointer { for i in $0.indices { grant($0[i], into: &b) } }
        }
        b.key("access")
        b.object { b in
            for k in held.indices {
                b.key(held[k].0)
                b.object { b in
                    b.key("verbs"); b.strings(held[k].1.verbs)
                    b.key("nodes")
                    if let nodes = held[k].1.nodes { b.strings(nodes) } else { b.string("*") }
                    b.key("via")
                    b.array { b in for i in via[k] { b.integer(i) } }
                }
            }
        }
        b.key("execCapable"); b.bool(inv.execCapable)
        b.key("capabilities")
        b.array { b in for c in inv.capabilities { b.string(c.rawValue) } }
        b.key("paths")
        b.array { b in
            for p in inv.paths {
                b.object { b in
                    b.key("path"); b.string(p.endpoint.path)
                    b.key("methods"); b.strings(p.methods)
                    b.key("subresource"); b.string(p.subresource)
                    b.key("viaFallback"); b.bool(p.viaFallback)
                    b.key("canExecuteCommands"); b.bool(p.endpoint.canExecuteCommands)
                }
            }
        }
        if inv.subject.kind == Subject.serviceAccountKind {
            b.key("serviceAccount")
            b.object { b in
                b.key("exists")
                if let exists = inv.serviceAccountExists { b.bool(exists) } else { b.null() }
                b.key("workloads"); b.strings(inv.workloads)
            }
        }
        if let covers = s.covers { b.key("covers"); b.string(covers) }
        b.key("governance"); governance(s.governance, into: &b)
        b.key("collector"); collector(s.collector, into: &b)
        if let u = s.usage { b.key("usage"); usage(u, access: inv.access, into: &b) }
        b.endObject()
    }

    static func grant<B: JSONBuilder>(_ p: GrantPath, into b: inout B) {
        b.object { b in
            b.key("bindingKind"); b.string(p.binding.kind.rawValue)
            b.key("binding"); b.string(p.binding.name)
            b.key("roleKind"); b.string(p.role.kind.rawValue)
            b.key("role"); b.string(p.role.name)
            b.key("ruleIndex"); b.integer(p.ruleIndex)
            b.key("rule"); b.string(p.rule.summary)
            location("bindingSource", p.binding.source, into: &b)
            location("roleSource", p.role.source, into: &b)
        }
    }

    static func usage<B: JSONBuilder>(_ usage: [String: SubresourceUsage], access: [String: SubresourceAccess], into b: inout B) {
        b.object { b in
            for sub in KubeletPermissions.subresources where access[sub] != nil || usage[sub] != nil {
                let u = usage[sub] ?? SubresourceUsage()
                b.key(sub)
                b.object { b in
                    b.key("status"); b.string(u.status)
                    b.key("allowed"); b.integer(u.allowed)
                    b.key("denied"); b.integer(u.denied)
                    b.key("lastUsed"); b.string(orNull: u.lastUsed.map(AuditTimestamp.text))
                }
            }
        }
    }

    /// The catalogue agent the subject's workloads were recognised as; null when none was.
    static func collector<B: JSONBuilder>(_ c: CollectorAssessment?, into b: inout B) {
        guard let c else { b.null(); return }
        b.beginObject()
        b.key("id"); b.string(c.collector.id)
        b.key("name"); b.string(c.collector.name)
        b.key("matchedBy"); b.strings(c.match.signals.map(\.description))
        b.key("minimalGrant"); kubeletGrant(c.minimalGrant, into: &b)
        b.key("widerThanNeeded"); b.bool(c.widerThanNeeded)
        b.key("excess"); kubeletGrant(c.excess, into: &b)
        b.key("needsProxy"); b.bool(c.needsProxy)
        b.key("proxyViaAPIServer"); b.bool(c.proxyViaAPIServer)
        b.key("firm"); b.bool(c.firm)
        b.endObject()
    }

    /// Kubelet permissions as `access` names them: subresource → verbs.
    static func kubeletGrant<B: JSONBuilder>(_ pairs: some Sequence<ResourceVerb>, into b: inout B) {
        b.object { b in
            for (sub, verbs) in CollectorAssessment.bySubresource(pairs) { b.key(sub); b.strings(verbs) }
        }
    }

    static func governance<B: JSONBuilder>(_ g: GovernanceRecord?, into b: inout B) {
        b.object { b in
            b.key("owner"); b.string(orNull: g?.owner)
            b.key("purpose"); b.string(orNull: g?.purpose)
            b.key("reviewed"); b.string(orNull: g?.reviewed?.description)
            b.key("nextReview"); b.string(orNull: g?.nextReview?.description)
            b.key("ticket"); b.string(orNull: g?.ticket)
            b.key("source"); b.string(orNull: g?.origin.description)
            b.key("approved")
            guard let approved = g?.approved else { b.null(); return }
            b.array { b in
                for a in approved {
                    b.object { b in
                        b.key("subresources"); b.strings(a.subresources)
                        b.key("verbs"); b.strings(a.verbs)
                        b.key("nodes")
                        if let nodes = a.nodes { b.strings(nodes) } else { b.string("*") }
                    }
                }
            }
        }
    }

    public static func finding(_ f: Finding) -> JSONValue {
        JSONTreeBuilder.build { finding(f, into: &$0) }
    }

    static func finding<B: JSONBuilder>(_ f: Finding, into b: inout B) {
        b.object { b in
            b.key("id"); b.string(f.rule.id)
            b.key("name"); b.string(f.rule.name)
            b.key("severity"); b.string(f.severity.description)
            b.key("fingerprint"); b.string(f.fingerprint)
            b.key("title"); b.string(f.rule.title)
            b.key("subject")
            if let k = f.subject {
                b.object { b in
                    b.key("kind"); b.string(k.kind)
                    b.key("name"); b.string(k.name)
                    b.key("namespace"); b.string(k.namespace)
                }
            } else {
                b.null()
            }
            b.key("message"); b.string(f.message)
            b.key("fix"); b.string(f.rule.fix)
            b.key("locations")
            b.array { b in
                for l in f.locations {
                    b.object { b in
                        b.key("kind"); b.string(l.kind)
                        b.key("name"); b.string(l.name)
                        if !l.namespace.isEmpty { b.key("namespace"); b.string(l.namespace) }
                        if let source = l.source {
                            b.key("file"); b.string(source.file)
                            if let line = source.line { b.key("line"); b.integer(line) }
                        }
                    }
                }
            }
        }
    }
}
