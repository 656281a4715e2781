import Cluster
import Collectors
import KubeletModel
import RBAC

/// Every finding rule, each a small function of the inventory, the policy and the snapshot.
enum FindingDetector {
    static func findings(subjects: [ScanSubject], policy: RBACPolicy, snapshot: ClusterSnapshot, profile: KubeletProfile,
                         versions: [String: [String]], options: ScanOptions) -> [Finding] {
        var out: [Finding] = []
        for s in subjects {
            // Control-plane access is reported as such and never advised away; a record in the
            // register is still checked (owner, review dates, what it approves).
            if let role = ControlPlaneAccess.role(of: s.key, apiServerKubeletClient: options.apiServerKubeletClient) {
                out.append(Finding(.controlPlaneAccess, subject: s.key,
                                   message: "\(s.key) holds kubelet access (\(summary(s.inventory.access))) as \(role)",
                                   locations: locations(s.inventory.allGrants)))
                if s.governance != nil && !ClusterScanner.isMasters(s.key) { out += governanceFindings(s, now: options.now) }
                continue
            }
            out += subjectFindings(s, profile: profile)
            out += governanceFindings(s, now: options.now)
        }
        out += bindingFindings(policy: policy, snapshot: snapshot, subjects: subjects, profile: profile,
                               apiServerKubeletClient: options.apiServerKubeletClient)
        out += roleFindings(policy: policy, profile: profile)
        out += APIServerClientFindings.findings(subjects: subjects, policy: policy, snapshot: snapshot, profile: profile,
                                                user: options.apiServerKubeletClient)
        out += clusterFindings(profile: profile, versions: versions)
        out += GuardrailFindings.findings(policies: snapshot.admissionPolicies, policy: policy, now: options.now)
        if let register = options.register {
            let held = Set(subjects.map(\.key))
            for entry in register.entries where !held.contains(entry.subject) {
                out.append(Finding(.staleRegisterEntry, subject: entry.subject,
                                   message: "the register approves kubelet access for \(entry.subject), which holds none",
                                   locations: [.init(kind: "RegisterEntry", name: entry.subject.description, source: entry.location)]))
            }
        }
        return out
    }

    static func locations(_ paths: [GrantPath]) -> [Finding.Location] {
        paths.flatMap { [Finding.Location.of($0.binding), Finding.Location.of($0.role)] }
    }

    static func chain(_ paths: [GrantPath]) -> String {
        var seen: [String] = []
        for p in paths {
            let text = "ClusterRoleBinding \(p.binding.name) → ClusterRole \(p.role.name)"
            if !seen.contains(text) { seen.append(text) }
        }
        return seen.joined(separator: ", ")
    }

    static func scope(_ a: SubresourceAccess) -> String {
        guard let nodes = a.nodes else { return "on every node" }
        return "on node\(nodes.count == 1 ? "" : "s") \(nodes.joined(separator: ", "))"
    }

    static func subjectFindings(_ s: ScanSubject, profile: KubeletProfile) -> [Finding] {
        var out: [Finding] = []
        let key = s.key
        let broad = ClusterScanner.isBroad(key)
        if let proxy = s.inventory.access["proxy"], proxy.allows("get") || proxy.allows("create") {
            let how = proxy.allows("get") && proxy.allows("create") ? "get and create" : proxy.allows("get") ? "get (WebSocket /exec)" : "create (SPDY /exec, /run)"
            out.append(Finding(.execViaNodesProxy, severity: broad ? .critical : .high, subject: key,
                               message: "\(key) can run commands in every pod \(scope(proxy)): \(how) on nodes/proxy through \(chain(proxy.via))",
                               locations: locations(proxy.via)))
        }
        if let c = s.collector, c.firm, c.widerThanNeeded {
            var message = "\(key) runs \(c.collector.name) (recognised by \(c.match.signals.map(\.description).joined(separator: ", "))), "
                + "which needs \(CollectorAssessment.text(c.minimalGrant)) on \(profile.version); it also holds \(CollectorAssessment.text(c.excess))"
            if c.needsProxy && c.proxyViaAPIServer {
                message += "; its nodes/proxy is for calls through the API server's node proxy, which a configuration change removes, not an RBAC change"
            }
            out.append(Finding(.collectorWiderThanNeeded, severity: c.excessIncludesProxy ? .high : .medium, subject: key,
                               message: message, locations: locations(s.inventory.allGrants)))
        }
        if let cp = s.inventory.access["checkpoint"], cp.allows("create") {
            out.append(Finding(.checkpointAccess, subject: key,
                               message: "\(key) can checkpoint (dump the memory of) any container \(scope(cp)) through \(chain(cp.via))",
                               locations: locations(cp.via)))
        }
        if broad {
            let sensitive = s.inventory.capabilities.contains { [.commandExecution, .attach, .memoryDump, .readContainerLogs, .readPodSpecs, .readNodeLogs].contains($0) }
            let subs = KubeletPermissions.subresources.filter { s.inventory.access[$0] != nil }.map { "nodes/\($0)" }.joined(separator: ", ")
            let via = s.inventory.allGrants
            out.append(Finding(.broadGroupAccess, severity: sensitive ? .critical : .high, subject: key,
                               message: "\(key) — \(s.covers ?? "a broad group") — holds \(subs) through \(chain(via))",
                               locations: locations(via)))
        }
        if s.inventory.subject.kind == Subject.serviceAccountKind, s.inventory.serviceAccountExists == false {
            let via = s.inventory.allGrants
            out.append(Finding(.bindingToMissingServiceAccount, subject: key,
                               message: "\(key) does not exist but is granted kubelet access through \(chain(via)); creating it inherits the access",
                               locations: locations(via).filter { $0.kind == "ClusterRoleBinding" }))
        }
        return out
    }

