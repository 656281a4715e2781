import RBAC

/// Turns vector JSON into the library's values. Pure transcription — no semantics.
public extension RuleJSON {
    var rule: PolicyRule {
        PolicyRule(verbs: verbs ?? [], apiGroups: apiGroups ?? [], resources: resources ?? [],
                   resourceNames: resourceNames ?? [], nonResourceURLs: nonResourceURLs ?? [])
    }
}

public extension SubjectJSON {
    var subject: Subject { Subject(kind: kind, name: name, namespace: namespace ?? "") }
}

public extension RequestJSON {
    var attributes: AuthorizationAttributes {
        let u = UserInfo(name: user ?? "", groups: groups ?? [])
        if resourceRequest {
            return AuthorizationAttributes(user: u, verb: verb, namespace: namespace ?? "", apiGroup: apiGroup ?? "",
                                           resource: resource ?? "", subresource: subresource ?? "", name: name ?? "")
        }
        return AuthorizationAttributes(user: u, verb: verb, nonResourcePath: path ?? "")
    }
}

public extension AuthorizerVector {
    var policy: RBACPolicy {
        var roles = (clusterRoles ?? []).map { Role.clusterRole($0.name, rules: $0.rules.map(\.rule)) }
        roles += (self.roles ?? []).map { Role.role($0.name, namespace: $0.namespace ?? "", rules: $0.rules.map(\.rule)) }
        var bindings = (clusterRoleBindings ?? []).map {
            Binding(kind: .clusterRoleBinding, name: $0.name, roleRef: RoleRef(kind: $0.roleRef.kind, name: $0.roleRef.name),
                    subjects: $0.subjects.map(\.subject))
        }
        bindings += (roleBindings ?? []).map {
            Binding(kind: .roleBinding, name: $0.name, namespace: $0.namespace ?? "",
                    roleRef: RoleRef(kind: $0.roleRef.kind, name: $0.roleRef.name), subjects: $0.subjects.map(\.subject))
        }
        return RBACPolicy(roles: roles, bindings: bindings)
    }
}
