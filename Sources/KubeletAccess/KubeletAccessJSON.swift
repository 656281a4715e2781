import KubeJSON
import KubeletModel
import RBAC

/// The `-o json` shapes of map, explain and who-can: the command-line contract. Fields are
/// only ever added.
public enum KubeletAccessJSON {
    public static func check(_ c: KubeletCheck) -> JSONValue {
        .object([("verb", .string(c.verb)), ("resource", .string(c.resource)), ("subresource", .string(c.subresource))])
    }

    public static func endpoint(_ e: KubeletEndpoint?) -> JSONValue {
        guard let e else { return .null }
        return .object([
            ("path", .string(e.path)), ("methods", .strings(e.methods)), ("exposes", .string(e.exposes)),
            ("capabilities", .strings(e.capabilities.map(\.rawValue))), ("canExecuteCommands", .bool(e.canExecuteCommands)),
        ])
    }

    public static func profile(_ p: KubeletProfile) -> [(String, JSONValue?)] {
        [
            ("kubeVersion", .string(p.version.description)),
            ("featureGates", .object(FeatureGate.allCases.map { ($0.rawValue, .bool(p.isEnabled($0))) })),
        ]
    }

    static func routing(_ r: KubeletRouting) -> [(String, JSONValue?)] {
        var out: [(String, JSONValue?)] = [("routing", .string(r.name))]
        if case .redirect(let status, let location) = r {
            out.append(("redirect", .object([("status", .integer(status)), ("location", .string(location))])))
        }
        return out
    }

    public static func map(_ request: KubeletRequest) -> JSONValue {
        var members: [(String, JSONValue?)] = [
            ("method", .string(request.method)),
            ("path", .string(request.path.decodedPath)),
            ("verb", .string(request.verb)),
            ("checks", .array(request.checks.map(check))),
            ("endpoint", endpoint(request.endpoint)),
        ]
        members += routing(request.routing)
        members += profile(request.profile)
        members.append(("warnings", .strings(request.profile.warnings)))
        return .object(members)
    }

    public static func grant(_ g: RBACGrant) -> JSONValue {
        .object([
            ("bindingKind", .string(g.binding.kind.rawValue)), ("binding", .string(g.binding.name)),
            ("bindingNamespace", g.binding.namespace.isEmpty ? nil : .string(g.binding.namespace)),
            ("roleKind", .string(g.role.kind.rawValue)), ("role", .string(g.role.name)),
            ("ruleIndex", .integer(g.ruleIndex)), ("rule", .string(g.rule.summary)),
            ("source", g.binding.source.map { .string($0.description) }),
        ])
    }

    public static func explain(_ e: KubeletExplanation) -> JSONValue {
        var members: [(String, JSONValue?)] = [
            ("allowed", .bool(e.allowed)),
            ("status", .integer(e.status)),
            ("body", .string(e.body)),
            ("location", e.location.map(JSONValue.string)),
            ("checks", .array(e.checks.map { c in
                .object([
                    ("verb", .string(c.check.verb)), ("resource", .string(c.check.resource)),
                    ("subresource", .string(c.check.subresource)), ("allowed", .bool(c.allowed)),
                    ("reason", .string(c.reason)), ("performed", .bool(c.performed)),
                    ("grant", c.grant.map(grant)),
                ])
            })),
            ("usedFallback", .bool(e.usedFallback)),
            ("endpoint", endpoint(e.request.endpoint)),
            ("user", .object([("name", .string(e.user.name)), ("groups", .strings(e.user.groups))])),
            ("node", e.request.node.map(JSONValue.string) ?? .null),
            ("method", .string(e.request.method)),
            ("path", .string(e.request.path.decodedPath)),
        ]
        members += routing(e.request.routing)
        members += profile(e.request.profile)
        members.append(("notes", .strings(e.notes)))
        return .object(members)
    }

    public static func subject(_ s: Subject) -> [(String, JSONValue?)] {
        [("kind", .string(s.kind)), ("name", .string(s.name)), ("namespace", .string(s.namespace))]
    }

    /// A permission's own fields: `get nodes/pods` and the kubelet paths it opens.
    static func permission(_ p: KubeletPermission) -> [(String, JSONValue?)] {
        [("verb", .string(p.check.verb)), ("resource", .string(p.check.resource)), ("subresource", .string(p.check.subresource))]
    }

    public static func whoCan(_ a: KubeletWhoCanAnswer) -> JSONValue {
        var members: [(String, JSONValue?)]
        switch a.question {
        case .request(let r): members = [("method", .string(r.method)), ("path", .string(r.path.decodedPath))]
        case .permission(let p): members = permission(p)
        }
        members += [
            ("node", a.question.node.map(JSONValue.string) ?? .null),
            ("checks", .array(a.question.checks.map(check))),
            ("subjects", .array(a.holders.map { h in
                .object(subject(h.subject) + [
                    ("via", .array(h.via.map { v in
                        if let g = v.grant {
                            return .object([
                                ("bindingKind", .string(g.binding.kind.rawValue)), ("binding", .string(g.binding.name)),
                                ("roleKind", .string(g.role.kind.rawValue)), ("role", .string(g.role.name)),
                                ("subresource", .string(v.subresource)),
                                ("nodes", v.nodes.map(JSONValue.strings) ?? .string("*")),
                                ("rule", .string(g.rule.summary)),
                                ("source", g.binding.source.map { .string($0.description) }),
                            ])
                        }
                        return .object([
                            ("bindingKind", .string("Authorizer")), ("binding", .string("system:masters")),
                            ("roleKind", .string("")), ("role", .string("")),
                            ("subresource", .string(v.subresource)), ("nodes", .string("*")),
                            ("rule", .string("the API server allows every request of the system:masters group before RBAC")),
                        ])
                    })),
                    ("onlyViaFallback", .bool(h.onlyViaFallback)),
                    ("implicit", .bool(h.implicit)),
                ])
            })),
        ]
        switch a.question {
        case .request(let r):
            members.append(("endpoint", endpoint(r.endpoint)))
            members += routing(r.routing)
        case .permission(let p):
            members.append(("paths", .strings(p.paths)))
        }
        members += profile(a.question.profile)
        members.append(("unresolvedBindings", .array(a.unresolvedBindings.map { b, e in
            .object([("binding", .string(b.name)), ("error", .string(e.description)),
                     ("source", b.source.map { .string($0.description) })])
        })))
        return .object(members)
    }

    public static func explain(_ e: KubeletPermissionExplanation) -> JSONValue {
        let c = e.check
        var members: [(String, JSONValue?)] = [("allowed", .bool(e.allowed))]
        members += permission(e.permission)
        members += [
            ("checks", .array([.object([
                ("verb", .string(c.check.verb)), ("resource", .string(c.check.resource)),
                ("subresource", .string(c.check.subresource)), ("allowed", .bool(c.allowed)),
                ("reason", .string(c.reason)), ("performed", .bool(c.performed)), ("grant", c.grant.map(grant)),
            ])])),
            ("user", .object([("name", .string(e.user.name)), ("groups", .strings(e.user.groups))])),
            ("node", e.permission.node.map(JSONValue.string) ?? .null),
            ("paths", .strings(e.permission.paths)),
        ]
        members += profile(e.permission.profile)
        members.append(("notes", .strings(e.notes)))
        return .object(members)
    }
}
