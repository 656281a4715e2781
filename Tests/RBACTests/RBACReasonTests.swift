import RBAC
import Testing

/// Reason texts as the API server writes them (plugin/pkg/auth/authorizer/rbac/rbac.go; measured on kube-apiserver v1.36.2).
@Suite("Reasons")
struct RBACReasonTests {
    let kubeletStats = Role.clusterRole("kubelet-stats", rules: [PolicyRule(verbs: ["get"], apiGroups: [""], resources: ["nodes/stats"])])

    func stats(_ user: UserInfo) -> AuthorizationAttributes {
        AuthorizationAttributes(user: user, verb: "get", apiVersion: "v1", resource: "nodes", subresource: "stats", name: "worker-1")
    }

    @Test("ServiceAccount subjects print name/namespace")
    func serviceAccountReason() {
        let policy = RBACPolicy(roles: [kubeletStats], bindings: [
            .clusterRoleBinding("prom", clusterRole: "kubelet-stats", subjects: [Subject(kind: "ServiceAccount", name: "prom", namespace: "monitoring")]),
        ])
        let d = RBACAuthorizer(policy: policy).authorize(stats(UserInfo(name: "system:serviceaccount:monitoring:prom")))
        #expect(d.reason == #"RBAC: allowed by ClusterRoleBinding "prom" of ClusterRole "kubelet-stats" to ServiceAccount "prom/monitoring""#)
    }

    @Test("RoleBindings print name/namespace and default a ServiceAccount's namespace")
    func roleBindingReason() {
        let policy = RBACPolicy(roles: [Role.role("reader", namespace: "ns1", rules: [PolicyRule(verbs: ["get"], apiGroups: [""], resources: ["pods"])])],
                                bindings: [.roleBinding("rb", namespace: "ns1", roleRef: RoleRef(kind: "Role", name: "reader"),
                                                        subjects: [Subject(kind: "ServiceAccount", name: "app")])])
        let a = AuthorizationAttributes(user: UserInfo(name: "system:serviceaccount:ns1:app"), verb: "get", namespace: "ns1", resource: "pods")
        #expect(RBACAuthorizer(policy: policy).authorize(a).reason == #"RBAC: allowed by RoleBinding "rb/ns1" of Role "reader" to ServiceAccount "app/ns1""#)
    }

    @Test("a missing role is named in the reason; several are bracketed and de-duplicated")
    func missingRoles() {
        let one = RBACPolicy(roles: [], bindings: [.clusterRoleBinding("b", clusterRole: "x", subjects: [Subject(kind: "User", name: "u")])])
        let d = RBACAuthorizer(policy: one).authorize(stats(UserInfo(name: "u")))
        #expect(!d.allowed)
        #expect(d.reason == #"RBAC: clusterrole.rbac.authorization.k8s.io "x" not found"#)

        let several = RBACPolicy(roles: [], bindings: [
            .clusterRoleBinding("a", clusterRole: "x", subjects: [Subject(kind: "User", name: "u")]),
            .clusterRoleBinding("b", clusterRole: "y", subjects: [Subject(kind: "Group", name: "g")]),
            .clusterRoleBinding("c", clusterRole: "x", subjects: [Subject(kind: "User", name: "u")]),
        ])
        let d2 = RBACAuthorizer(policy: several).authorize(stats(UserInfo(name: "u", groups: ["g"])))
        #expect(d2.reason == #"RBAC: [clusterrole.rbac.authorization.k8s.io "x" not found, clusterrole.rbac.authorization.k8s.io "y" not found]"#)
    }

    @Test("a missing role only matters to users the binding applies to")
    func missingRoleOtherUser() {
        let p = RBACPolicy(roles: [], bindings: [.clusterRoleBinding("b", clusterRole: "x", subjects: [Subject(kind: "User", name: "u")])])
        #expect(RBACAuthorizer(policy: p).authorize(stats(UserInfo(name: "other"))).reason == "")
    }

    @Test("an allow still records lookup errors seen before it, but the reason names the binding")
    func allowWithErrors() {
        let p = RBACPolicy(roles: [kubeletStats], bindings: [
            .clusterRoleBinding("a-missing", clusterRole: "gone", subjects: [Subject(kind: "User", name: "u")]),
            .clusterRoleBinding("b-ok", clusterRole: "kubelet-stats", subjects: [Subject(kind: "User", name: "u")]),
        ])
        let d = RBACAuthorizer(policy: p).authorize(stats(UserInfo(name: "u")))
        #expect(d.allowed && d.errors.count == 1)
        #expect(d.reason == #"RBAC: allowed by ClusterRoleBinding "b-ok" of ClusterRole "kubelet-stats" to User "u""#)
    }

    @Test("a ClusterRoleBinding to a Role finds nothing, and RoleBindings never answer cluster-scoped checks")
    func scoping() {
        let p = RBACPolicy(roles: [Role.role("r", namespace: "ns1", rules: [PolicyRule(verbs: ["*"], apiGroups: ["*"], resources: ["*"])]),
                                   Role.clusterRole("all", rules: [PolicyRule(verbs: ["*"], apiGroups: ["*"], resources: ["*"])])],
                           bindings: [Binding(kind: .clusterRoleBinding, name: "crb", roleRef: RoleRef(kind: "Role", name: "r"), subjects: [Subject(kind: "User", name: "u")]),
                                      .roleBinding("rb", namespace: "ns1", roleRef: RoleRef(kind: "ClusterRole", name: "all"), subjects: [Subject(kind: "User", name: "u")])])
        let d = RBACAuthorizer(policy: p).authorize(stats(UserInfo(name: "u")))
        #expect(!d.allowed)
        #expect(d.reason == #"RBAC: role.rbac.authorization.k8s.io "r" not found"#)
        // The same check with a namespace — a hand-made SAR — is allowed by the RoleBinding (rbac.go visits RoleBindings only for a namespace).
        var namespaced = stats(UserInfo(name: "u"))
        namespaced.namespace = "ns1"
        #expect(RBACAuthorizer(policy: p).authorize(namespaced).allowed)
    }
}
