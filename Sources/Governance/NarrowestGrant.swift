import Collectors
import KubeletModel
import RBAC

/// The narrowest kubelet grant that keeps a subject working on the target release: what the
/// evidence shows it used and the catalogue says its agent calls, each as the narrowest check
/// the kubelet sends for it; everything else dropped only where the evidence (or, without
/// evidence, a firm catalogue entry) supports it. Pure: values in, a `SubjectPlan` out.
public enum NarrowestGrant {
    public struct Context: Sendable {
        public let profile: KubeletProfile
        public let evidence: EvidenceSufficiency
        public let pinNodes: Bool
        /// A node catalogue paths are replayed on when nothing pins the subject.
        public let anyNode: String
        /// Nodes on the target (oldest) release when several run: they hold back a fine-grained
        /// grant the newer kubelets would check.
        public let heldBackBy: [String]

        public init(profile: KubeletProfile, evidence: EvidenceSufficiency, pinNodes: Bool,
                    anyNode: String, heldBackBy: [String]) {
            self.profile = profile
            self.evidence = evidence
            self.pinNodes = pinNodes
            self.anyNode = anyNode
            self.heldBackBy = heldBackBy
        }
    }

    /// The permissions `subject` holds, each on the nodes its granting rules allow.
    public static func held(_ subject: InventorySubject) -> [PlannedPermission] {
        var out: [PlannedPermission] = []
        for sub in KubeletPermissions.subresources {
            guard let a = subject.access[sub] else { continue }
            for verb in a.verbs {
                let rules = a.via.map(\.rule).filter { RuleMatcher.verbMatches($0, verb) }
                let nodes: [String]? = rules.contains { $0.resourceNames.isEmpty } ? nil : Array(Set(rules.flatMap(\.resourceNames))).sorted()
                out.append(PlannedPermission(ResourceVerb(resource: "nodes/" + sub, verb: verb), nodes: nodes))
            }
        }
        return out
    }

