/// Policy loads run one at a time, in the order they were asked for. A SIGHUP's full read of
/// the cluster and a rebuild from the watches may be asked for at once; run side by side, the
/// slower one would install last whatever it read first, and an older view of the cluster
/// could replace a newer one until the next change. In turn, each load reads a cluster at
/// least as new as the one installed before it.
actor PolicyLoadQueue {
    private var last: Task<Void, Never>?

    func run<T: Sendable>(_ body: @escaping @Sendable () async -> T) async -> T {
        let previous = last
        let task = Task {
            await previous?.value
            return await body()
        }
        last = Task { _ = await task.value }
        return await task.value
    }
}
