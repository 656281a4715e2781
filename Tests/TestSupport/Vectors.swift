import Foundation

/// `Tests/Fixtures/vectors.json`: behaviour vectors transcribed from Kubernetes' own unit
/// tests (and marked where derived), one section per behaviour.
public struct Vectors: Decodable, Sendable {
    public let isSubpath: [SubpathVector]
    public let kubeletMapping: [MappingVector]
    public let rbacRuleMatches: [RuleMatchVector]
    public let rbacAuthorizer: [AuthorizerVector]
    public let rbacAppliesTo: [AppliesToVector]
}

public struct SubpathVector: Decodable, Sendable, CustomTestStringConvertible {
    public let subpath: String
    public let path: String
    public let expected: Bool
    public var testDescription: String { "isSubpath(\(subpath.debugDescription), \(path.debugDescription))" }
}

public struct ExpectedCheck: Decodable, Sendable, Equatable {
    public let verb: String
    public let subresource: String
    public init(verb: String, subresource: String) {
        self.verb = verb
        self.subresource = subresource
    }
}

public struct MappingVector: Decodable, Sendable, CustomTestStringConvertible {
    public let id: String
    public let k8sVersion: String
    public let featureGate: [String: Bool?]
    public let method: String
    public let path: String
    public let expected: [ExpectedCheck]
    public var testDescription: String { "\(id) \(method) \(path)" }

    /// The kubelets a vector's version label describes, as (minor, gate setting) pairs:
    /// `nil` leaves the gate at the release default, which the label also asserts.
    public var kubelets: [(minor: Int, gate: Bool?)] {
        switch k8sVersion {
        case let l where l.hasPrefix("v1.36+ (master), KubeletFineGrainedAuthz=true"):
            return [(36, nil), (36, true)]
        case let l where l.hasPrefix("v1.36+ (master) with KubeletFineGrainedAuthz=false"):
            return [(36, false)]
        case let l where l.hasPrefix("v1.33-v1.35, KubeletFineGrainedAuthz=true"):
            return [33, 34, 35].flatMap { [($0, nil), ($0, true)] }
        case let l where l.hasPrefix("v1.25-v1.31, or v1.32-v1.35 with KubeletFineGrainedAuthz=false"):
            return (25...31).map { ($0, nil) } + [(32, nil)] + (32...35).map { ($0, false) }
        case "v1.21-v1.24":
            return (21...24).map { ($0, nil) }
        case "<=v1.20":
            return [(18, nil), (19, nil), (20, nil)]
        default:
            fatalError("unknown version label in vector \(id): \(k8sVersion)")
        }
    }
}

public struct RuleJSON: Codable, Sendable {
    public var verbs: [String]?
    public var apiGroups: [String]?
    public var resources: [String]?
    public var resourceNames: [String]?
    public var nonResourceURLs: [String]?
}

public struct RequestJSON: Decodable, Sendable {
    public let user: String?
    public let groups: [String]?
    public let resourceRequest: Bool
    public let verb: String
    public let apiGroup: String?
    public let resource: String?
    public let subresource: String?
    public let namespace: String?
    public let name: String?
    public let path: String?
}

public struct RuleMatchVector: Decodable, Sendable, CustomTestStringConvertible {
    public let id: String
    public let rule: RuleJSON
    public let request: RequestJSON
    public let expected: Bool
    public var testDescription: String { id }
}

public struct SubjectJSON: Codable, Sendable {
    public let kind: String
    public let name: String
    public let namespace: String?
}

public struct RoleRefJSON: Codable, Sendable {
    public let kind: String
    public let name: String
}

public struct NamedRulesJSON: Codable, Sendable {
    public let name: String
    public let namespace: String?
    public let rules: [RuleJSON]
}

public struct BindingJSON: Codable, Sendable {
    public let name: String
    public let namespace: String?
    public let roleRef: RoleRefJSON
    public let subjects: [SubjectJSON]
}

public struct AuthorizerVector: Decodable, Sendable, CustomTestStringConvertible {
    public let id: String
    public let clusterRoles: [NamedRulesJSON]?
    public let roles: [NamedRulesJSON]?
    public let clusterRoleBindings: [BindingJSON]?
    public let roleBindings: [BindingJSON]?
    public let request: RequestJSON
    public let expectedAllowed: Bool
    public var testDescription: String { id }
}

public struct AppliesToVector: Decodable, Sendable, CustomTestStringConvertible {
    public let id: String
    public let subjects: [SubjectJSON]
    public let user: String
    public let groups: [String]
    public let bindingNamespace: String
    public let expected: Bool
    public var testDescription: String { id }
}

import Testing