    static func governanceFindings(_ s: ScanSubject, now: Day) -> [Finding] {
        let key = s.key
        let via = s.inventory.allGrants
        guard let g = s.governance else {
            return [Finding(.ungovernedAccess, severity: s.inventory.execCapable ? .high : .medium, subject: key,
                            message: "\(key) holds kubelet access (\(summary(s.inventory.access))) that no register entry or annotation governs",
                            locations: locations(via))]
        }
        var out: [Finding] = []
        let origin = originLocation(g)
        if g.owner == nil || g.purpose == nil {
            let missing = [g.owner == nil ? "owner" : nil, g.purpose == nil ? "purpose" : nil].compactMap { $0 }.joined(separator: " and ")
            out.append(Finding(.missingOwnerOrPurpose, subject: key, message: "\(key): the governance record (\(g.origin.description)) has no \(missing)",
                               locations: origin))
        }
        if g.reviewed == nil && g.owner != nil && s.inventory.execCapable {
            out.append(Finding(.neverReviewed, subject: key,
                               message: "\(key) can execute commands in pods; its governance record (\(g.origin.description)) names owner \(g.owner!) but no review date",
                               locations: origin))
        }
        if let next = g.nextReview, next < now {
            out.append(Finding(.reviewOverdue, severity: s.inventory.execCapable ? .high : .medium, subject: key,
                               message: "\(key): review was due \(next) (last reviewed \(g.reviewed?.description ?? "never")); owner \(g.owner ?? "unknown")",
                               locations: origin))
        }
        if let approved = g.approved {
            let excess = beyond(s.inventory.access, approved: approved)
            if !excess.isEmpty {
                out.append(Finding(.accessBeyondApproved, subject: key,
                                   message: "\(key) holds \(excess.joined(separator: "; ")) beyond what \(g.origin.description) approves",
                                   locations: origin + locations(via)))
            }
        }
        for problem in g.problems {
            out.append(Finding(.unreadableGovernance, subject: key, message: "\(key): \(problem)", locations: origin))
        }
        return out
    }

    static func originLocation(_ g: GovernanceRecord) -> [Finding.Location] {
        switch g.origin {
        case .register(let l): return [.init(kind: "RegisterEntry", name: "", source: l)]
        case .serviceAccountAnnotations(let l): return [.init(kind: "ServiceAccount", name: "", source: l)]
        case .bindingAnnotations(let b, let l): return [.init(kind: "ClusterRoleBinding", name: b, source: l)]
        }
    }

    static func summary(_ access: [String: SubresourceAccess]) -> String {
        KubeletPermissions.subresources.compactMap { sub in
            access[sub].map { "\($0.verbs.joined(separator: ",")) nodes/\(sub)" }
        }.joined(separator: ", ")
    }

