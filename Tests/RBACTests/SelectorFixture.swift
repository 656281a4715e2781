import Foundation
import KubeJSON
import RBAC
import TestSupport
import Testing

/// `Tests/Fixtures/sar-selectors.json`: selector grammar, 422 and evaluationError vectors,
/// each with its upstream source.
struct SelectorFixture: Decodable {
    struct FieldParse: Decodable, Sendable, CustomTestStringConvertible {
        struct Requirement: Decodable, Equatable { let field: String; let `operator`: String; let value: String }
        let selector: String
        let valid: Bool
        let requirements: [Requirement]?
        let source: String
        var testDescription: String { "field selector \(selector.debugDescription)" }
    }

    struct LabelParse: Decodable, Sendable, CustomTestStringConvertible {
        struct Requirement: Decodable, Equatable { let key: String; let `operator`: String; let values: [String] }
        let selector: String
        let valid: Bool
        let requirements: [Requirement]?
        let source: String
        var testDescription: String { "label selector \(selector.debugDescription)" }
    }

    struct Cause: Decodable, Equatable { let reason: String; let field: String; let message: String }

    /// A review's spec and what the API server does with it; `Expected` reads the rest of
    /// the vector.
    struct ReviewCase<Expected: Decodable & Sendable>: Decodable, Sendable, CustomTestStringConvertible {
        let name: String
        let spec: JSONValue
        let expected: Expected
        var testDescription: String { name }

        enum CodingKeys: String, CodingKey { case name, spec }
        init(from decoder: Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            name = try c.decode(String.self, forKey: .name)
            spec = try c.decode(JSONValue.self, forKey: .spec)
            expected = try Expected(from: decoder)
        }
    }

    struct Rejected: Decodable, Sendable {
        struct Status: Decodable, Sendable { let message: String; let causes: [Cause] }
        let status422: Status
        let source: String
    }

    struct Answered: Decodable, Sendable {
        let allowed: Bool
        let evaluationError: String
        let source: String
    }

    struct Written: Decodable, Sendable {
        /// `spec.resourceAttributes` as the API server writes it, byte for byte.
        let written: String
    }

    struct DecodeFailure: Decodable, Sendable {
        let path: String
    }

    let fieldSelectorParse: [FieldParse]
    let labelSelectorParse: [LabelParse]
    let invalid: [ReviewCase<Rejected>]
    let evaluationError: [ReviewCase<Answered>]
    let echo: [ReviewCase<Written>]
    let decodeErrors: [ReviewCase<DecodeFailure>]

    static let shared: SelectorFixture = {
        do { return try JSONDecoder().decode(SelectorFixture.self, from: Fixtures.data("sar-selectors.json")) } catch {
            fatalError("sar-selectors.json does not decode: \(error)")
        }
    }()

    /// The review a vector's spec stands for, as a client would send it.
    static func review(_ spec: JSONValue) -> Data {
        let object = JSONValue.object([
            ("apiVersion", .string("authorization.k8s.io/v1")), ("kind", .string("SubjectAccessReview")), ("spec", spec),
        ])
        return Data(JSONWriter.compact(object).utf8)
    }

    /// Alice may get nodes/proxy; everyone else only what system:masters gives.
    static let reviewer = SubjectAccessReviewer(authorizer: RBACAuthorizer(policy: RBACPolicy(
        roles: [Role.clusterRole("proxy", rules: [PolicyRule(verbs: ["get"], apiGroups: [""], resources: ["nodes/proxy"])])],
        bindings: [.clusterRoleBinding("alice-proxy", clusterRole: "proxy", subjects: [Subject(kind: "User", name: "alice")])])))
}
