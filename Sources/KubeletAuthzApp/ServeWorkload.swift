/// The server in the cluster: Namespace, ServiceAccount, least-privilege RBAC and the
/// workload. Default shape: a hostNetwork DaemonSet on the control-plane nodes (kubeadm's
/// `node-role.kubernetes.io/control-plane` label and NoSchedule taint,
/// cmd/kubeadm/app/constants/constants.go LabelNodeRoleControlPlane), listening on loopback,
/// because the API server resolves the webhook URL with its host's DNS and loopback needs
/// none. The alternative: a Deployment behind a ClusterIP Service with a pinned
/// `spec.clusterIP`, which the URL names.
public enum ServeWorkload {
    public static let fileName = "workload.yaml"
    public static let registerConfigMap = "kubelet-authz-register"

    static func artefact(_ p: ServeDeploymentPlan) -> ServeArtefact {
        let name = ServeDeploymentPlan.workloadName
        var header = [
            "The server in the cluster: kubectl apply -f \(fileName), after the certificates and before the API server's flags.",
            "It reads the register from ConfigMap \(p.namespace)/\(registerConfigMap) (create it first:",
            "  kubectl -n \(p.namespace) create configmap \(registerConfigMap) --from-file=register.yaml=REGISTER)",
            "and the cluster's RBAC with list and watch, as ServiceAccount \(p.namespace)/\(name).",
            "Probes call /healthz and /readyz on the plain-HTTP health listener (--health-address, port \(p.options.healthPort)): the webhook listener requires a client certificate.",
        ]
        let workload: String
        switch p.options.shape {
        case .hostNetwork:
            header += [
                "",
                "Shape: a hostNetwork DaemonSet on the control-plane nodes listening on \(p.options.address); each API server",
                "calls the instance on its own node at \(p.baseURL). The API server resolves the webhook URL with its host's DNS,",
                "not the cluster's, so a Service name would not resolve. Alternative: a Deployment behind a ClusterIP Service",
                "with a fixed spec.clusterIP named in the URL and the certificate (ServeDeploymentOptions.Shape.clusterIP).",
            ]
            workload = daemonSet(p)
        case .clusterIP:
            header += [
                "",
                "Shape: a Deployment behind ClusterIP Service \(p.namespace)/\(name) pinned to \(p.urlHost) (inside the service CIDR):",
                "the API server calls \(p.baseURL) and needs kube-proxy (or its replacement) on its node to reach it.",
                "Its certificate and key come from Secret \(p.namespace)/\(name)-tls (create it from the recipe's serve/ files).",
                "The evidence store is an emptyDir here: give --store a persistent volume to keep evidence across restarts.",
            ]
            workload = deployment(p) + service(p)
        }
        return ServeArtefact(fileName: fileName, format: .yaml, header: header, body: rbac(p) + workload)
    }

    static func rbac(_ p: ServeDeploymentPlan) -> String {
        let name = ServeDeploymentPlan.workloadName
        return """
            apiVersion: v1
            kind: Namespace
            metadata:
              name: \(p.namespace)
            ---
            apiVersion: v1
            kind: ServiceAccount
            metadata:
              name: \(name)
              namespace: \(p.namespace)
            ---
            # What serve reads from the API, listed then watched: every list the live scan reads
            # (LiveClusterReader.allPaths), so the policy and the dashboard are the scan's. Roles and
            # RoleBindings make the policy the cluster's whole RBAC (they never grant nodes/<sub>, which
            # is cluster-scoped, and the matrix shows that); nodes, pods and ServiceAccounts feed the
            # AI review and escalation paths; ValidatingAdmissionPolicies the guardrail findings.
            # ConfigMap kube-system/kubeadm-config is not granted: serve only warns without it.
            apiVersion: rbac.authorization.k8s.io/v1
            kind: ClusterRole
            metadata:
              name: \(name)
            rules:
            - apiGroups: [""]
              resources: ["nodes", "namespaces", "serviceaccounts", "pods"]
              verbs: ["list", "watch"]
            - apiGroups: ["rbac.authorization.k8s.io"]
              resources: ["clusterroles", "clusterrolebindings", "roles", "rolebindings"]
              verbs: ["list", "watch"]
            - apiGroups: ["admissionregistration.k8s.io"]
              resources: ["validatingadmissionpolicies"]
              verbs: ["list", "watch"]
            ---
            apiVersion: rbac.authorization.k8s.io/v1
            kind: ClusterRoleBinding
            metadata:
              name: \(name)
            roleRef:
              apiGroup: rbac.authorization.k8s.io
              kind: ClusterRole
              name: \(name)
            subjects:
            - kind: ServiceAccount
              name: \(name)
              namespace: \(p.namespace)
            ---

            """
    }

    /// `text` with every line indented by `n` spaces (the last newline kept, none added).
    static func indented(_ text: String, _ n: Int) -> String {
        let pad = String(repeating: " ", count: n)
        return text.split(separator: "\n", omittingEmptySubsequences: false).enumerated()
            .map { $0.element.isEmpty ? "" : pad + $0.element }.joined(separator: "\n")
    }

    static let labelLines = "app.kubernetes.io/name: kubelet-authz\napp.kubernetes.io/component: serve\n"

