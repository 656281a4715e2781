/// Where a file's stored checkpoint must stand for a batch of it to be applied. Two writers
/// reading the same file into one store (two ingests at once, later a fleet of receivers) each
/// add a batch's counts to what is stored; a batch applied after another writer moved the
/// checkpoint would count its lines a second time. The store compares inside the commit's
/// transaction, so writers need no lock on each other, only to learn when they lost.
public enum CheckpointPrecondition: Hashable, Sendable {
    /// No checkpoint is stored for the path: the file was never read into this store.
    case unread
    /// Exactly this checkpoint is stored: the one the read resumed from, or the one its
    /// previous batch committed.
    case at(FileCheckpoint)
    /// Not checked: stdin, whose reads cannot be resumed and whose counts add up by design.
    case unchecked

    /// Whether a batch may be applied over `stored`.
    public func holds(for stored: FileCheckpoint?) -> Bool {
        switch self {
        case .unread: stored == nil
        case .at(let expected): stored == expected
        case .unchecked: true
        }
    }
}
