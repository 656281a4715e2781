import Foundation

/// One event of a watch stream as the API server writes it, `{"type":…,"object":{…}}`
/// (k8s.io/apimachinery/pkg/apis/meta/v1/watch.go `WatchEvent`; its types are
/// k8s.io/apimachinery/pkg/watch/watch.go `EventType`). Pure: a line in, a value out.
public struct WatchEvent: Sendable, Equatable {
    public enum EventType: String, Sendable {
        case added = "ADDED", modified = "MODIFIED", deleted = "DELETED", bookmark = "BOOKMARK", error = "ERROR"
    }

    /// The metav1 Status an ERROR event carries (watch.go: "If Type is Error: *Status is recommended").
    public struct Status: Sendable, Equatable {
        public var code: Int?
        public var reason: String?
        public var message: String?

        /// The resource version asked for is no longer in the API server's watch cache: what
        /// client-go's reflector calls an expired error and answers by listing again
        /// (k8s.io/client-go/tools/cache/reflector.go `isExpiredError`: `IsResourceExpired ||
        /// IsGone`, i.e. reason Expired or Gone, both code 410 — "too old resource version").
        public var expired: Bool { code == 410 || reason == "Expired" || reason == "Gone" }
    }

    public var type: EventType
    /// The object as JSON: the new state (ADDED, MODIFIED), the last state (DELETED), only
    /// `metadata.resourceVersion` (BOOKMARK), a Status (ERROR).
    public var object: Data
    /// `namespace/name` (`name` when cluster-scoped); nil for BOOKMARK and ERROR.
    public var key: String?
    public var resourceVersion: String?
    public var status: Status?

    /// One event from one line of the stream.
    public static func decode(_ line: Data) throws(WatchEventError) -> WatchEvent {
        let parsed: Any
        do { parsed = try JSONSerialization.jsonObject(with: line) } catch {
            throw WatchEventError("not JSON: \(Self.excerpt(line))")
        }
        guard let event = parsed as? [String: Any] else { throw WatchEventError("not a JSON object: \(Self.excerpt(line))") }
        guard let typeText = event["type"] as? String else { throw WatchEventError("no \"type\": \(Self.excerpt(line))") }
        guard let type = EventType(rawValue: typeText) else {
            throw WatchEventError("type \"\(typeText)\" is none of ADDED, MODIFIED, DELETED, BOOKMARK, ERROR")
        }
        guard let object = event["object"] as? [String: Any] else { throw WatchEventError("\(typeText) event without an object") }
        let data: Data
        do { data = try JSONSerialization.data(withJSONObject: object) } catch { throw WatchEventError("\(typeText) event: the object cannot be written back as JSON") }
        let meta = ObjectMeta(object)
        switch type {
        case .error:
            let status = Status(code: object["code"] as? Int, reason: object["reason"] as? String,
                                message: object["message"] as? String)
            return WatchEvent(type: type, object: data, key: nil, resourceVersion: nil, status: status)
        case .bookmark:
            guard let rv = meta.resourceVersion else { throw WatchEventError("BOOKMARK without metadata.resourceVersion") }
            return WatchEvent(type: type, object: data, key: nil, resourceVersion: rv, status: nil)
        case .added, .modified, .deleted:
            guard let key = meta.key else { throw WatchEventError("\(typeText) event: the object has no metadata.name") }
            return WatchEvent(type: type, object: data, key: key, resourceVersion: meta.resourceVersion, status: nil)
        }
    }

    /// The start of a line, for a message: enough to recognise it, never a whole object.
    static func excerpt(_ line: Data) -> String {
        let text = String(decoding: line.prefix(80), as: UTF8.self)
        return "\"\(text)\(line.count > 80 ? "…" : "")\""
    }
}

/// A watch line that is not a WatchEvent; the watch skips it (and counts it).
public struct WatchEventError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// The metadata a watch and a list item are keyed by: one reading for both.
struct ObjectMeta {
    var key: String?
    var resourceVersion: String?

    init(_ object: [String: Any]) {
        let metadata = object["metadata"] as? [String: Any]
        resourceVersion = metadata?["resourceVersion"] as? String
        if let name = metadata?["name"] as? String, !name.isEmpty {
            let namespace = metadata?["namespace"] as? String ?? ""
            key = namespace.isEmpty ? name : namespace + "/" + name
        }
    }
}
