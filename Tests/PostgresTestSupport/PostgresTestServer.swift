import Foundation


/// A throwaway PostgreSQL server for the tests, one per test process, shared by every suite:
/// Debian's binaries (`/usr/lib/postgresql/<version>/bin`), `initdb` into a temporary
/// directory and `pg_ctl` on a free loopback port, as the `postgres` user when the tests run
/// as root (the server refuses root). Password authentication over TCP, so that a wrong
/// password is refused as on a real server. Stopped and removed when the process exits, or,
/// when the process was killed, by the next test process that starts one (`removeStale`).
/// Without PostgreSQL the tests skip, saying why; under `CI=true` they fail instead.
public final class PostgresTestServer: Sendable {
    public let port: Int
    public let password: String
    public let directory: String
    let bin: String

    public struct Unavailable: Error, CustomStringConvertible {
        public let description: String
        public init(description: String) { self.description = description }
    }

    /// The server, started on first use.
    public static let shared: Result<PostgresTestServer, Unavailable> = {
        do {
            let server = try PostgresTestServer()
            stopCommand = server.stopArguments
            directoryToRemove = server.directory
            atexit { PostgresTestServer.stopAtExit() }
            return .success(server)
        } catch let e as Unavailable {
            return .failure(e)
        } catch {
            return .failure(Unavailable(description: "\(error)"))
        }
    }()

    nonisolated(unsafe) static var stopCommand: [String] = []
    nonisolated(unsafe) static var directoryToRemove: String?

    static func stopAtExit() {
        guard !stopCommand.isEmpty else { return }
        _ = try? run(stopCommand)
        if let directory = directoryToRemove { try? FileManager.default.removeItem(atPath: directory) }
    }

    /// For `.enabled(if:)`: false (with the reason on stderr) when there is no server and this
    /// is not CI; under CI the test runs and `require()` fails it.
    public static var enabled: Bool {
        if case .failure(let e) = shared {
            if ProcessInfo.processInfo.environment["CI"] == "true" { return true }
            FileHandle.standardError.write(Data("PostgreSQL tests skipped: \(e.description)\n".utf8))
            return false
        }
        return true
    }

    public static func require() throws -> PostgresTestServer {
        switch shared {
        case .success(let s): return s
        case .failure(let e): throw e
        }
    }

    /// `postgres://postgres:PASSWORD@127.0.0.1:PORT/DB` for a new, empty database of its own.
    public func makeDatabase() throws -> String {
        let name = "t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(20)
        try sql("CREATE DATABASE \(name)", database: "postgres")
        return url(database: String(name))
    }

    public func url(database: String, user: String = "postgres", password: String? = nil) -> String {
        "postgres://\(user):\(password ?? self.password)@127.0.0.1:\(port)/\(database)"
    }

    /// Runs SQL with psql as the superuser; the rows, fields separated by `|`.
    @discardableResult
    public func sql(_ statement: String, database: String) throws -> [String] {
        let out = try Self.run(["\(bin)/psql", "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-p", String(port),
                                "-U", "postgres", "-d", database, "-c", statement], environment: ["PGPASSWORD": password])
        return out.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
    }

    /// The database name of a URL made by `makeDatabase`.
    public static func database(of url: String) -> String { String(url.split(separator: "/").last ?? "") }

    /// One number from a query.
    public func count(_ statement: String, database: String) throws -> Int {
        Int(try sql(statement, database: database).first ?? "") ?? -1
    }

