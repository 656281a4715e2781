/// What one kubelet (a release and its effective feature gates) checks, derived from the
/// router and the attribute mapper rather than written down again: every route the kubelet
/// registers, run through `KubeletAttributeMapper`. Tables elsewhere (inventory columns, the
/// evidence fallback pairs, "which fine-grained grant would do") read from here, so they cannot
/// drift from the mapper.
public struct KubeletVocabulary: Sendable, Hashable {
    /// One registered route and the checks the kubelet sends for it, in order.
    public struct Route: Sendable, Hashable {
        public let pattern: String
        /// A concrete path inside the route (subtree patterns get a segment appended).
        public let samplePath: String
        public let subresources: [KubeletSubresource]
    }

    public let profile: KubeletProfile
    public let routes: [Route]

    public init(profile: KubeletProfile) {
        self.profile = profile
        routes = KubeletRouter.registeredPatterns(profile: profile).map { pattern in
            let sample = pattern.hasSuffix("/") ? pattern + "x" : pattern
            let subs = KubeletAttributeMapper.subresources(forPath: sample, profile: profile)
            // The mapper only ever answers names from KubeletSubresource; a new name there must
            // be added to the enum, which this precondition makes impossible to miss in tests.
            return Route(pattern: pattern, samplePath: sample, subresources: subs.map { name in
                guard let s = KubeletSubresource(rawValue: name) else { preconditionFailure("mapper answered unknown subresource \(name)") }
                return s
            })
        }
    }

    /// Subresources this kubelet checks for some path it serves, most powerful first. A grant
    /// of any other `nodes/<sub>` gives nothing on this kubelet.
    public var checked: [KubeletSubresource] {
        let used = Set(routes.flatMap(\.subresources))
        return KubeletSubresource.allCases.filter(used.contains)
    }

    public func checks(_ subresource: KubeletSubresource) -> Bool { routes.contains { $0.subresources.contains(subresource) } }

    /// Fine-grained subresources tried before the `nodes/proxy` fallback: a denied check of one
    /// of these followed by an allowed `nodes/proxy` check is one request.
    public var fallbackSubresources: [KubeletSubresource] {
        let firsts = Set(routes.filter { $0.subresources.count == 2 && $0.subresources.last == .proxy }.map { $0.subresources[0] })
        return KubeletSubresource.allCases.filter(firsts.contains)
    }

    /// The subresource other than `nodes/proxy` that lets a caller through on `path`, if any:
    /// the grant that would replace `nodes/proxy` for that path on this kubelet.
    public func narrowestSubresource(forPath path: String) -> KubeletSubresource? {
        KubeletAttributeMapper.subresources(forPath: path, profile: profile)
            .lazy.compactMap(KubeletSubresource.init(rawValue:)).first { $0 != .proxy }
    }

    /// Route patterns whose checks include `subresource`.
    public func patterns(reaching subresource: KubeletSubresource) -> [String] {
        routes.filter { $0.subresources.contains(subresource) }.map(\.pattern)
    }

    /// Fallback subresources of any modelled release, with default gates or every gate on:
    /// audit records do not say which kubelet release sent a check.
    public static let fallbackSubresourcesInAnyRelease: Set<KubeletSubresource> = {
        var out = Set<KubeletSubresource>()
        for profile in KubeletProfile.modelledProfiles { out.formUnion(KubeletVocabulary(profile: profile).fallbackSubresources) }
        return out
    }()
}

extension KubeletProfile {
    /// Every modelled release, each with default gates and with every gate on: the profiles
    /// release-wide tables are derived (and tested) over.
    public static var modelledProfiles: [KubeletProfile] {
        (KubernetesVersion.oldestModelled.minor...KubernetesVersion.newest.minor).flatMap { minor -> [KubeletProfile] in
            let version = KubernetesVersion(major: 1, minor: minor, original: "1.\(minor)")
            var all = FeatureGateSettings()
            for gate in FeatureGate.allCases where gate.exists(in: version) && !gate.isLocked(in: version) { all.values[gate] = true }
            return [KubeletProfile(version: version), KubeletProfile(version: version, featureGates: all)]
        }
    }
}
