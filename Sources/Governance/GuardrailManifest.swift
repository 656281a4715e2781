import KubeJSON

/// The guardrail as Kubernetes objects (admissionregistration.k8s.io/v1, 1.30+): a
/// ValidatingAdmissionPolicy and its binding for ClusterRoles, and the same for
/// ClusterRoleBindings. Roles and RoleBindings are not matched: the RBAC authorizer consults
/// them only for namespaced requests and nodes are cluster-scoped, so they never grant
/// `nodes/proxy` (KA005), and namespace-admin Roles (`*` on `*`) would be refused for nothing.
public enum GuardrailManifest {
    public static let rolesPolicyName = "kubelet-authz-nodes-proxy-roles"
    public static let bindingsPolicyName = "kubelet-authz-nodes-proxy-bindings"
    public static let managedByLabel = "app.kubernetes.io/managed-by"
    public static let managedBy = "kubelet-authz"
    /// Marks the objects as the guardrail (the label `scan` recognises them by, with managed-by).
    public static let guardrailLabel = "kubelet-authz.io/guardrail"
    /// The earliest expiry of an exception the policy lets through: regenerate before it.
    public static let expiresAnnotation = "kubelet-authz.io/exceptions-expire"
    public static let generatedAnnotation = "kubelet-authz.io/generated"
    /// On the bindings policy: the ClusterRoles it knows to grant nodes/proxy, comma separated,
    /// so that `scan` can name one it does not know (KA049).
    public static let reachingRolesAnnotation = "kubelet-authz.io/reaching-roles"

    public static func objects(_ g: NodesProxyGuardrail) -> [JSONValue] {
        [
            policy(g, name: rolesPolicyName, resources: ["clusterroles"], variables: GuardrailCEL.roleVariables(g),
                   validations: GuardrailCEL.roleValidations(g)),
            binding(g, policy: rolesPolicyName),
            policy(g, name: bindingsPolicyName, resources: ["clusterrolebindings"], variables: GuardrailCEL.bindingVariables(g),
                   validations: GuardrailCEL.bindingValidations(g)),
            binding(g, policy: bindingsPolicyName),
        ]
    }

    static func metadata(_ g: NodesProxyGuardrail, name: String) -> JSONValue {
        var annotations: [(String, JSONValue?)] = [(generatedAnnotation, .string(g.now.description))]
        if let e = g.earliestExpiry { annotations.append((expiresAnnotation, .string(e.description))) }
        if name == bindingsPolicyName { annotations.append((reachingRolesAnnotation, .string(g.reachingClusterRoles.joined(separator: ",")))) }
        return .object([
            ("name", .string(name)),
            ("labels", .object([(managedByLabel, .string(managedBy)), (guardrailLabel, .string("nodes-proxy"))])),
            ("annotations", .object(annotations)),
        ])
    }

    static func policy(_ g: NodesProxyGuardrail, name: String, resources: [String], variables: [GuardrailCEL.Named],
                       validations: [GuardrailCEL.Validation]) -> JSONValue {
        .object([
            ("apiVersion", .string("admissionregistration.k8s.io/v1")),
            ("kind", .string("ValidatingAdmissionPolicy")),
            ("metadata", metadata(g, name: name)),
            ("spec", .object([
                // A CEL error rejects rather than lets nodes/proxy through.
                ("failurePolicy", .string("Fail")),
                ("matchConstraints", .object([("resourceRules", .array([.object([
                    ("apiGroups", .strings(["rbac.authorization.k8s.io"])),
                    ("apiVersions", .strings(["*"])),
                    ("operations", .strings(["CREATE", "UPDATE"])),
                    ("resources", .strings(resources)),
                ])]))])),
                ("matchConditions", .array(GuardrailCEL.matchConditions.map { .object([("name", .string($0.name)), ("expression", .string($0.expression))]) })),
                ("variables", .array(variables.map { .object([("name", .string($0.name)), ("expression", .string($0.expression))]) })),
                ("validations", .array(validations.map {
                    .object([("expression", .string($0.expression)), ("messageExpression", .string($0.messageExpression)), ("reason", .string("Forbidden"))])
                })),
            ])),
        ])
    }

    static func binding(_ g: NodesProxyGuardrail, policy: String) -> JSONValue {
        .object([
            ("apiVersion", .string("admissionregistration.k8s.io/v1")),
            ("kind", .string("ValidatingAdmissionPolicyBinding")),
            ("metadata", metadata(g, name: policy)),
            ("spec", .object([
                ("policyName", .string(policy)),
                ("validationActions", .strings([g.action.rawValue])),
            ])),
        ])
    }

    /// Whether an object read from a cluster is a guardrail this command wrote.
    public static func isGuardrail(labels: [String: String]) -> Bool {
        labels[managedByLabel] == managedBy && labels[guardrailLabel] != nil
    }
}