    private init() throws {
        let root = "/usr/lib/postgresql"
        let versions = ((try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []).compactMap(Int.init).sorted()
        guard let version = versions.last(where: { FileManager.default.isExecutableFile(atPath: "\(root)/\($0)/bin/initdb") }) else {
            throw Unavailable(description: "no PostgreSQL server binaries under \(root)/<version>/bin (apt-get install -y postgresql)")
        }
        bin = "\(root)/\(version)/bin"
        let asRoot = geteuid() == 0
        let pgCtl = "\(root)/\(version)/bin/pg_ctl"
        Self.removeStale(in: NSTemporaryDirectory(), stop: { dir in
            _ = try? Self.run((asRoot ? ["/usr/sbin/runuser", "-u", "postgres", "--"] : []) + [pgCtl, "-D", dir + "/data", "-m", "immediate", "stop"])
        })
        directory = NSTemporaryDirectory() + "\(Self.directoryPrefix)\(getpid())-\(UUID().uuidString.prefix(8))"
        password = "pw-" + UUID().uuidString.prefix(12)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try Data(password.utf8).write(to: URL(fileURLWithPath: directory + "/pwfile"))
        if asRoot {
            guard getpwnam("postgres") != nil else { throw Unavailable(description: "running as root and there is no postgres user to run the server as") }
            _ = try Self.run(["/bin/chown", "-R", "postgres:", directory])
        }
        let prefix = asRoot ? ["/usr/sbin/runuser", "-u", "postgres", "--"] : []
        _ = try Self.run(prefix + ["\(bin)/initdb", "-D", directory + "/data", "-U", "postgres", "--pwfile", directory + "/pwfile",
                                   "--auth-local=trust", "--auth-host=scram-sha-256", "-E", "UTF8", "--locale=C.UTF-8"])
        var lastError: Error?
        for _ in 0..<5 {
            let port = try Self.freePort()
            let start = prefix + ["\(bin)/pg_ctl", "-D", directory + "/data", "-l", directory + "/server.log", "-w", "-t", "60",
                                  "-o", "-p \(port) -k \(directory) -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=100", "start"]
            do {
                _ = try Self.run(start)
                self.port = port
                stopArguments = prefix + ["\(bin)/pg_ctl", "-D", directory + "/data", "-m", "immediate", "stop"]
                return
            } catch {
                lastError = error  // the port was taken between choosing and listening: another
            }
        }
        throw Unavailable(description: "PostgreSQL did not start: \(lastError.map { "\($0)" } ?? "")")
    }

    let stopArguments: [String]

    static let directoryPrefix = "kubelet-authz-pg-"

    /// The servers and directories of test processes that were killed (`stopAtExit` never
    /// ran). A directory is named for the process that made it; it is stale when that process
    /// is gone and nothing in it changed for `quiet` seconds (a process in another PID
    /// namespace sharing `/tmp` looks gone, but its server writes). Its server is stopped
    /// (`stop`, given the directory) only when the pid in `data/postmaster.pid` is a process
    /// whose command line names this directory, so a pid since reused is never signalled. A
    /// live process's directories are left alone, as are older ones without a process id.
    public static func removeStale(in temporary: String, quiet: TimeInterval = 600, now: Date = Date(), stop: (String) -> Void) {
        let files = FileManager.default
        for name in (try? files.contentsOfDirectory(atPath: temporary)) ?? [] where name.hasPrefix(directoryPrefix) {
            let rest = name.dropFirst(directoryPrefix.count)
            guard let dash = rest.firstIndex(of: "-"), let pid = pid_t(rest[..<dash]), pid > 0 else { continue }
            // ESRCH: no such process. EPERM means it exists under another user: leave it.
            guard kill(pid, 0) != 0, errno == ESRCH else { continue }
            let dir = temporary.hasSuffix("/") ? temporary + name : temporary + "/" + name
            let changed = [dir, dir + "/data", dir + "/data/pg_wal", dir + "/server.log"].compactMap {
                (try? files.attributesOfItem(atPath: $0))?[.modificationDate] as? Date
            }.max()
            guard let changed, now.timeIntervalSince(changed) > quiet else { continue }
            if let pidFile = try? String(contentsOfFile: dir + "/data/postmaster.pid", encoding: .utf8),
               let server = pidFile.split(separator: "\n").first.flatMap({ pid_t($0.trimmingCharacters(in: .whitespaces)) }),
               let command = try? Data(contentsOf: URL(fileURLWithPath: "/proc/\(server)/cmdline")),
               String(decoding: command, as: UTF8.self).contains(dir) {
                stop(dir)
            }
            try? files.removeItem(atPath: dir)
        }
    }

    /// Stops (`fast`) or kills (`immediate`) the server and starts it again on the same port.
    public func restart(after pause: Double = 0, mode: String = "fast") throws {
        let prefix = geteuid() == 0 ? ["/usr/sbin/runuser", "-u", "postgres", "--"] : []
        _ = try Self.run(prefix + ["\(bin)/pg_ctl", "-D", directory + "/data", "-m", mode, "-w", "stop"])
        if pause > 0 { Thread.sleep(forTimeInterval: pause) }
        _ = try Self.run(prefix + ["\(bin)/pg_ctl", "-D", directory + "/data", "-l", directory + "/server.log", "-w", "-t", "60",
                                   "-o", "-p \(port) -k \(directory) -c listen_addresses=127.0.0.1 -c fsync=off", "start"])
    }

    /// A loopback port nothing listens on (bound, read, and closed again).
    public static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = 0
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) == 0 && getsockname(fd, $0, &len) == 0 }
        }
        guard bound else { throw Unavailable(description: "no free loopback port") }
        return Int(UInt16(bigEndian: addr.sin_port))
    }

    /// Runs a command to its end; its output through files rather than pipes (`pg_ctl` leaves
    /// the server behind), waited for with waitpid: Foundation's `Process` misses the exit of
    /// `runuser`, which then stays a zombie and the wait never ends.
    @discardableResult
    static func run(_ arguments: [String], environment: [String: String] = [:]) throws -> String {
        let scratch = NSTemporaryDirectory() + "kubelet-authz-pg-cmd-\(UUID().uuidString)"
        defer { unlink(scratch + ".out"); unlink(scratch + ".err") }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, scratch + ".out", O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, scratch + ".err", O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        let env = ["PATH": "/usr/local/bin:/usr/bin:/bin", "LANG": "C.UTF-8"].merging(environment) { $1 }.map { "\($0)=\($1)" }
        var argv = arguments.map { strdup($0) } + [nil]
        var envp = env.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) }; envp.forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, arguments[0], &actions, nil, &argv, &envp)
        guard spawned == 0 else { throw Unavailable(description: "\(arguments[0]): cannot run (\(String(cString: strerror(spawned))))") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let out = (try? String(contentsOfFile: scratch + ".out", encoding: .utf8)) ?? ""
        let err = (try? String(contentsOfFile: scratch + ".err", encoding: .utf8)) ?? ""
        let exited = status & 0x7f == 0, code = (status >> 8) & 0xff
        guard exited && code == 0 else {
            throw Unavailable(description: "\(arguments.joined(separator: " ")) \(exited ? "exited \(code)" : "was killed by signal \(status & 0x7f)"): \(err)\(out)")
        }
        return out
    }
}