    /// Permissions held but not approved, in words — judged grant by grant, so a verb pinned
    /// to some nodes is compared with approvals for those nodes.
    static func beyond(_ access: [String: SubresourceAccess], approved: [ApprovedAccess]) -> [String] {
        var out: [String] = []
        for sub in KubeletPermissions.subresources {
            guard let a = access[sub] else { continue }
            let entries = approved.filter { $0.subresources.contains(sub) || $0.subresources.contains("*") }
            var unapprovedVerbs: [String] = []
            var unapprovedScope: [String] = []
            for p in a.via {
                let verbs = p.rule.verbs.contains("*") ? ["*"] : p.rule.verbs.filter { KubeletPermissions.verbs.contains($0) && !$0.isEmpty }
                let held: [String]? = p.rule.resourceNames.isEmpty ? nil : p.rule.resourceNames
                for v in verbs {
                    let byVerb = entries.filter { $0.verbs.contains(v) || $0.verbs.contains("*") }
                    if byVerb.isEmpty {
                        if !unapprovedVerbs.contains(v) { unapprovedVerbs.append(v) }
                        continue
                    }
                    if byVerb.contains(where: { $0.nodes == nil }) { continue }
                    let allowed = Set(byVerb.flatMap { $0.nodes ?? [] })
                    if let held {
                        for n in held where !allowed.contains(n) && !unapprovedScope.contains("\(v) on \(n)") { unapprovedScope.append("\(v) on \(n)") }
                    } else if !unapprovedScope.contains("\(v) on every node") {
                        unapprovedScope.append("\(v) on every node")
                    }
                }
            }
            if !unapprovedVerbs.isEmpty { out.append("\(unapprovedVerbs.joined(separator: ",")) on nodes/\(sub)") }
            if !unapprovedScope.isEmpty {
                let approvedNodes = Set(entries.flatMap { $0.nodes ?? [] }).sorted().joined(separator: ", ")
                out.append("nodes/\(sub) \(unapprovedScope.joined(separator: ", ")) (approved nodes: \(approvedNodes))")
            }
        }
        return out
    }

    static func bindingFindings(policy: RBACPolicy, snapshot: ClusterSnapshot, subjects: [ScanSubject], profile: KubeletProfile,
                                apiServerKubeletClient: String) -> [Finding] {
        var out: [Finding] = []
        let checked = Set(KubeletVocabulary(profile: profile).checked.map(\.rawValue))
        // Many bindings share a role: judge each role's rules once.
        struct RoleKey: Hashable { let kind: Role.Kind, namespace: String, name: String }
        var grantsByRole: [RoleKey: [[String: [String]]]] = [:]
        policy.forEachBinding { binding in
            switch policy.resolve(binding.roleRef, bindingNamespace: binding.namespace) {
            case .failure(let e):
                out.append(Finding(.bindingToMissingRole, message: "\(binding.kind.rawValue) \(binding.describedName) grants nothing: \(e)",
                                   locations: [.of(binding)]))
            case .success(let role):
                let roleKey = RoleKey(kind: role.kind, namespace: role.namespace, name: role.name)
                let grants: [[String: [String]]]
                if let cached = grantsByRole[roleKey] { grants = cached } else {
                    grants = role.rules.map { KubeletAccessInventory.kubeletGrants(of: $0, checked: checked) }
                    grantsByRole[roleKey] = grants
                }
                let kubelet = grants.contains { !$0.isEmpty }
                if binding.kind == .roleBinding && kubelet {
                    let subs = Set(grants.flatMap(\.keys)).sorted().map { "nodes/\($0)" }.joined(separator: ", ")
                    out.append(Finding(.roleBindingGrantsNothing,
                                       message: "RoleBinding \(binding.describedName) binds \(role.kind.rawValue) \(role.name) (\(subs)) but RoleBindings never grant kubelet access",
                                       locations: [.of(binding), .of(role)]))
                }
                if binding.kind == .clusterRoleBinding && kubelet
                    && !binding.subjects.allSatisfy({ ControlPlaneAccess.role(of: SubjectKey($0), apiServerKubeletClient: apiServerKubeletClient) != nil }) {
                    for (i, rule) in role.rules.enumerated() where !grants[i].isEmpty {
                        let wildResource = rule.resources.contains { $0 == "*" || $0.hasPrefix("*/") }
                        let wildVerb = rule.verbs.contains("*")
                        guard wildResource || wildVerb else { continue }
                        let proxy = grants[i]["proxy"] != nil
                        let what = [wildResource ? "resources \(rule.resources.filter { $0 == "*" || $0.hasPrefix("*/") }.joined(separator: ","))" : nil,
                                    wildVerb ? "verbs *" : nil].compactMap { $0 }.joined(separator: " and ")
                        out.append(Finding(.wildcardKubeletGrant, severity: proxy ? .high : .medium,
                                           message: "ClusterRoleBinding \(binding.name) → ClusterRole \(role.name) rules[\(i)] grants kubelet access with \(what) (\(grants[i].keys.sorted().map { "nodes/\($0)" }.joined(separator: ", ")))",
                                           locations: [.of(binding), .of(role)]))
                    }
                }
            }
        }
        return out
    }

