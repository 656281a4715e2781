/// A subject's governance record as a saved scan keeps it (from the register or annotations):
/// who owns the access, why, when it was and will be reviewed, and what was approved.
public struct GovernanceEntryRecord: Codable, Hashable, Sendable {
    public var subject: SubjectRef
    public var owner: String?
    public var purpose: String?
    public var reviewed: String?
    public var nextReview: String?
    public var ticket: String?
    /// `subresources=verbs[@nodes]` per approval, as the register writes it; nil: none stated.
    public var approved: [String]?
    /// Where the record came from: the register file, or the object whose annotations hold it.
    public var origin: String

    public init(subject: SubjectRef, owner: String?, purpose: String?, reviewed: String?, nextReview: String?, ticket: String?,
                approved: [String]?, origin: String) {
        self.subject = subject
        self.owner = owner
        self.purpose = purpose
        self.reviewed = reviewed
        self.nextReview = nextReview
        self.ticket = ticket
        self.approved = approved
        self.origin = origin
    }
}
