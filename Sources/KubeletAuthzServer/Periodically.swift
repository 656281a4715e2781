import ServiceLifecycle

/// Runs `body` every `interval` until the service group shuts down (or the task is cancelled).
func periodically(every interval: Duration, _ body: @escaping @Sendable () async -> Void) async {
    await cancelWhenGracefulShutdown {
        while !Task.isCancelled {
            try? await Task.sleep(for: interval)
            if Task.isCancelled { return }
            await body()
        }
    }
}
