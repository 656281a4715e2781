/// What the kubelet's handlers do with a request that passed authorization: the go-restful
/// routes under each web service answer 404 for a path they do not know and 405 for a method
/// they do not take; plain handlers (`/healthz`, `/metrics*`, `/configz`, `/statusz`, `/flagz`)
/// serve any method. Measured on 1.36.2: a wrong method is authorized first, then 405;
/// `GET /debug/pprof/` (the bare index) is 404.
public enum KubeletHandlerAnswer: Hashable, Sendable {
    case served
    case notFound
    case methodNotAllowed

    public var status: Int {
        switch self {
        case .served: return 200
        case .notFound: return 404
        case .methodNotAllowed: return 405
        }
    }

    /// go-restful's bodies; a served request's body is the handler's own.
    public func body(method: String) -> String {
        guard method != "HEAD" else { return "" }
        switch self {
        case .served: return ""
        case .notFound: return "404: Page Not Found"
        case .methodNotAllowed: return "405: Method Not Allowed"
        }
    }
}

public enum KubeletHandlerRoutes {
    struct Route {
        let root: String
        /// Path templates under the root; `*` matches the rest of the path (one or more segments).
        let shapes: [[String]]
        let methods: Set<String>
    }

    static let podSegments = [["ns", "pod", "ctr"], ["ns", "pod", "uid", "ctr"]]

    static let routes: [Route] = [
        Route(root: "pods", shapes: [[]], methods: ["GET"]),
        Route(root: "runningpods", shapes: [[]], methods: ["GET"]),
        Route(root: "stats", shapes: [["summary"]], methods: ["GET", "POST"]),
        Route(root: "logs", shapes: [[], ["*"]], methods: ["GET"]),
        Route(root: "exec", shapes: podSegments, methods: ["GET", "POST"]),
        Route(root: "attach", shapes: podSegments, methods: ["GET", "POST"]),
        Route(root: "run", shapes: podSegments, methods: ["POST"]),
        Route(root: "portForward", shapes: [["ns", "pod"], ["ns", "pod", "uid"]], methods: ["GET", "POST"]),
        Route(root: "containerLogs", shapes: [["ns", "pod", "ctr"]], methods: ["GET"]),
        Route(root: "checkpoint", shapes: [["ns", "pod", "ctr"]], methods: ["POST"]),
    ]

    /// Plain handlers: any method.
    static let plain: Set<String> = ["/healthz", "/healthz/log", "/healthz/ping", "/healthz/syncloop", "/metrics", "/metrics/cadvisor",
                                     "/metrics/resource", "/metrics/probes", "/metrics/slis", "/configz", "/statusz", "/flagz", "/spec/"]

    /// The answer to a request the router passed and authorization allowed.
    public static func answer(method: String, path: String) -> KubeletHandlerAnswer {
        if plain.contains(path) { return .served }
        if path == "/debug/flags/v" { return method == "PUT" ? .served : .methodNotAllowed }
        if path.hasPrefix("/debug/pprof/") {
            if path == "/debug/pprof/" { return .notFound }
            return method == "GET" ? .served : .methodNotAllowed
        }
        var segments = path.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard segments.count >= 2, segments[0].isEmpty else { return .notFound }
        segments.removeFirst()
        let root = segments.removeFirst()
        if segments.last == "" { segments.removeLast() }  // "/pods/" is "/pods"
        guard let route = routes.first(where: { $0.root == root }) else { return .notFound }
        let fits = route.shapes.contains { shape in
            if shape == ["*"] { return !segments.isEmpty }
            guard shape.count == segments.count else { return false }
            return zip(shape, segments).allSatisfy { template, actual in
                !actual.isEmpty && (template == "ns" || template == "pod" || template == "ctr" || template == "uid" || template == actual)
            }
        }
        guard fits else { return .notFound }
        return route.methods.contains(method) ? .served : .methodNotAllowed
    }
}
