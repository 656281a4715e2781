/// How far a file has been read: resume at `offset` (uncompressed bytes), which is the start of
/// line `line + 1`. `complete` when the file's end was reached.
public struct FileCheckpoint: Hashable, Sendable {
    public var identity: String
    public var offset: Int
    public var line: Int
    public var complete: Bool

    public init(identity: String, offset: Int, line: Int, complete: Bool) {
        self.identity = identity
        self.offset = offset
        self.line = line
        self.complete = complete
    }
}