    static func roleFindings(policy: RBACPolicy, profile: KubeletProfile) -> [Finding] {
        var out: [Finding] = []
        let roles = policy.clusterRoles.values.sorted { $0.name < $1.name }
            + policy.roles.keys.sorted().flatMap { ns in policy.roles[ns]!.values.sorted { $0.name < $1.name } }
        let known = Set(KubeletPermissions.subresources).union(KubeletPermissions.apiServerNodeSubresources)
        let vocabulary = KubeletVocabulary(profile: profile)
        let kubeletVerbs = Set(KubeletPermissions.verbs.filter { !$0.isEmpty } + ["*"])
        for role in roles {
            for (i, rule) in role.rules.enumerated() where RuleMatcher.apiGroupMatches(rule, "") {
                let where_ = "\(role.kind.rawValue) \(role.namespace.isEmpty ? "" : role.namespace + "/")\(role.name) rules[\(i)]"
                for r in rule.resources where r.hasPrefix("nodes/") {
                    let sub = String(r.dropFirst(6))
                    if sub == "*" {
                        out.append(Finding(.literalWildcardSubresource, message: "\(where_): nodes/* matches no kubelet check (it is not a wildcard)", locations: [.of(role)]))
                    } else if !known.contains(sub) {
                        let hint = KubeletPermissions.typoHints[sub.lowercased()].map { " — did you mean nodes/\($0)?" } ?? ""
                        out.append(Finding(.unknownNodeSubresource, message: "\(where_): nodes/\(sub) is checked by no kubelet\(hint)", locations: [.of(role)]))
                    } else if sub == "spec" && profile.version >= .v(21) {
                        out.append(Finding(.specSubresourceGone, message: "\(where_): nodes/spec has granted nothing since 1.21 (this cluster: \(profile.version))", locations: [.of(role)]))
                    } else if let s = KubeletSubresource(rawValue: sub), !vocabulary.checks(s) {
                        out.append(Finding(.subresourceNotChecked, message: "\(where_): nodes/\(sub) is checked by no kubelet at \(profile.version)\(gateNote(s, profile)); the grant gives nothing today", locations: [.of(role)]))
                    }
                }
                if rule.resources.contains("*/*") {
                    out.append(Finding(.literalWildcardSubresource, message: "\(where_): */* matches no kubelet check (it is not a wildcard)", locations: [.of(role)]))
                }
                // list/watch are fine on `nodes` itself; only rules that name nothing but
                // subresources can be judged.
                let onlySubresources = !rule.resources.isEmpty && rule.resources.allSatisfy { $0.hasPrefix("nodes/") || $0.hasPrefix("*/") }
                if onlySubresources && !KubeletAccessInventory.kubeletGrants(of: PolicyRule(verbs: ["*"], apiGroups: rule.apiGroups, resources: rule.resources)).isEmpty {
                    let extra = rule.verbs.filter { !kubeletVerbs.contains($0) }
                    if !extra.isEmpty {
                        out.append(Finding(.verbsKubeletNeverSends, message: "\(where_): verbs \(extra.joined(separator: ", ")) on \(rule.resources.joined(separator: ", ")) are never sent by a kubelet", locations: [.of(role)]))
                    }
                }
            }
        }
        return out
    }

    /// Why a known subresource is not checked: the gate that would make the kubelet check it.
    static func gateNote(_ s: KubeletSubresource, _ profile: KubeletProfile) -> String {
        let gate: FeatureGate? = switch s {
        case .statusz: .componentStatusz
        case .checkpoint: .containerCheckpoint
        case .pods, .healthz, .configz: .kubeletFineGrainedAuthz
        default: nil
        }
        guard let gate, gate.exists(in: profile.version) else { return "" }
        return " with \(gate.rawValue)=\(profile.isEnabled(gate))"
    }

    static func clusterFindings(profile: KubeletProfile, versions: [String: [String]]) -> [Finding] {
        var out: [Finding] = []
        if !profile.fineGrainedAuthz {
            out.append(Finding(.clusterTooOldForFineGrained,
                               message: "kubelets at \(profile.version)\(profile.fineGrainedAuthz ? "" : " with KubeletFineGrainedAuthz off") check only nodes/proxy for /pods, /healthz and /configz"))
        }
        let parsed = Set(versions.keys.compactMap(KubernetesVersion.init))
        if parsed.count > 1 {
            let list = versions.keys.sorted().map { "\($0) (\(versions[$0]!.count) node\(versions[$0]!.count == 1 ? "" : "s"))" }.joined(separator: ", ")
            out.append(Finding(.mixedKubeletVersions, message: "nodes run kubelets \(list); the scan answers for \(profile.version)"))
        }
        return out
    }
}
