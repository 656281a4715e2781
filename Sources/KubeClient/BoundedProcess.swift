import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs a program to its end with a deadline and bounded output, for credential plugins.
///
/// Foundation's `Process` gives no process group to kill, and reading one pipe to its end
/// before the other deadlocks once the other fills (64 KiB on Linux). Here both pipes are
/// polled from the calling thread, stdout is capped, stderr keeps its head while the rest is
/// drained, and the program (with everything it started) is stopped at the deadline.
/// Blocking by design: callers keep it off Swift's cooperative pool.
struct BoundedProcess {
    struct Limits: Sendable {
        /// Longest run before SIGTERM; kubectl has none, but a hung plugin must not hang us.
        var timeout: Duration = .seconds(60)
        /// More stdout than any ExecCredential needs means something is wrong: the run is stopped.
        var stdoutBytes = 4 << 20
        /// stderr is only shown in errors; beyond this it is read and dropped.
        var stderrBytes = 4 << 10
        /// Between SIGTERM and SIGKILL.
        var killGrace: Duration = .seconds(2)

        init(timeout: Duration = .seconds(60), stdoutBytes: Int = 4 << 20, stderrBytes: Int = 4 << 10, killGrace: Duration = .seconds(2)) {
            self.timeout = timeout
            self.stdoutBytes = stdoutBytes
            self.stderrBytes = stderrBytes
            self.killGrace = killGrace
        }
    }

    enum Ending: Equatable {
        case exited(Int32)
        case signalled(Int32)
        /// Stopped by us: the deadline passed.
        case timedOut
        /// Stopped by us: stdout passed its cap.
        case stdoutOverflow
    }

    struct Outcome {
        var ending: Ending
        var stdout: [UInt8]
        /// The first `stderrBytes` of stderr.
        var stderr: [UInt8]
    }

    struct SpawnError: Error { let reason: String }

    let executable: String
    let arguments: [String]
    let environment: [String: String]
    /// False gives the program /dev/null as stdin and a process group of its own, so that
    /// children it starts are stopped with it. True (interactive plugins) keeps our stdin and
    /// our process group: a background group could not read the terminal.
    let inheritStdin: Bool
    let limits: Limits

    /// `command` as kubectl's exec.LookPath finds it: a path when it has a slash, else the
    /// first executable file of that name along `PATH`.
    static func resolve(_ command: String, path: String?) -> String? {
        if command.contains("/") { return access(command, X_OK) == 0 ? command : nil }
        for dir in (path ?? "").split(separator: ":", omittingEmptySubsequences: false) {
            let candidate = (dir.isEmpty ? "." : String(dir)) + "/" + command
            var info = stat()
            if stat(candidate, &info) == 0, (info.st_mode & mode_t(S_IFMT)) == mode_t(S_IFREG), access(candidate, X_OK) == 0 { return candidate }
        }
        return nil
    }

    func run() throws(SpawnError) -> Outcome {
        let out = try makePipe(), err = try makePipe()
        let pid: pid_t
        do { pid = try spawn(stdoutWrite: out.write, stderrWrite: err.write) } catch {
            for fd in [out.read, out.write, err.read, err.write] { close(fd) }
            throw error
        }
        close(out.write)
        close(err.write)
        defer { close(out.read); close(err.read) }

        let deadline = ContinuousClock.now + limits.timeout
        var stdout: [UInt8] = [], stderr: [UInt8] = []
        var fds = [pollfd(fd: out.read, events: Int16(POLLIN), revents: 0), pollfd(fd: err.read, events: Int16(POLLIN), revents: 0)]
        var buffer = [UInt8](repeating: 0, count: 64 << 10)
        while fds.contains(where: { $0.fd >= 0 }) {
            let left = deadline - ContinuousClock.now
            guard left > .zero else { return stop(pid, .timedOut, stdout, stderr) }
            let ready = poll(&fds, nfds_t(fds.count), Self.pollMilliseconds(left))
            if ready < 0 && errno != EINTR { return stop(pid, .timedOut, stdout, stderr) }
            for i in fds.indices where fds[i].fd >= 0 && fds[i].revents != 0 {
                let n = buffer.withUnsafeMutableBytes { read(fds[i].fd, $0.baseAddress, $0.count) }
                if n < 0 && (errno == EINTR || errno == EAGAIN) { continue }
                if n <= 0 { fds[i].fd = -1; continue }
                if i == 0 {
                    guard stdout.count + n <= limits.stdoutBytes else { return stop(pid, .stdoutOverflow, [], stderr) }
                    stdout.append(contentsOf: buffer[0..<n])
                } else if stderr.count < limits.stderrBytes {
                    stderr.append(contentsOf: buffer[0..<min(n, limits.stderrBytes - stderr.count)])
                }
            }
        }
        // Both pipes closed; a program may still linger after closing them.
        while true {
            if let ending = reap(pid) { return Outcome(ending: ending, stdout: stdout, stderr: stderr) }
            guard ContinuousClock.now < deadline else { return stop(pid, .timedOut, stdout, stderr) }
            _ = poll(nil, 0, 5)
        }
    }

