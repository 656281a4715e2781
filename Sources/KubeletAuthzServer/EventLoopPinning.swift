import CByteSearch
import Glibc
import NIOCore
import NIOPosix

/// `serve --pin-event-loops`: each event-loop thread kept on a CPU of its own, as nginx's
/// `worker_cpu_affinity auto` or HAProxy's `cpu-map` do.
///
/// Why it is offered: traced with `perf sched` on a 2-core machine at 10,000 reviews/s, Linux
/// put both event loops on one CPU for tens of milliseconds at a time while the other CPU was
/// half idle. Two loops that never sleep are not woken, so nothing places them again but the
/// periodic balancer, which runs rarely on a busy CPU; meanwhile they take turns in 4-ms
/// scheduler ticks (HZ=250), and every review behind the waiting loop waits that long. That was
/// most of the 1 % tail. Pinned, the two loops cannot share a CPU.
///
/// Why it is not the default: a pinned loop cannot move away from a CPU that something else
/// (the API server, on a control-plane node) keeps busy. It is for CPUs given to the webhook:
/// a Guaranteed pod with whole CPUs under the kubelet's static CPU manager, or a node of its own.
///
/// On Linux a thread starts with the affinity of the thread that starts it: a thread started
/// from a pinned loop would stay on that loop's CPU. The loops are pinned once the policy is
/// loaded and the store open; in a benchmark run under load, the task pool's threads and the
/// process's others still ran on every CPU (`EventLoopPinningTests` checks them at start).
public enum EventLoopPinning {
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// Which CPU each loop of `group` was pinned to, in the group's order: loop k to the k-th
    /// CPU this process may run on (round again when there are more loops than CPUs).
    public static func pin(_ group: MultiThreadedEventLoopGroup) async throws(Failure) -> [Int] {
        let cpus = try allowedCPUs()
        guard !cpus.isEmpty else { throw Failure(description: "--pin-event-loops: this process may run on no CPU (sched_getaffinity)") }
        var pinned: [Int] = []
        for (k, loop) in group.makeIterator().enumerated() {
            let cpu = cpus[k % cpus.count]
            let refused: String?
            do {
                refused = try await loop.submit { () -> String? in
                    do throws(Failure) { try pinCurrentThread(to: cpu); return nil } catch { return error.description }
                }.get()
            } catch {
                throw Failure(description: "--pin-event-loops: event loop \(k) did not run the pinning: \(error)")
            }
            if let refused { throw Failure(description: refused) }
            pinned.append(cpu)
        }
        return pinned
    }

    /// The CPUs the calling thread may run on (its affinity mask), in ascending order.
    public static func allowedCPUs() throws(Failure) -> [Int] {
        var cpus = [Int32](repeating: 0, count: 1024)
        let count = ka_allowed_cpus(&cpus, Int32(cpus.count))
        guard count >= 0 else { throw Failure(description: "--pin-event-loops: cannot read this process's CPUs (\(String(cString: strerror(-count))))") }
        return cpus.prefix(Int(count)).map(Int.init)
    }

    /// Keeps the calling thread on `cpu`.
    public static func pinCurrentThread(to cpu: Int) throws(Failure) {
        let error = cpu >= 0 && cpu < Int(Int32.max) ? ka_pin_thread(Int32(cpu)) : EINVAL
        guard error == 0 else {
            throw Failure(description: "--pin-event-loops: cannot pin an event loop to CPU \(cpu) (\(String(cString: strerror(error))))")
        }
    }

    /// The CPU the calling thread runs on now.
    public static func currentCPU() -> Int? {
        let cpu = ka_current_cpu()
        return cpu >= 0 ? Int(cpu) : nil
    }
}