    public static func plan(_ subject: InventorySubject, uses: [ObservedUse], collector: CollectorMatch?, context c: Context) -> SubjectPlan {
        let held = held(subject)
        let proxy = KubeletSubresource.proxy.rawValue
        var needs: [ResourceVerb: PlannedPermission] = [:]
        var needOrder: [ResourceVerb] = []
        var unprovable: [String] = []
        var review: [String] = []
        var fallbackUses: [String: Int] = [:]
        var execPaths = Set<String>()
        var replay: [ReplayRequest] = []

        /// The held permission that lets one of `checks` through on `node`, in check order.
        func ownPassing(_ checks: [KubeletCheck], node: String) -> PlannedPermission? {
            for check in checks {
                if let h = held.first(where: { $0.permission.resource == "nodes/" + check.subresource
                    && ($0.permission.verb == check.verb || $0.permission.verb == "*")
                    && ($0.nodes?.contains(node) ?? true) }) { return h }
            }
            return nil
        }
        func need(_ pair: ResourceVerb, nodes: [String]?, reason: String? = nil) {
            if var known = needs[pair] {
                if let reason, !known.reasons.contains(reason) { known.reasons.append(reason) }
                // Pinned needs of several pinned grants: the union of their nodes; any unpinned one wins.
                if let a = known.nodes, let b = nodes { known.nodes = Array(Set(a + b)).sorted() } else { known.nodes = nil }
                needs[pair] = known
            } else {
                needs[pair] = PlannedPermission(pair, nodes: nodes, reasons: reason.map { [$0] } ?? [])
                needOrder.append(pair)
            }
        }

        func because(_ pair: ResourceVerb, _ reason: String) {
            if needs[pair]?.reasons.contains(reason) == false { needs[pair]!.reasons.append(reason) }
        }

        // What it used, tallied per permission so that each reason counts every use once.
        struct Tally {
            var count = 0, fallback = 0
            var nodes = Set<String>()
            var apiServerPaths = Set<String>()
            var unknownPath = 0
            var deniedInLog = 0
            var upgrade: [String: String] = [:]  // fine-grained subresource → the request's text
        }
        var tally: [ResourceVerb: Tally] = [:]
        let window = c.evidence.text
        for use in uses {
            let request = ReplayRequest(route: use.route, user: use.user, node: use.node, method: ObservedUse.method(forVerb: use.verb),
                                        path: use.representativePath, origin: .evidence(count: use.count, passedInLog: use.passed))
            replay.append(request)
            if use.viaFallback { fallbackUses[use.subresource, default: 0] += use.count }
            if use.passed { execPaths.formUnion(use.execPaths) }
            let checks = request.checks(profile: c.profile)
            // A request the log saw denied but that the subject's grants let through today is
            // kept working too: the grant may have been added for it since.
            guard let first = checks.first, let own = ownPassing(checks, node: use.node) else { continue }
            let pair = ResourceVerb(resource: "nodes/" + first.subresource, verb: first.verb)
            need(pair, nodes: own.nodes)
            var t = tally[pair] ?? Tally()
            if !use.passed { t.deniedInLog += use.count }
            t.count += use.count
            t.nodes.insert(use.node)
            if use.viaFallback { t.fallback += use.count }
            switch use.route {
            case .apiServerProxy:
                t.apiServerPaths.formUnion(use.kubeletPaths)
            case .kubelet where first.subresource == proxy && use.subresource != proxy:
                // Used only through the fallback, and this release has nothing narrower.
                t.upgrade[use.subresource] = "\(request.method) \(request.path ?? "")"
            case .kubelet where first.subresource == proxy:
                t.unknownPath += use.count
            case .kubelet:
                break
            }
            tally[pair] = t
        }
        for pair in needOrder {
            guard let t = tally[pair] else { continue }
            let times = "\(t.count) time\(t.count == 1 ? "" : "s") on \(t.nodes.count) node\(t.nodes.count == 1 ? "" : "s") in \(window)"
                + (t.deniedInLog > 0 ? " (\(t.deniedInLog) denied in the log but allowed by today's grants)" : "")
            if !t.apiServerPaths.isEmpty {
                let paths = t.apiServerPaths.sorted()
                because(pair, "used \(times) through the API server's node proxy (\(paths.prefix(3).joined(separator: ", "))\(paths.count > 3 ? ", …" : "")), where only nodes/proxy is checked")
                let note = "\(pair) is used through the API server's node proxy: removing it needs a change to the collector's configuration (scrape the kubelet directly), not RBAC"
                if !unprovable.contains(note) { unprovable.append(note) }
            }
            for (sub, text) in t.upgrade.sorted(by: { $0.key < $1.key }) {
                let backers = c.heldBackBy.isEmpty ? "" : " (held back by \(c.heldBackBy.joined(separator: ", ")))"
                because(pair, "\(text) on Kubernetes \(c.profile.version) needs nodes/proxy: nodes/\(sub) is not checked there; upgrade first\(backers)")
            }
            if t.unknownPath > 0 {
                because(pair, "used \(pair) \(t.unknownPath) time\(t.unknownPath == 1 ? "" : "s") not as a fallback: path unknown (kubelet reviews carry no path)")
            }
            if t.apiServerPaths.isEmpty && t.upgrade.isEmpty && t.unknownPath == 0 {
                because(pair, "used \(times)" + (t.fallback > 0 ? " (\(t.fallback) only through the nodes/proxy fallback)" : ""))
            }
        }
        let execPathsSeen = execPaths.sorted()
        if !execPathsSeen.isEmpty { review.append("exec-capable paths used through the API server's node proxy: \(execPathsSeen.joined(separator: ", "))") }
        let evidenceNeeds = Set(needs.keys)
        // The nodes it was seen on, for --pin-nodes: catalogue paths are replayed on one of them.
        let seen = c.pinNodes && c.evidence.sufficient ? tally.values.reduce(into: Set<String>()) { $0.formUnion($1.nodes) }.sorted() : []
        let catalogueNode = seen.first ?? c.anyNode

        // What its agent needs, by the catalogue.
        var calls: [ResourceVerb: [String]] = [:]
        var callOrder: [ResourceVerb] = []
        if let match = collector, subject.subject.kind == Subject.serviceAccountKind {
            let user = UserInfo.asAuthenticated(name: UserInfo.serviceAccountPrefix + subject.subject.namespace + ":" + subject.subject.name)
            for p in match.collector.kubeletPaths {
                let request = ReplayRequest(route: p.viaAPIServerProxy ? .apiServerProxy : .kubelet, user: user, node: catalogueNode,
                                            method: p.httpMethod, path: KubeletNeeds.samplePath(p.path),
                                            origin: .catalogue(collector: match.collector.id, path: p.path))
                let checks = request.checks(profile: c.profile)
                guard let first = checks.first else { continue }
                let pair = ResourceVerb(resource: "nodes/" + first.subresource, verb: first.verb)
                if let condition = p.when, c.evidence.sufficient, !evidenceNeeds.contains(pair) {
                    // The catalogue ignores `when` in its minimal grant; the evidence decides it.
                    let note = "catalogue path \(p.httpMethod) \(p.path) (when \(condition)) was not seen in \(window): taken as not configured"
                    if !review.contains(note) { review.append(note) }
                    continue
                }
                // Not even routed on this release (`/spec/` from 1.21): it needs nothing.
                if let rp = try? KubeletRequestPath(request.path ?? ""), request.route == .kubelet,
                   KubeletRouter.route(method: p.httpMethod, path: rp, profile: c.profile) != .ok { continue }
                replay.append(request)
                guard let own = ownPassing(checks, node: catalogueNode) else { continue }
                need(pair, nodes: own.nodes)
                if calls[pair] == nil { callOrder.append(pair) }
                calls[pair, default: []].append("\(p.httpMethod) \(p.path)\(p.when.map { " (when \($0))" } ?? "")")
                if p.viaAPIServerProxy {
                    let note = "\(match.collector.name) calls \(p.path) through the API server's node proxy: removing nodes/proxy needs a change to its configuration (scrape the kubelet directly), not RBAC"
                    if !unprovable.contains(note) { unprovable.append(note) }
                }
            }
        }

        if let match = collector {
            let source = match.collector.sources.first.map { "catalogue, " + $0.citation } ?? "catalogue"
            for pair in callOrder { because(pair, "\(match.collector.name) calls \(calls[pair]!.joined(separator: ", ")) (\(source))") }
        }

        // The reductions, and what they rest on.
        let firmCatalogue = collector.map { $0.collector.pathsComplete && $0.collector.sinceVersion == nil } ?? false
        // Only evidence proves "never used": no evidence is a window of zero days, shorter than
        // any --min-evidence-days, so the catalogue alone never removes anything (it would make
        // a plan without --audit bolder than one with a short log). It is said beside the kept
        // permission instead.
        let basis: String? = c.evidence.sufficient
            ? "not needed by any request in \(window) of evidence (counts are lower bounds: the kubelet caches decisions)"
            : nil
        let catalogueView = firmCatalogue ? collector.map { "; \($0.collector.name) does not call it by the catalogue, which evidence would confirm" } ?? "" : ""
        var planned = needOrder.map { needs[$0]! }
        var removed: [PlannedPermission] = []
        for h in held where needs[h.permission] == nil {
            if let basis {
                var r = h
                r.reasons = [basis]
                removed.append(r)
            } else {
                var kept = h
                kept.reasons = ["kept: dropping it is unprovable — \(c.evidence.insufficient ?? "")\(catalogueView)"]
                planned.append(kept)
                let note = "reductions unprovable: \(c.evidence.insufficient ?? "no basis")"
                if !unprovable.contains(note) { unprovable.append(note) }
            }
        }
        // A planned permission never reaches nodes the held one did not.
        var pinned = false
        if c.pinNodes && c.evidence.sufficient {
            if !seen.isEmpty {
                for i in planned.indices where planned[i].nodes == nil {
                    pinned = true
                    planned[i].nodes = seen
                    planned[i].reasons.append("pinned (--pin-nodes) to the \(seen.count) node\(seen.count == 1 ? "" : "s") it was seen on: new nodes need the plan re-run")
                }
            }
        }
        if removed.isEmpty && !pinned {
            // Nothing provably removable: the grant stays as it is. A fine-grained grant beside
            // nodes/proxy would open nothing new, and take nothing away either.
            let reasons = Dictionary(planned.map { ($0.permission, $0.reasons) }, uniquingKeysWith: { a, _ in a })
            planned = held.map { h in
                var k = h
                k.reasons = reasons[h.permission] ?? []
                return k
            }
        }
        planned.sort { order($0.permission) < order($1.permission) }
        for p in planned where p.isProxy {
            review.insert("keeps \(p.permission): exec-capable (/exec, /run, /attach, /portForward) — \(p.reasons.joined(separator: "; "))", at: 0)
        }
        return SubjectPlan(key: subject.key, subject: subject.subject, collector: collector, held: held, planned: planned,
                           removed: removed, unprovable: unprovable, review: review, fallbackUses: fallbackUses,
                           execPathsUsed: execPaths.sorted(), observed: uses, manual: nil, replay: replay)
    }

    /// Most powerful subresource first, then the verb's order.
    static func order(_ p: ResourceVerb) -> (Int, Int) {
        (KubeletPermissions.subresources.firstIndex(of: String(p.resource.dropFirst("nodes/".count))) ?? 99, KubeletPermissions.verbOrder(p.verb))
    }
}