    private func stop(_ pid: pid_t, _ why: Ending, _ stdout: [UInt8], _ stderr: [UInt8]) -> Outcome {
        // The group id stays ours while any member lives, so signalling it cannot reach a
        // stranger; once the leader is reaped, what is left of the group is still ours.
        let target = inheritStdin ? pid : -pid
        kill(target, SIGTERM)
        let graceEnd = ContinuousClock.now + limits.killGrace
        var reaped = reap(pid) != nil
        while !reaped && ContinuousClock.now < graceEnd {
            _ = poll(nil, 0, 10)
            reaped = reap(pid) != nil
        }
        // A reaped pid may already belong to someone else; the group id stays ours.
        if !reaped || !inheritStdin { kill(target, SIGKILL) }
        if !reaped {
            var status: Int32 = 0
            while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        }
        return Outcome(ending: why, stdout: stdout, stderr: stderr)
    }

    /// How the program ended, if it has.
    private func reap(_ pid: pid_t) -> Ending? {
        var status: Int32 = 0
        let r = waitpid(pid, &status, WNOHANG)
        guard r == pid else { return r < 0 && errno != EINTR ? .exited(-1) : nil }
        // The <sys/wait.h> macros are not imported into Swift.
        let signal = status & 0x7f
        return signal == 0 ? .exited((status >> 8) & 0xff) : .signalled(signal)
    }

    /// poll(2)'s timeout: at least 1 ms (0 would spin), at most a second.
    static func pollMilliseconds(_ d: Duration) -> Int32 {
        Int32(clamping: min(max(d.millisecondsRoundedUp, 1), 1000))
    }

    private func makePipe() throws(SpawnError) -> (read: Int32, write: Int32) {
        var fds: [Int32] = [-1, -1]
        guard pipe(&fds) == 0 else { throw SpawnError(reason: String(cString: strerror(errno))) }
        // Close-on-exec, so that only the plugin holds the write ends. (pipe2 would close the
        // window in which another thread's child could inherit one; Glibc's module does not
        // export it. Such a child would only delay our EOF, and the deadline bounds that.)
        for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        _ = fcntl(fds[0], F_SETFL, fcntl(fds[0], F_GETFL) | O_NONBLOCK)
        return (fds[0], fds[1])
    }

    private func spawn(stdoutWrite: Int32, stderrWrite: Int32) throws(SpawnError) -> pid_t {
        #if canImport(Darwin)
        var actions: posix_spawn_file_actions_t? = nil
        var attributes: posix_spawnattr_t? = nil
        #else
        var actions = posix_spawn_file_actions_t()
        var attributes = posix_spawnattr_t()
        #endif
        posix_spawn_file_actions_init(&actions)
        posix_spawnattr_init(&attributes)
        defer {
            posix_spawn_file_actions_destroy(&actions)
            posix_spawnattr_destroy(&attributes)
        }
        if !inheritStdin { posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0) }
        posix_spawn_file_actions_adddup2(&actions, stdoutWrite, 1)
        posix_spawn_file_actions_adddup2(&actions, stderrWrite, 2)
        // Nothing else of ours: not every descriptor in this process is close-on-exec, and a
        // plugin holding, say, a file another thread is writing would make exec of that file
        // fail with ETXTBSY, or a socket outlive us. (A descriptor closed meanwhile is skipped.)
        for fd in Self.openDescriptors() where fd > 2 { posix_spawn_file_actions_addclose(&actions, fd) }

        // Signals we ignore or block would be ignored or blocked in the plugin too (both
        // survive exec), and a plugin deaf to SIGTERM would take the whole grace period.
        var noSignals = sigset_t(), defaults = sigset_t()
        sigemptyset(&noSignals)
        sigemptyset(&defaults)
        for s: Int32 in 1..<32 where s != SIGKILL && s != SIGSTOP { sigaddset(&defaults, s) }
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        var flags = Int32(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF)
        #if canImport(Darwin)
        flags |= Int32(POSIX_SPAWN_CLOEXEC_DEFAULT)
        #endif
        if !inheritStdin {
            flags |= Int32(POSIX_SPAWN_SETPGROUP)
            posix_spawnattr_setpgroup(&attributes, 0)
        }
        posix_spawnattr_setflags(&attributes, Int16(flags))

        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = environment.sorted { $0.key < $1.key }.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { for p in argv + envp { free(p) } }
        var pid: pid_t = 0
        var rc = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        // A plugin binary being replaced, or a script still open for writing in a child some
        // other thread started, is busy for a moment.
        for _ in 0..<20 where rc == ETXTBSY {
            _ = poll(nil, 0, 50)
            rc = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        }
        guard rc == 0 else { throw SpawnError(reason: String(cString: strerror(rc))) }
        return pid
    }

    /// This process's open descriptors, as Linux lists them.
    private static func openDescriptors() -> [Int32] {
        ((try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []).compactMap { Int32($0) }
    }
}
