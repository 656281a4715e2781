/// `appliesTo` from pkg/registry/rbac/validation/rule.go.
public enum SubjectMatcher {
    /// The index of the first subject that applies to the user, if any.
    /// - Parameter bindingNamespace: `""` for ClusterRoleBindings.
    public static func firstApplying(_ subjects: [Subject], user: UserInfo, bindingNamespace: String) -> Int? {
        subjects.firstIndex { applies($0, user: user, bindingNamespace: bindingNamespace) }
    }

    public static func applies(_ subject: Subject, user: UserInfo, bindingNamespace: String) -> Bool {
        switch subject.kind {
        case Subject.userKind:
            return user.name == subject.name
        case Subject.groupKind:
            return user.groups.contains(subject.name)
        case Subject.serviceAccountKind:
            let ns = subject.namespace.isEmpty ? bindingNamespace : subject.namespace
            if ns.isEmpty { return false }
            return user.name == UserInfo.serviceAccountPrefix + ns + ":" + subject.name
        default:
            return false
        }
    }
}
