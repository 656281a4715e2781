import KubeletModel
import RBAC

/// One authorization check the kubelet made, with the API server's answer to it.
public struct EvaluatedCheck: Sendable, Hashable {
    public let check: KubeletCheck
    public let allowed: Bool
    /// The API server's `status.reason` for this check.
    public let reason: String
    public let grant: RBACGrant?
    /// False when the router answered first: the kubelet never asked.
    public let performed: Bool
}

/// What the kubelet answers one caller, and why.
public struct KubeletExplanation: Sendable {
    public let request: KubeletRequest
    public let user: UserInfo
    public let allowed: Bool
    public let status: Int
    public let body: String
    public let location: String?
    public let checks: [EvaluatedCheck]
    public let usedFallback: Bool
    public let notes: [String]
}

/// Runs a request through the kubelet as it would: router, then the checks in order against
/// the API server's authorizers, first allow wins, else 403 with the kubelet's exact text.
public struct KubeletExplainer: Sendable {
    public let reviewer: SubjectAccessReviewer

    public init(policy: RBACPolicy) {
        self.reviewer = SubjectAccessReviewer(authorizer: RBACAuthorizer(policy: policy))
    }

    public func explain(_ request: KubeletRequest, as user: UserInfo) -> KubeletExplanation {
        var notes: [String] = []
        let routing = request.routing
        var evaluated: [EvaluatedCheck] = []
        let performed = routing == .ok
        for check in request.checks {
            let attributes = AuthorizationAttributes(user: user, verb: check.verb, apiVersion: "v1", resource: check.resource,
                                                     subresource: check.subresource, name: request.node ?? "")
            let answer = reviewer.answer(attributes)
            evaluated.append(EvaluatedCheck(check: check, allowed: answer.status.allowed, reason: answer.status.reason,
                                            grant: answer.decision?.grant, performed: performed))
            if answer.status.allowed { break }
        }
        let allowedIndex = evaluated.firstIndex(where: \.allowed)
        if user.name == UserInfo.anonymousName {
            notes.append("system:anonymous reaches authorization only on kubelets with anonymous authentication enabled (off by default with a config file; on with command-line defaults); otherwise the kubelet answers 401 Unauthorized")
        }
        if request.node == nil {
            notes.append("no --node given: evaluated as an unnamed check, so grants pinned to nodes by resourceNames are not counted")
        }
        if request.verb.isEmpty {
            notes.append("\(request.method) maps to the empty verb on the kubelet (only POST, GET, PUT, PATCH, DELETE map); only grants with verb \"*\" allow it")
        }
        if user.groups.contains(UserInfo.mastersGroup) {
            notes.append("members of system:masters are allowed by the API server's privileged-group authorizer before RBAC is consulted")
        }
        notes += request.profile.warnings

        switch routing {
        case .redirect(let status, let location):
            notes.append("the kubelet's router redirects this path before authentication; the checks below are what the kubelet would ask for it")
            return KubeletExplanation(request: request, user: user, allowed: false, status: status,
                                      body: KubeletResponse.redirectBody(status: status, location: location, method: request.method),
                                      location: location, checks: evaluated, usedFallback: false, notes: notes)
        case .notFound:
            notes.append("no route is registered for this path on this kubelet, so its router answers 404 before authentication")
            // Go's server never sends a body in answer to HEAD.
            return KubeletExplanation(request: request, user: user, allowed: false, status: 404,
                                      body: request.method == "HEAD" ? "" : KubeletResponse.notFoundBody,
                                      location: nil, checks: evaluated, usedFallback: false, notes: notes)
        case .ok:
            break
        }
        if let allowedIndex {
            // Authorization passed; the route's handler now answers (404/405 for paths or
            // methods it does not take).
            let handler = KubeletHandlerRoutes.answer(method: request.method, path: request.path.decodedPath)
            if handler != .served {
                notes.append("authorization passes, then the kubelet's handler answers \(handler.status) for this \(handler == .methodNotAllowed ? "method" : "path")")
            }
            return KubeletExplanation(request: request, user: user, allowed: true, status: handler.status, body: handler.body(method: request.method),
                                      location: nil, checks: evaluated, usedFallback: allowedIndex > 0, notes: notes)
        }
        return KubeletExplanation(request: request, user: user, allowed: false, status: 403,
                                  body: request.method == "HEAD" ? "" : KubeletResponse.forbiddenBody(user: user.name, checks: request.checks, profile: request.profile),
                                  location: nil, checks: evaluated, usedFallback: false, notes: notes)
    }
}
