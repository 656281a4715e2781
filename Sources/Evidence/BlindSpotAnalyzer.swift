public enum BlindSpotAnalyzer {
    public static let cacheNote = BlindSpot(
        kind: .decisionCache,
        message: "The kubelet caches authorization decisions (by default 5 minutes when allowed, 30 seconds when denied): repeated calls leave no audit event, so counts are lower bounds and \"unused\" needs a window longer than the cache.")

    public static func fromRecords(_ records: [AuditRecord]) -> [BlindSpot] {
        var out: [BlindSpot] = []
        var metadataByNode: [String: Int] = [:]
        var missingResponse = 0
        // Indexed, not bound: binding a record copies its strings.
        for i in records.indices where records[i].path == .kubelet {
            if records[i].user == nil { metadataByNode[records[i].node, default: 0] += 1 } else if records[i].decision == .unknown { missingResponse += 1 }
        }
        for node in metadataByNode.keys.sorted() {
            out.append(BlindSpot(kind: .metadataLevel,
                                 message: "\(metadataByNode[node]!) kubelet SubjectAccessReviews from node \(node) were logged without their request body (Metadata level): who called the kubelet, for which subresource, is unknown",
                                 count: metadataByNode[node], node: node))
        }
        if missingResponse > 0 {
            out.append(BlindSpot(kind: .missingResponse,
                                 message: "\(missingResponse) kubelet SubjectAccessReviews have no response body (Request level, or the ResponseComplete stage omitted): their verdicts are unknown",
                                 count: missingResponse))
        }
        out.append(cacheNote)
        return out
    }

    /// Does the policy log what evidence needs?
    public static func fromPolicy(_ p: AuditPolicy) -> [BlindSpot] {
        var out: [BlindSpot] = []
        func at(_ i: Int?) -> String? {
            guard let i else { return nil }
            return p.rules[i].line.map { "\(p.source):\($0)" } ?? "\(p.source) rules[\(i)]"
        }
        let review = AuditPolicy.Request(user: "system:node:node-1", groups: ["system:nodes", "system:authenticated"], verb: "create",
                                         isResourceRequest: true, apiGroup: "authorization.k8s.io", resource: "subjectaccessreviews")
        let i = p.firstMatch(review)
        let level = p.level(review)
        if level < .request {
            let what = i.map { "rule \($0 + 1) (level \(level.rawValue))" } ?? "no rule (level None)"
            out.append(BlindSpot(kind: .policyLevel,
                                 message: "the policy logs the kubelet's SubjectAccessReviews (create subjectaccessreviews by system:nodes) through \(what): callers and subresources of direct kubelet access are invisible; they need Request, verdicts need RequestResponse",
                                 location: at(i)))
            // A later rule that would have logged them, shadowed by the first match.
            if let j = p.rules.indices.first(where: { $0 > (i ?? -1) && p.rules[$0].level >= .request && AuditPolicy.matches(p.rules[$0], review) }), let i {
                out.append(BlindSpot(kind: .policyShadowed,
                                     message: "rule \(j + 1) would log the kubelet's SubjectAccessReviews at \(p.rules[j].level.rawValue), but rule \(i + 1) (\(p.rules[i].level.rawValue)) matches first",
                                     location: at(i)))
            }
        } else if level == .request {
            out.append(BlindSpot(kind: .policyLevel,
                                 message: "the policy logs the kubelet's SubjectAccessReviews at Request: callers are visible, verdicts (allowed or denied) are not — use RequestResponse",
                                 location: at(i)))
        }
        if level > .none && p.omittedStages(review).contains("ResponseComplete") {
            out.append(BlindSpot(kind: .policyOmitsResponseComplete,
                                 message: "the policy omits the ResponseComplete stage for the kubelet's SubjectAccessReviews: request and response bodies are logged only at that stage",
                                 location: at(i)))
        }
        let proxy = AuditPolicy.Request(user: "system:serviceaccount:monitoring:agent",
                                        groups: ["system:serviceaccounts", "system:serviceaccounts:monitoring", "system:authenticated"],
                                        verb: "get", isResourceRequest: true, resource: "nodes", subresource: "proxy", name: "node-1")
        if p.level(proxy) == .none {
            out.append(BlindSpot(kind: .policyHidesNodeProxy,
                                 message: "the policy does not log nodes/proxy requests (for a ServiceAccount caller): API-server node proxy use is invisible",
                                 location: at(p.firstMatch(proxy))))
        }
        return out
    }
}