    /// The pod's container, at column 0; `probeHost` for a hostNetwork pod, whose probes
    /// would otherwise go to the node's address, where a loopback listener is not.
    static func container(_ p: ServeDeploymentPlan, probeHost: String?) -> String {
        let o = p.options
        func probe(_ kind: String, _ path: String, period: Int) -> String {
            """
            \(kind):
              httpGet:
            \(probeHost.map { "    host: \($0)\n" } ?? "")    port: \(o.healthPort)
                path: \(path)
                scheme: HTTP
              periodSeconds: \(period)

            """
        }
        return """
            containers:
            - name: serve
              image: \(o.image)
              imagePullPolicy: IfNotPresent
              args:
              - serve
              - --mode=\(o.mode.rawValue)
              - --address=\(p.listenAddress)
              - --health-address=\(p.healthListenAddress)
              - --apiserver-kubelet-client=\(o.apiServerKubeletClient)
              - --tls-cert-file=/etc/kubelet-authz/tls/\(ServeCertificateRecipe.serverCertificate)
              - --tls-private-key-file=/etc/kubelet-authz/tls/\(ServeCertificateRecipe.serverKey)
              - --client-ca-file=/etc/kubelet-authz/tls/\(ServeCertificateRecipe.caCertificate)
              - --register=/etc/kubelet-authz/register/register.yaml
              - --store=/var/lib/kubelet-authz/evidence.db
              ports:
              - name: webhook
                containerPort: \(p.port)
                protocol: TCP
            \(indented(probe("readinessProbe", "/readyz", period: 5), 2))\(indented(probe("livenessProbe", "/healthz", period: 10), 2))  resources:
                requests:
                  cpu: 100m
                  memory: 128Mi
                limits:
                  memory: 1Gi
              securityContext:
                runAsNonRoot: true
                runAsUser: \(ServeDeploymentPlan.runAsUser)
                runAsGroup: \(ServeDeploymentPlan.runAsUser)
                allowPrivilegeEscalation: false
                readOnlyRootFilesystem: true
                capabilities:
                  drop: ["ALL"]
              volumeMounts:
              - name: tls
                mountPath: /etc/kubelet-authz/tls
                readOnly: true
              - name: register
                mountPath: /etc/kubelet-authz/register
                readOnly: true
              - name: store
                mountPath: /var/lib/kubelet-authz
              # The root filesystem is read-only; SQLite's temporary files go here.
              - name: tmp
                mountPath: /tmp

            """
    }

    static func daemonSet(_ p: ServeDeploymentPlan) -> String {
        let probeHost = p.urlHost.contains(":") ? "\"\(p.urlHost)\"" : p.urlHost
        return controller(p, kind: "DaemonSet", spec: """
            updateStrategy:
              type: RollingUpdate
              rollingUpdate:
                maxUnavailable: 1

            """, pod: """
            hostNetwork: true
            # Resolves cluster names (the API server's Service) although on the host's network.
            dnsPolicy: ClusterFirstWithHostNet
            nodeSelector:
              node-role.kubernetes.io/control-plane: ""
            tolerations:
            - key: node-role.kubernetes.io/control-plane
              operator: Exists
              effect: NoSchedule

            """, probeHost: probeHost, tls: """
            hostPath:
              path: \(p.serveDir)
              type: Directory

            """, store: """
            hostPath:
              path: \(ServeDeploymentPlan.storeDirectory)
              type: Directory

            """)
    }

    static func deployment(_ p: ServeDeploymentPlan) -> String {
        controller(p, kind: "Deployment", spec: """
            # One replica: the evidence store is a SQLite file.
            replicas: 1

            """, pod: "", probeHost: nil, tls: """
            secret:
              secretName: \(ServeDeploymentPlan.workloadName)-tls

            """, store: "emptyDir: {}\n") + "---\n"
    }

    /// A DaemonSet or Deployment of the server: `spec` and `pod` are the members that differ
    /// (at column 0), `tls` and `store` the sources of those volumes.
    static func controller(_ p: ServeDeploymentPlan, kind: String, spec: String, pod: String, probeHost: String?, tls: String, store: String) -> String {
        let name = ServeDeploymentPlan.workloadName
        return """
            apiVersion: apps/v1
            kind: \(kind)
            metadata:
              name: \(name)
              namespace: \(p.namespace)
              labels:
            \(indented(labelLines, 4))spec:
            \(indented(spec, 2))  selector:
                matchLabels:
            \(indented(labelLines, 6))  template:
                metadata:
                  labels:
            \(indented(labelLines, 8))    spec:
                  serviceAccountName: \(name)
            \(indented(pod, 6))\(indented(container(p, probeHost: probeHost), 6))      volumes:
                  - name: tls
            \(indented(tls, 8))      - name: register
                    configMap:
                      name: \(registerConfigMap)
                  - name: store
            \(indented(store, 8))      - name: tmp
                    emptyDir: {}

            """
    }

    static func service(_ p: ServeDeploymentPlan) -> String {
        let name = ServeDeploymentPlan.workloadName
        return """
            apiVersion: v1
            kind: Service
            metadata:
              name: \(name)
              namespace: \(p.namespace)
            spec:
              type: ClusterIP
              # Pinned: the API server's webhook URL names this address, not the Service's DNS name.
              clusterIP: \(p.urlHost)
              selector:
            \(indented(labelLines, 4))  ports:
              - name: webhook
                port: \(p.port)
                targetPort: webhook
                protocol: TCP

            """
    }
}
