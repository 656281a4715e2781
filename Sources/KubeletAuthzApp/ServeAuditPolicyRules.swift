/// The audit policy rules the evidence needs (audit.k8s.io/v1 Policy; matching as in
/// staging/src/k8s.io/apiserver/pkg/audit/policy/checker.go, which `AuditPolicy` models): the
/// kubelets' SubjectAccessReviews at RequestResponse (the caller and subresource are in the
/// request, the verdict only in the response), and the API server's node proxy at Metadata
/// (the path, with an exec command, is in `requestURI`). `BlindSpotAnalyzer.fromPolicy`
/// finds no blind spot in them.
public enum ServeAuditPolicyRules {
    public static let fileName = "audit-policy.yaml"

    static func artefact(_ p: ServeDeploymentPlan) -> ServeArtefact {
        ServeArtefact(fileName: fileName, format: .yaml, header: [
            "Audit policy RULES for the kubelet evidence. An API server has ONE audit policy (--audit-policy-file), shared by",
            "its log and webhook backends, and the first rule that matches an event decides its level. So:",
            "  - a cluster with a policy: copy the two rules below to the TOP of its `rules:` (above any rule that would",
            "    match these requests at a lower level, such as a catch-all Metadata or None rule), keep its file and flag;",
            "  - a cluster without one: install this file as \(p.auditPolicyPath) and pass --audit-policy-file.",
            "The webhook backend receives every event the whole policy logs; the server keeps only the kubelet evidence.",
            "Check a merged policy with: kubelet-authz evidence --audit-policy FILE (it reports the blind spots).",
        ], body: """
            apiVersion: audit.k8s.io/v1
            kind: Policy
            rules:
            # The kubelets' SubjectAccessReviews (create subjectaccessreviews by system:nodes): who called
            # which kubelet for which nodes/<subresource> is in the request body, allowed or denied only
            # in the response body, so RequestResponse. Both bodies are logged at ResponseComplete.
            - level: RequestResponse
              userGroups: ["system:nodes"]
              verbs: ["create"]
              resources:
              - group: authorization.k8s.io
                resources: ["subjectaccessreviews"]
              omitStages: ["RequestReceived"]
            # The API server's node proxy (/api/v1/nodes/NAME/proxy/...): requestURI carries the kubelet
            # path, an exec command included. GET has no body, so Metadata is enough.
            - level: Metadata
              resources:
              - group: ""
                resources: ["nodes/proxy"]
              omitStages: ["RequestReceived"]

            """)
    }
}
