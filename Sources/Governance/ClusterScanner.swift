import Dispatch
import Cluster
import KubeletModel
import RBAC

/// `kubelet-authz scan` as a pipeline of small stages: release → policy → inventory →
/// governance → findings. Values in, a report out.
public enum ClusterScanner {
    public static func scan(_ snapshot: ClusterSnapshot, options: ScanOptions) -> ScanReport {
        let (release, versions) = release(snapshot, options)
        let profile = release.profile
        let policy = snapshot.policy()
        let inventory = KubeletAccessInventory.build(policy: policy, profile: profile)

        struct SAKey: Hashable { let namespace: String, name: String }
        // Only the ServiceAccounts that hold kubelet access are looked up: index those, not the
        // cluster's 200k (the last definition wins, as resolveDuplicates already made it).
        let wanted = Set(inventory.lazy.filter { $0.subject.kind == Subject.serviceAccountKind }
            .map { SAKey(namespace: $0.subject.namespace, name: $0.subject.name) })
        var workloadsBySA: [SAKey: [Workload]] = [:]
        for w in snapshot.workloads {
            let key = SAKey(namespace: w.namespace, name: w.serviceAccountName)
            if wanted.contains(key) { workloadsBySA[key, default: []].append(w) }
        }
        var serviceAccounts: [SAKey: ServiceAccount] = [:]
        for sa in snapshot.serviceAccounts {
            let key = SAKey(namespace: sa.namespace, name: sa.name)
            if wanted.contains(key) { serviceAccounts[key] = sa }
        }
        let register = Dictionary(options.register?.entries.map { ($0.subject, $0) } ?? [], uniquingKeysWith: { a, _ in a })

        var subjects: [ScanSubject] = []
        for var item in inventory {
            if item.subject.kind == Subject.serviceAccountKind {
                let key = SAKey(namespace: item.subject.namespace, name: item.subject.name)
                item.serviceAccountExists = snapshot.serviceAccounts.isEmpty ? nil : serviceAccounts[key] != nil
                item.workloads = (workloadsBySA[key] ?? []).map { "\($0.kind) \($0.namespace)/\($0.name)" }.sorted()
            }
            let record = GovernanceLookup.record(for: item, registered: register[item.key]?.record,
                                                 serviceAccount: serviceAccounts[SAKey(namespace: item.subject.namespace, name: item.subject.name)])
            var collector: CollectorAssessment? = nil
            if item.subject.kind == Subject.serviceAccountKind,
               let match = CollectorMatcher.match(serviceAccount: item.subject.name, namespace: item.subject.namespace,
                                                  workloads: workloadsBySA[SAKey(namespace: item.subject.namespace, name: item.subject.name)] ?? [],
                                                  catalogue: options.collectors) {
                collector = CollectorAssessment.assess(match, access: item.access, profile: profile)
            }
            subjects.append(ScanSubject(inventory: item, governance: record, covers: covers(item.subject),
                                        usage: options.evidence?.usage(of: item.subject), collector: collector))
        }

        // The AI review and the finding detector read the same values and write nothing shared:
        // on two cores they run side by side (each fills its own slot).
        var reviewSlot: [AIWorkloadReview?] = [nil]
        var detectedSlot: [[Finding]] = [[]]
        let subjectsNow = subjects
        reviewSlot.withUnsafeMutableBufferPointer { review in
            detectedSlot.withUnsafeMutableBufferPointer { detected in
                nonisolated(unsafe) let review = review
                nonisolated(unsafe) let detected = detected
                DispatchQueue.concurrentPerform(iterations: 2) { k in
                    if k == 0 {
                        review[0] = AIWorkloadReview.build(subjects: subjectsNow, snapshot: snapshot, policy: policy, profile: profile,
                                                           evidence: options.evidence, tenants: TenantScheme(label: options.tenantLabel),
                                                           apiServerKubeletClient: options.apiServerKubeletClient)
                    } else {
                        detected[0] = FindingDetector.findings(subjects: subjectsNow, policy: policy, snapshot: snapshot, profile: profile,
                                                               versions: versions, options: options)
                    }
                }
            }
        }
        let aiReview = reviewSlot[0]!
        var findings = detectedSlot[0]
        findings += AIReviewFindings.findings(aiReview, subjects: subjects)
        if let evidence = options.evidence {
            findings += EvidenceFindings.findings(subjects: subjects, evidence: evidence, now: options.now, profile: profile,
                                                  apiServerKubeletClient: options.apiServerKubeletClient)
        }
        // What anonymous callers hold decides how bad a kubelet that lets them in is.
        let anonymous = Set(subjects.filter { ($0.key.kind == Subject.userKind && $0.key.name == UserInfo.anonymousName)
                || ($0.key.kind == Subject.groupKind && $0.key.name == UserInfo.unauthenticatedGroup) }
            .flatMap { $0.inventory.access.keys })
        let kubeletConfig = options.kubeletConfig.map {
            KubeletConfigAssessment.assess($0, anonymousAccess: KubeletPermissions.subresources.filter(anonymous.contains))
        }
        findings += kubeletConfig?.findings ?? []
        // Each finding's subject is written out once, not at every comparison; ties keep their
        // order, as the stable sort this replaced did.
        let keys = findings.map { (severity: $0.severity, rule: $0.rule.id, subject: $0.subject?.description ?? "", message: $0.message) }
        let order = findings.indices.sorted { i, j in
            let a = keys[i], b = keys[j]
            if a.severity != b.severity { return a.severity > b.severity }
            if a.rule != b.rule { return a.rule < b.rule }
            if (a.subject, a.message) != (b.subject, b.message) { return (a.subject, a.message) < (b.subject, b.message) }
            return i < j
        }
        findings = order.map { findings[$0] }
        return ScanReport(profile: profile, versionSource: release.source, kubeletVersions: versions, subjects: subjects,
                          findings: findings, now: options.now, registerSource: options.register?.source, evidence: options.evidence,
                          apiServerKubeletClient: options.apiServerKubeletClient, inputs: snapshot.sources, releaseNotes: release.notes,
                          kubeletConfig: kubeletConfig,
                          aiReview: aiReview)
    }

