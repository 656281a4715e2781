import KubeletModel
import RBAC

/// Whether one caller holds one permission (`explain --as USER get nodes/pods`): the single
/// check, decided by the same authorizers as a request's checks, without the router or the
/// nodes/proxy fallback a request would bring.
public struct KubeletPermissionExplanation: Sendable {
    public let permission: KubeletPermission
    public let user: UserInfo
    public let check: EvaluatedCheck
    public let notes: [String]

    public var allowed: Bool { check.allowed }
}

extension KubeletExplainer {
    public func explain(_ permission: KubeletPermission, as user: UserInfo) -> KubeletPermissionExplanation {
        let c = permission.check
        let attributes = AuthorizationAttributes(user: user, verb: c.verb, apiVersion: "v1", resource: c.resource,
                                                 subresource: c.subresource, name: permission.node ?? "")
        let answer = reviewer.answer(attributes)
        var notes: [String] = []
        if permission.node == nil {
            notes.append("no --node given: evaluated as an unnamed check, so grants pinned to nodes by resourceNames are not counted")
        }
        if user.groups.contains(UserInfo.mastersGroup) {
            notes.append("members of system:masters are allowed by the API server's privileged-group authorizer before RBAC is consulted")
        }
        notes += permission.warnings
        return KubeletPermissionExplanation(
            permission: permission, user: user,
            check: EvaluatedCheck(check: c, allowed: answer.status.allowed, reason: answer.status.reason,
                                  grant: answer.decision?.grant, performed: true),
            notes: notes)
    }
}
