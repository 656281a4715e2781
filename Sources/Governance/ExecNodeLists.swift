/// Numbers for the lists of nodes subjects can exec on, so that what follows from a list (the
/// identities reached there) is keyed by a number: a subject pinned to a few nodes still execs
/// on nearly every node, and hashing such a list for every subject cost more than the review.
struct ExecNodeLists {
    /// No node.
    static let none = 0
    /// Every node with placed pods, in name order.
    static let everyNode = 1

    private var ids: [[String]: Int] = [:]

    /// The list's number: the same for equal lists. Only other lists than the two above are
    /// numbered here, so `everyNode` must be chosen by the caller where it applies; an equal list
    /// numbered here instead reaches the same identities, only worked out once more.
    mutating func id(of nodes: [String]) -> Int {
        if nodes.isEmpty { return Self.none }
        if let known = ids[nodes] { return known }
        let id = ids.count + 2
        ids[nodes] = id
        return id
    }
}
