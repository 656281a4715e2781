import KubeJSON
/// The fields of an `audit.k8s.io/v1` Event that evidence needs. The request body is decoded
/// only for SubjectAccessReviews: elsewhere it can be any object. An object that is not audit
/// input (`AuditEventType`) fails to decode, as does an `EventList` whose items are not a list.
struct AuditEventWire: Decodable {
    /// The two `extra` keys evidence reads. A struct, not a dictionary: decoding dictionaries
    /// was most of the cost of a kubelet review line.
    struct Extra: Decodable {
        var podName: [String]?
        var credentialID: [String]?
        enum CodingKeys: String, CodingKey {
            case podName = "authentication.kubernetes.io/pod-name"
            case credentialID = "authentication.kubernetes.io/credential-id"
        }
    }
    struct Annotations: Decodable {
        var decision: String?
        var reason: String?
        enum CodingKeys: String, CodingKey {
            case decision = "authorization.k8s.io/decision"
            case reason = "authorization.k8s.io/reason"
        }
    }
    struct User: Decodable {
        var username: String?
        var uid: String?
        var groups: [String]?
        var extra: Extra?
    }
    struct ObjectRef: Decodable {
        var resource: String?
        var namespace: String?
        var name: String?
        var apiGroup: String?
        var subresource: String?
    }
    struct ResponseStatus: Decodable { var code: Int? }
    struct ReviewSpec: Decodable {
        struct ResourceAttributes: Decodable {
            var namespace, verb, group, resource, subresource, name: String?
        }
        var resourceAttributes: ResourceAttributes?
        var user: String?
        var groups: [String]?
        var uid: String?
        var extra: Extra?
    }
    struct ReviewRequest: Decodable { var spec: ReviewSpec? }
    struct ReviewStatus: Decodable {
        var allowed: Bool?
        var denied: Bool?
        var reason: String?
    }
    struct ReviewResponse: Decodable { var status: ReviewStatus? }

    var kind: String?
    var apiVersion: String?
    var level: String?
    var auditID: String?
    var stage: String?
    var requestURI: String?
    var verb: String?
    var user: User?
    var impersonatedUser: User?
    var objectRef: ObjectRef?
    var responseStatus: ResponseStatus?
    var requestObject: ReviewRequest?
    var responseObject: ReviewResponse?
    var requestReceivedTimestamp: String?
    var stageTimestamp: String?
    var annotations: Annotations?
    /// `EventList` documents (what the audit webhook sends).
    var items: [AuditEventWire]?

    enum CodingKeys: String, CodingKey {
        case kind, apiVersion, level, auditID, stage, requestURI, verb, user, impersonatedUser, objectRef, responseStatus, requestObject, responseObject
        case requestReceivedTimestamp, stageTimestamp, annotations, items
    }

    init() {}

    init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        kind = try c.decodeIfPresent(String.self, forKey: .kind)
        apiVersion = try c.decodeIfPresent(String.self, forKey: .apiVersion)
        // Below the top level are an EventList's items, or the events of a JSON array document.
        let type: AuditEventType.Kind
        do { type = try AuditEventType.classify(kind: kind, apiVersion: apiVersion, inList: !decoder.codingPath.isEmpty) } catch {
            var located = error
            located.path = decoder.codingPath.map(JSONValueLocator.Step.init)
            throw located
        }
        if type == .eventList {
            // Go writes an empty list's items as null: no events, not one.
            items = try c.decodeIfPresent([AuditEventWire].self, forKey: .items) ?? []
            return
        }
        level = try c.decodeIfPresent(String.self, forKey: .level)
        auditID = try c.decodeIfPresent(String.self, forKey: .auditID)
        stage = try c.decodeIfPresent(String.self, forKey: .stage)
        requestURI = try c.decodeIfPresent(String.self, forKey: .requestURI)
        verb = try c.decodeIfPresent(String.self, forKey: .verb)
        user = try c.decodeIfPresent(User.self, forKey: .user)
        impersonatedUser = try c.decodeIfPresent(User.self, forKey: .impersonatedUser)
        objectRef = try c.decodeIfPresent(ObjectRef.self, forKey: .objectRef)
        responseStatus = try c.decodeIfPresent(ResponseStatus.self, forKey: .responseStatus)
        requestReceivedTimestamp = try c.decodeIfPresent(String.self, forKey: .requestReceivedTimestamp)
        stageTimestamp = try c.decodeIfPresent(String.self, forKey: .stageTimestamp)
        annotations = try c.decodeIfPresent(Annotations.self, forKey: .annotations)
        if objectRef?.resource == "subjectaccessreviews" && objectRef?.apiGroup == "authorization.k8s.io" {
            requestObject = try? c.decodeIfPresent(ReviewRequest.self, forKey: .requestObject)
            responseObject = try? c.decodeIfPresent(ReviewResponse.self, forKey: .responseObject)
        }
    }
}
