/// A batch that was not applied because another writer moved its file's checkpoint first
/// (`CheckpointPrecondition`). Nothing of the batch was written; the writer reads the file
/// again from the checkpoint now stored.
public struct EvidenceWriteConflict: Error, Sendable, CustomStringConvertible {
    public let path: String
    public let expected: CheckpointPrecondition
    public let found: FileCheckpoint?

    public init(path: String, expected: CheckpointPrecondition, found: FileCheckpoint?) {
        self.path = path
        self.expected = expected
        self.found = found
    }

    public var description: String {
        let now = found.map { "offset \($0.offset) (line \($0.line))" } ?? "no checkpoint"
        return "\(path): another ingest into the same evidence store moved this file's checkpoint (now \(now)) while a batch was read; the batch was not applied"
    }
}
