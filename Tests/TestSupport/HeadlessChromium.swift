import Foundation
import Testing

/// Chromium (Debian's package; `.ci/run` installs it) run headless on a page, for the tests
/// that check the HTML report and the server's dashboard in a real browser. Without Chromium
/// those tests say why and skip, except under CI=true, where they fail.
public enum HeadlessChromium {
    static let candidates = ["chromium", "chromium-browser"]

    public static let path: String? = {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for name in candidates {
            for dir in path.split(separator: ":") {
                let file = "\(dir)/\(name)"
                if FileManager.default.isExecutableFile(atPath: file) { return file }
            }
        }
        return nil
    }()

    /// The browser, or nil after saying why `what` is not checked; a failure under CI=true.
    public static func browserOrSkip(_ what: String = "the HTML report") -> String? {
        if let path { return path }
        let reason = "no \(candidates.joined(separator: " or ")) on PATH (apt-get install -y chromium; .ci/run installs it)"
        if ProcessInfo.processInfo.environment["CI"] == "true" {
            Issue.record("CI=true and \(what) cannot be checked in a browser: \(reason)")
        } else {
            print("skipped: \(what) is not checked in a browser: \(reason)")
        }
        return nil
    }

    public struct Run: Sendable {
        public let status: Int32
        public let stdout: String
        public let stderr: String
        /// The scratch folder the browser ran in (its profile, and any file it wrote there).
        public let dir: URL

        /// What the page logged to its console: with `--enable-logging=stderr` Chromium writes
        /// each console message (whatever its level, script errors and CSP violations included)
        /// as a `…:CONSOLE:<line>] "message", source: URL (line)` line on stderr.
        public var consoleMessages: [String] { HeadlessChromium.consoleMessages(stderr) }
    }

    public static func consoleMessages(_ stderr: String) -> [String] {
        stderr.split(separator: "\n").map(String.init).filter { $0.contains(":CONSOLE") || $0.contains("Uncaught") }
    }

    /// Chromium headless on `page`, under coreutils' `timeout` so that a hung browser (and
    /// what it started) is stopped; output goes to files, as stderr runs to many kilobytes of
    /// D-Bus complaints a pipe would block on.
    public static func run(_ browser: String, _ page: URL, _ extra: [String], in dir: URL) throws -> Run {
        let out = dir.appendingPathComponent("stdout"), err = dir.appendingPathComponent("stderr")
        FileManager.default.createFile(atPath: out.path, contents: nil)
        FileManager.default.createFile(atPath: err.path, contents: nil)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["timeout", "-k", "10", "120", browser, "--headless=new", "--no-sandbox", "--disable-gpu",
                       "--enable-logging=stderr", "--v=0", "--user-data-dir=\(dir.appendingPathComponent("profile").path)",
                       "--no-first-run", "--hide-scrollbars"] + extra + [page.absoluteString]
        let outHandle = try FileHandle(forWritingTo: out), errHandle = try FileHandle(forWritingTo: err)
        p.standardOutput = outHandle
        p.standardError = errHandle
        p.standardInput = FileHandle.nullDevice
        try p.run()
        p.waitUntilExit()
        try? outHandle.close()
        try? errHandle.close()
        return Run(status: p.terminationStatus, stdout: try String(contentsOf: out, encoding: .utf8),
                   stderr: try String(contentsOf: err, encoding: .utf8), dir: dir)
    }

    /// `url` opened in Chromium with `extra` flags (given the scratch folder) in a scratch
    /// folder removed afterwards; the run must end well, and, `clean`, the page must not log to
    /// the console either. `page`: written to the folder as page.html and opened instead.
    /// Returns false when there is no browser (the test is skipped).
    @discardableResult
    public static func open(url: URL? = nil, page: String? = nil, _ extra: (URL) -> [String], clean: Bool = true, what: String = "the HTML report",
                            then check: (Run) throws -> Void) throws -> Bool {
        guard let browser = browserOrSkip(what) else { return false }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("kubelet-authz-browser-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        var target = url ?? dir.appendingPathComponent("page.html")
        if let page {
            target = dir.appendingPathComponent("page.html")
            try page.write(to: target, atomically: true, encoding: .utf8)
        }
        let r = try run(browser, target, extra(dir), in: dir)
        #expect(r.status == 0, "\(r.stderr.suffix(2000))")
        if clean { #expect(r.consoleMessages.isEmpty, "\(r.consoleMessages)") }
        try check(r)
        return true
    }

    public static func dumpDOM(_: URL) -> [String] { ["--dump-dom"] }

    /// The width and height a PNG's IHDR chunk declares (big-endian, after the signature and
    /// the chunk's length and type); nil when `png` is not a PNG.
    public static func pngSize(_ png: Data) -> (width: Int, height: Int)? {
        guard png.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]), png.count >= 24 else { return nil }
        let b = [UInt8](png.prefix(24))
        return (b[16..<20].reduce(0) { $0 << 8 | Int($1) }, b[20..<24].reduce(0) { $0 << 8 | Int($1) })
    }
}
