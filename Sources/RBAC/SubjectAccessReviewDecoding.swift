import Foundation
import KubeJSON

extension SubjectAccessReview {
    public enum DecodeError: Error, Equatable, CustomStringConvertible {
        case invalidJSON(String)
        case wrongType(apiVersion: String, kind: String)
        case field(path: String, message: String)

        public var description: String {
            switch self {
            case .invalidJSON(let detail): return "invalid JSON: \(detail)"
            case .wrongType(let apiVersion, let kind):
                return "expected kind SubjectAccessReview with apiVersion authorization.k8s.io/v1 or authorization.k8s.io/v1beta1, got kind \(goQuote(kind)) apiVersion \(goQuote(apiVersion))"
            case .field(let path, let message): return "\(path): \(message)"
            }
        }
    }

    private struct Wire: Decodable {
        struct Spec: Decodable {
            struct RA: Decodable {
                var namespace, verb, group, version, resource, subresource, name: String?
                var fieldSelector, labelSelector: Selector?
            }
            /// Go leaves a struct or string that JSON sets to `null` at its zero value, inside
            /// arrays too, so `null` elements are accepted and read as empty.
            struct Selector: Decodable {
                struct Requirement: Decodable { var key, `operator`: String?; var values: [String?]? }
                var rawSelector: String?
                var requirements: [Requirement?]?

                var attributes: SelectorAttributes {
                    SelectorAttributes(rawSelector: rawSelector ?? "", requirements: (requirements ?? []).map { r in
                        SelectorAttributes.Requirement(key: r?.key ?? "", operator: r?.operator ?? "",
                                                       values: (r?.values ?? []).map { $0 ?? "" })
                    })
                }
            }
            struct NRA: Decodable { var path, verb: String? }
            var resourceAttributes: RA?
            var nonResourceAttributes: NRA?
            var user: String?
            var groups: [String]?
            var group: [String]?
            var extra: [String: [String]]?
            var uid: String?
        }
        var apiVersion: String?
        var kind: String?
        var metadata: JSONValue?
        var spec: Spec?
    }

    /// Decodes one review from JSON, with errors that name the field at fault. The usual
    /// review is read by `SubjectAccessReviewFieldReader`; everything else, errors included,
    /// by `JSONDecoder`.
    public static func decode(_ data: Data) throws(DecodeError) -> SubjectAccessReview {
        if let review = data.withUnsafeBytes(SubjectAccessReviewFieldReader.read) { return review }
        return try decodeWithJSONDecoder(data)
    }

    /// The same, from bytes that are not copied unless `JSONDecoder` must read them (the
    /// webhook's request body, in place).
    public static func decode(bytes: UnsafeRawBufferPointer) throws(DecodeError) -> SubjectAccessReview {
        if let review = SubjectAccessReviewFieldReader.read(bytes) { return review }
        return try decodeWithJSONDecoder(Data(bytes))
    }

    /// The reference decoding, which the field reader is held to.
    static func decodeWithJSONDecoder(_ data: Data) throws(DecodeError) -> SubjectAccessReview {
        let wire: Wire
        do {
            wire = try JSONDecoder().decode(Wire.self, from: data)
        } catch let DecodingError.typeMismatch(_, ctx) {
            throw .field(path: ctx.codingPath.dottedPath, message: ctx.debugDescription)
        } catch let DecodingError.valueNotFound(_, ctx) {
            throw .field(path: ctx.codingPath.dottedPath, message: ctx.debugDescription)
        } catch let DecodingError.dataCorrupted(ctx) {
            // Foundation says "around character N"; a person wants the line and column.
            throw .invalidJSON(JSONSyntaxError.find(in: data)?.description ?? ctx.debugDescription)
        } catch {
            throw .invalidJSON("\(error)")
        }
        let apiVersion = wire.apiVersion ?? ""
        let kind = wire.kind ?? ""
        guard kind == "SubjectAccessReview", let version = Version(rawValue: apiVersion) else {
            throw .wrongType(apiVersion: apiVersion, kind: kind)
        }
        var sar = SubjectAccessReview(version: version)
        sar.metadata = wire.metadata ?? .object([])
        if let ra = wire.spec?.resourceAttributes {
            var r = ResourceAttributes()
            r.namespace = ra.namespace ?? ""; r.verb = ra.verb ?? ""; r.group = ra.group ?? ""
            r.version = ra.version ?? ""; r.resource = ra.resource ?? ""; r.subresource = ra.subresource ?? ""
            r.name = ra.name ?? ""
            r.fieldSelector = ra.fieldSelector?.attributes; r.labelSelector = ra.labelSelector?.attributes
            sar.resourceAttributes = r
        }
        if let nra = wire.spec?.nonResourceAttributes {
            var n = NonResourceAttributes()
            n.path = nra.path ?? ""; n.verb = nra.verb ?? ""
            sar.nonResourceAttributes = n
        }
        sar.user = wire.spec?.user ?? ""
        sar.groups = (version == .v1 ? wire.spec?.groups : wire.spec?.group) ?? []
        sar.extra = wire.spec?.extra ?? [:]
        sar.uid = wire.spec?.uid ?? ""
        return sar
    }
}
