import Foundation

/// Why a watch was started again, as `/metrics` counts it.
public enum WatchRestartReason: String, Sendable, CaseIterable {
    /// The resource version is too old (410 Gone, or an ERROR event with an expired Status):
    /// everything is listed again and watched from the list's version.
    case relist410 = "relist_410"
    /// The stream ended normally (`timeoutSeconds` ran out, the server closed it): watched
    /// again from the last resource version seen, without a list.
    case streamEnd = "stream_end"
    /// The request failed, the connection broke, or the stream said ERROR: after a back-off,
    /// watched again from the last resource version seen.
    case error
}

/// What the list-and-watch of one resource reports as it goes.
public enum ListWatchReport: Sendable {
    /// A new list: everything, replacing what was known.
    case listed(WatchedObjects)
    /// An ADDED, MODIFIED or DELETED event, to apply to what was listed.
    case event(WatchEvent)
    case restarted(WatchRestartReason, detail: String)
    /// A line that is not a WatchEvent, skipped.
    case malformed(String)
}

/// How long to wait after a failure: doubling from `initial` to `maximum`, back to `initial`
/// once an event arrives. client-go's reflector waits 800 ms doubling to 30 s
/// (k8s.io/client-go/tools/cache/reflector.go `NewReflectorWithOptions`, its backoff manager).
public struct WatchBackoff: Sendable {
    public var initial: Duration
    public var maximum: Duration
    public static let standard = WatchBackoff(initial: .milliseconds(800), maximum: .seconds(30))
    public init(initial: Duration, maximum: Duration) {
        self.initial = initial
        self.maximum = maximum
    }
}

/// Keeps one resource current as client-go's reflector does: list, then watch from the list's
/// resource version with bookmarks; a stream that ends is watched again from the last version
/// seen; a version too old (410) means list again (k8s.io/client-go/tools/cache/reflector.go
/// `ListAndWatch`, `watchHandler`, `isExpiredError`).
public struct ListWatch: Sendable {
    public let client: KubeAPIClient
    public let path: String
    public var backoff: WatchBackoff
    /// The `timeoutSeconds` of each watch: client-go picks between 5 and 10 minutes at random
    /// so that watches do not all end at once (reflector.go `minWatchTimeout`).
    public var timeoutSeconds: @Sendable () -> Int = { Int.random(in: 300...600) }

    public init(client: KubeAPIClient, path: String, backoff: WatchBackoff = .standard) {
        self.client = client
        self.path = path
        self.backoff = backoff
    }

    /// The watch request: `allowWatchBookmarks` keeps the version current on a quiet resource,
    /// so that a watch started again seldom finds its version expired.
    func watchPath(from resourceVersion: String, timeout: Int) -> String {
        let rv = resourceVersion.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? resourceVersion
        return path + "?watch=1&resourceVersion=\(rv)&allowWatchBookmarks=true&timeoutSeconds=\(timeout)"
    }

    /// Watches from `resourceVersion` (a list's; nil lists first) until the task is
    /// cancelled, reporting every change. Never throws: failures are reported, waited out and
    /// tried again.
    public func run(from start: String?, report: @Sendable (ListWatchReport) async -> Void) async {
        var resourceVersion = start
        var needsList = resourceVersion == nil
        var wait = backoff.initial
        while !Task.isCancelled {
            let restart: (WatchRestartReason, String)
            // Whether to wait before the next request: after a failure, and after a stream that
            // ended without a line (a server closing at once), so that neither can spin.
            var pause = false
            do {
                if needsList {
                    var listed = WatchedObjects(path: path)
                    do { try listed.replace(withPages: try await client.list(path)) } catch let error as WatchEventError { throw KubeAPIError(error.description) }
                    guard let version = listed.resourceVersion else { throw KubeAPIError("\(path): the list has no metadata.resourceVersion to watch from") }
                    resourceVersion = version
                    needsList = false
                    await report(.listed(listed))
                }
                switch try await watchOnce(from: &resourceVersion, report: report) {
                case .ended(let eventsSeen):
                    restart = (.streamEnd, "the watch of \(path) ended; watching again from resourceVersion \(resourceVersion ?? "")")
                    if eventsSeen { wait = backoff.initial } else { pause = true }
                case .expired(let why):
                    needsList = true
                    wait = backoff.initial
                    restart = (.relist410, "\(path): \(why); listing again")
                case .failed(let why):
                    restart = (.error, why)
                    pause = true
                }
            } catch is CancellationError {
                return
            } catch {
                if Task.isCancelled { return }
                restart = (.error, "\(error)")
                pause = true
            }
            await report(.restarted(restart.0, detail: restart.1))
            if pause {
                do { try await Task.sleep(for: wait) } catch { return }
                wait = min(wait * 2, backoff.maximum)
            }
        }
    }

    enum WatchOutcome {
        case ended(eventsSeen: Bool)
        /// Too old a resource version: list again.
        case expired(String)
        case failed(String)
    }

    /// One watch request, its events reported as they arrive and their versions kept.
    func watchOnce(from resourceVersion: inout String?, report: @Sendable (ListWatchReport) async -> Void) async throws -> WatchOutcome {
        let timeout = timeoutSeconds()
        let request = watchPath(from: resourceVersion ?? "", timeout: timeout)
        let (lines, sink) = AsyncStream.makeStream(of: Data.self)
        let stream = Task { [client] in
            defer { sink.finish() }
            return try await client.streamLines(request) { sink.yield($0) }
        }
        // The server ends a watch after timeoutSeconds; one that says nothing for a minute longer
        // is on a connection that died without a word, and is given up.
        let watchdog = Task {
            try await Task.sleep(for: .seconds(timeout + 60))
            stream.cancel()
        }
        defer { watchdog.cancel(); stream.cancel() }
        var seen = false
        var stop: WatchOutcome? = nil
        await withTaskCancellationHandler {
            for await line in lines {
                let event: WatchEvent
                do { event = try WatchEvent.decode(line) } catch {
                    await report(.malformed("\(path): \(error)"))
                    continue
                }
                seen = true
                if event.type == .error {
                    let status = event.status
                    let why = "ERROR event: \(status?.code.map(String.init) ?? "no code") \(status?.reason ?? "")\(status?.message.map { ": " + $0 } ?? "")"
                    stop = status?.expired == true ? .expired(why) : .failed("\(path): \(why)")
                    stream.cancel()
                    break
                }
                if let rv = event.resourceVersion { resourceVersion = rv }
                if event.type != .bookmark { await report(.event(event)) }
            }
        } onCancel: {
            stream.cancel()
        }
        if let stop { return stop }
        try Task.checkCancellation()
        do {
            switch try await stream.value {
            case .ended: return .ended(eventsSeen: seen)
            case .refused(let error) where error.status == 410: return .expired("the watch answered 410 Gone")
            case .refused(let error): return .failed(error.description)
            }
        } catch is CancellationError {
            try Task.checkCancellation()
            return .failed("\(path): no event or bookmark within \(timeout + 60) s of a \(timeout) s watch; watching again")
        }
    }
}
