/// Where a record was read. Files have lines; the audit webhook's batches arrive on a stream
/// and have neither file nor line, only the stream's name and the batch's id.
public enum EvidenceSource: Hashable, Sendable {
    /// `line` counts from 1; `offset` is the line's first byte in the uncompressed file.
    case file(path: String, line: Int, offset: Int)
    case stream(name: String, batch: String)

    /// The file's path or the stream's name: what a record is attributed and ordered by.
    public var name: String {
        switch self {
        case .file(let path, _, _): path
        case .stream(let name, _): name
        }
    }

    /// The line in the file; 0 for a batch, whose events have no line.
    public var line: Int {
        switch self {
        case .file(_, let line, _): line
        case .stream: 0
        }
    }

    /// The batch's id; empty for a file.
    public var batch: String {
        switch self {
        case .file: ""
        case .stream(_, let batch): batch
        }
    }

    /// What malformed lines of a stream batch are filed under, a batch having no file: a resend
    /// of the batch replaces them by this name.
    public static func malformedName(stream: String, batch: String) -> String { "\(stream) batch \(batch)" }

    /// Source order: by name, then line, then batch (the order a database sorts the columns in).
    public func precedes(_ other: EvidenceSource) -> Bool {
        (name, line, batch) < (other.name, other.line, other.batch)
    }
}
