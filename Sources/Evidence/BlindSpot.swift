/// What the audit log cannot show, and why: from the records themselves and, when given, from
/// the audit policy that wrote them.
public struct BlindSpot: Hashable, Sendable {
    public enum Kind: String, Sendable {
        case metadataLevel, missingResponse, policyLevel, policyShadowed, policyOmitsResponseComplete, policyHidesNodeProxy, decisionCache
    }
    public let kind: Kind
    public let message: String
    public var count: Int?
    public var node: String?
    public var location: String?
}
