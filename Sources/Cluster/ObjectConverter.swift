import RBAC

/// Turns decoded wire objects into the snapshot's values, kind by kind.
enum ObjectConverter {
    static let rbacKinds: Set<String> = ["ClusterRole", "Role", "ClusterRoleBinding", "RoleBinding"]
    static let snapshotInfoKind = ClusterSnapshot.infoKind
    static let admissionPolicyKind = "ValidatingAdmissionPolicy"
    static let workloadKinds: Set<String> = ["Pod", "Deployment", "DaemonSet", "StatefulSet", "ReplicaSet", "Job", "CronJob", "ReplicationController"]
    static let namespacedKinds: Set<String> = workloadKinds.union(["Role", "RoleBinding", "ServiceAccount"])

    /// Adds one object to `snapshot`; `kind` and `apiVersion` are already defaulted from the list.
    static func add(_ o: ObjectWire, kind: String, apiVersion: String, at fileLocation: SourceLocation,
                    to snapshot: inout ClusterSnapshot, context: inout DecodingContext) throws(ClusterInputError) {
        let meta = o.metadata ?? .init()
        let name = meta.name ?? ""
        var namespace = meta.namespace ?? ""
        let location = context.objectPrefix.map { SourceLocation(cluster: $0, kind: kind, namespace: namespace, name: name) }
            ?? fileLocation.rendered(from: context.helmSources?.template(at: fileLocation.line))
        // Namespaced kinds without a namespace get the one kubectl apply would give them (never
        // empty: `DecodingContext`), so every Role, RoleBinding and ServiceAccount has one.
        if namespace.isEmpty && namespacedKinds.contains(kind) && !(rbacKinds.contains(kind) && !apiVersion.hasPrefix("rbac.authorization.k8s.io/")) {
            namespace = context.defaultNamespace
            context.defaulted.append("\(kind) \(name)")
        }
        if rbacKinds.contains(kind) && !apiVersion.hasPrefix("rbac.authorization.k8s.io/") {
            snapshot.skippedKinds["\(kind) (\(apiVersion.isEmpty ? "no apiVersion" : apiVersion))", default: 0] += 1
            return
        }
        func requireName() throws(ClusterInputError) {
            if name.isEmpty { throw ClusterInputError(location: location, message: "\(kind) has no metadata.name") }
        }
        switch kind {
        case "ClusterRole", "Role":
            try requireName()
            let isCluster = kind == "ClusterRole"
            let role = Role(kind: isCluster ? .clusterRole : .role, name: name, namespace: namespace,
                            rules: o.rules ?? [], labels: meta.labels ?? [:], annotations: meta.keptAnnotations,
                            aggregationRule: isCluster ? o.aggregationRule.map { $0.clusterRoleSelectors ?? [] } : nil,
                            source: location)
            snapshot.roles.append(role)
            snapshot.warnings += RBACObjectValidation.validate(role).map { InputWarning(location: location, message: $0) }
        case "ClusterRoleBinding", "RoleBinding":
            try requireName()
            let isCluster = kind == "ClusterRoleBinding"
            guard let roleRef = o.roleRef else {
                throw ClusterInputError(location: location, message: "\(kind) \(name) has no roleRef")
            }
            let binding = Binding(kind: isCluster ? .clusterRoleBinding : .roleBinding, name: name, namespace: namespace,
                                  roleRef: roleRef, subjects: o.subjects ?? [], labels: meta.labels ?? [:],
                                  annotations: meta.keptAnnotations, source: location)
            snapshot.bindings.append(binding)
            snapshot.warnings += RBACObjectValidation.validate(binding).map { InputWarning(location: location, message: $0) }
        case "ServiceAccount":
            try requireName()
            snapshot.serviceAccounts.append(ServiceAccount(namespace: namespace, name: name, labels: meta.labels ?? [:],
                                                           annotations: meta.ownAnnotations,
                                                           automountServiceAccountToken: o.automountServiceAccountToken, source: location))
        case "Node":
            try requireName()
            var accelerators: [String: String] = [:]
            for (k, v) in o.status?.capacity ?? [:] where Node.isAcceleratorResource(k) { accelerators[k] = v.text }
            snapshot.nodes.append(Node(name: name, labels: meta.labels ?? [:], kubeletVersion: o.status?.nodeInfo?.kubeletVersion,
                                       accelerators: accelerators, source: location))
        case "Namespace":
            try requireName()
            snapshot.namespaces.append(Namespace(name: name, labels: meta.labels ?? [:], source: location, uid: meta.uid))
        case _ where workloadKinds.contains(kind):
            try requireName()
            let pod: ObjectWire.PodSpec? = {
                guard let spec = o.spec else { return nil }
                if kind == "Pod" {
                    return .init(serviceAccountName: spec.serviceAccountName, serviceAccount: spec.serviceAccount,
                                 nodeName: spec.nodeName, containers: spec.containers, initContainers: spec.initContainers,
                                 automountServiceAccountToken: spec.automountServiceAccountToken)
                }
                if kind == "CronJob" { return spec.jobTemplate?.spec?.template?.spec }
                return spec.template?.spec
            }()
            let sa = pod?.serviceAccountName ?? pod?.serviceAccount ?? "default"
            // The object's own label, else (a CronJob) its job template's, else its pod
            // template's (a CronJob's, in its job template).
            let template = kind == "CronJob" ? o.spec?.jobTemplate?.spec?.template : kind == "Pod" ? nil : o.spec?.template
            let jobLabel = kind == "CronJob" ? o.spec?.jobTemplate?.metadata?.labels?.value : nil
            let chartLabel = (meta.labels?[HelmChartLabel.key] ?? meta.chartLabel?.value) ?? jobLabel ?? template?.metadata?.labels?.value
            let containers = (pod?.initContainers ?? []) + (pod?.containers ?? [])
            snapshot.workloads.append(Workload(kind: kind, namespace: namespace, name: name,
                                               serviceAccountName: sa.isEmpty ? "default" : sa, nodeName: pod?.nodeName,
                                               images: containers.compactMap(\.image),
                                               automountServiceAccountToken: pod?.automountServiceAccountToken,
                                               accelerators: Self.accelerators(containers),
                                               helmChart: chartLabel.flatMap(HelmChartLabel.chart), source: location))
        case admissionPolicyKind:
            try requireName()
            snapshot.admissionPolicies.append(AdmissionPolicy(name: name, labels: meta.labels ?? [:],
                                                              annotations: meta.ownAnnotations, source: location))
        case "ConfigMap" where name == KubeadmConfig.name && namespace == KubeadmConfig.namespace:
            snapshot.kubeadmConfig = KubeadmConfig(clusterConfiguration: o.data?["ClusterConfiguration"], source: location)
        case snapshotInfoKind:
            if snapshot.serverVersion == nil { snapshot.serverVersion = o.serverVersion }
        default:
            snapshot.skippedKinds[kind, default: 0] += 1
        }
    }

    /// Accelerator quantities the containers ask for: requests, then limits over them (the
    /// scheduler sets an extended resource's request to its limit).
    static func accelerators(_ containers: [ObjectWire.Container]) -> [String: String] {
        var out: [String: String] = [:]
        for c in containers {
            for (k, v) in c.resources?.requests?.values ?? [:] { out[k] = v.text }
            for (k, v) in c.resources?.limits?.values ?? [:] { out[k] = v.text }
        }
        return out
    }
}

extension Node {
    /// Extended resources that name accelerators (`nvidia.com/gpu`, `amd.com/gpu`,
    /// `nvidia.com/mig-1g.10gb`, `aws.amazon.com/neuron`, `google.com/tpu`, `gpu.intel.com/i915`,
    /// `habana.ai/gaudi`).
    public static func isAcceleratorResource(_ name: String) -> Bool {
        let n = name.lowercased()
        return n.contains("gpu") || n.contains("/mig-") || n.contains("neuron") || n.hasSuffix("/tpu") || n.hasPrefix("habana.ai/")
    }
}
