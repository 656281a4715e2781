import KubeJSON

/// An HTTP answer before it is an HTTP response: status, JSON body, and `Retry-After` when
/// the caller should come back.
public struct WebhookAnswer: Sendable {
    public var status: Int
    public var body: [UInt8]
    public var retryAfter: Int?

    public init(status: Int, json: JSONValue, retryAfter: Int? = nil) {
        var body: [UInt8] = []
        JSONWriter.writeCompact(json, into: &body)
        self.init(status: status, body: body, retryAfter: retryAfter)
    }

    public init(status: Int, body: [UInt8], retryAfter: Int? = nil) {
        self.status = status
        self.body = body
        self.retryAfter = retryAfter
    }

    /// A `metav1.Status` failure, as the API server words its own (reason is the Go
    /// `StatusReason`: BadRequest, RequestEntityTooLarge, TooManyRequests, ServiceUnavailable…).
    public static func failure(_ code: Int, reason: String, message: String, retryAfter: Int? = nil) -> WebhookAnswer {
        WebhookAnswer(status: code, json: .object([
            ("kind", .string("Status")), ("apiVersion", .string("v1")), ("metadata", .object([])),
            ("status", .string("Failure")), ("message", .string(message)), ("reason", .string(reason)),
            ("code", .integer(code)),
        ]), retryAfter: retryAfter)
    }
}