    /// The release to answer for, by the rule every command shares (`ReleaseRule`), and the
    /// kubelet versions the nodes report.
    static func release(_ snapshot: ClusterSnapshot, _ options: ScanOptions) -> (ReleaseRule.Choice, [String: [String]]) {
        var versions: [String: [String]] = [:]
        for node in snapshot.nodes {
            if let v = node.kubeletVersion { versions[v, default: []].append(node.name) }
        }
        return (ReleaseRule.choose(snapshot, flag: options.kubeVersion, featureGates: options.featureGates), versions)
    }

    public static func covers(_ s: Subject) -> String? {
        switch (s.kind, s.name) {
        case (Subject.groupKind, UserInfo.authenticatedGroup): return "every authenticated caller: all users and ServiceAccounts"
        case (Subject.groupKind, UserInfo.unauthenticatedGroup): return "anonymous callers (where anonymous authentication is on)"
        case (Subject.groupKind, UserInfo.allServiceAccountsGroup): return "every ServiceAccount in the cluster"
        case (Subject.groupKind, let n) where n.hasPrefix(UserInfo.allServiceAccountsGroup + ":"):
            return "every ServiceAccount in namespace \(n.dropFirst(UserInfo.allServiceAccountsGroup.count + 1))"
        case (Subject.groupKind, UserInfo.mastersGroup): return "cluster administrators, allowed everything before RBAC is consulted"
        case (Subject.groupKind, "system:nodes"): return "kubelets"
        case (Subject.groupKind, _): return "members as the cluster's authenticators assign them"
        case (Subject.userKind, UserInfo.anonymousName): return "anonymous callers (where anonymous authentication is on)"
        default: return nil
        }
    }

    /// Groups whose members nobody chooses one by one.
    public static func isBroad(_ key: SubjectKey) -> Bool {
        switch key.kind {
        case Subject.groupKind:
            return key.name == UserInfo.authenticatedGroup || key.name == UserInfo.unauthenticatedGroup
                || key.name == UserInfo.allServiceAccountsGroup || key.name.hasPrefix(UserInfo.allServiceAccountsGroup + ":")
        case Subject.userKind:
            return key.name == UserInfo.anonymousName
        default:
            return false
        }
    }

    public static func isMasters(_ key: SubjectKey) -> Bool { key.kind == Subject.groupKind && key.name == UserInfo.mastersGroup }
}
