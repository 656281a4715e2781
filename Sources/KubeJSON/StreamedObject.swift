/// A JSON object told member by member, and an array member item by item, so that a writer can
/// build one item, print it and drop it before building the next: the report of a cluster with
/// 100k subjects is never held whole, as a tree or as text. `tree` builds the same object whole,
/// for JSONPath (which needs every member at once) and for the tests that hold the streamed
/// writers to the whole-tree ones.
public struct StreamedObject: Sendable {
    public enum Member: Sendable {
        case value(String, JSONValue)
        /// An array member whose `count` items are built on demand, in order. `bytes`, when
        /// given, writes item i straight into a `PrettyJSONBuffer` (what `-o json` uses); it
        /// must write what `item` builds, which the tests hold it to.
        case items(String, count: Int, item: @Sendable (Int) -> JSONValue,
                   bytes: (@Sendable (Int, inout PrettyJSONBuffer) -> Void)? = nil)

        public var key: String {
            switch self {
            case .value(let key, _), .items(let key, _, _, _): key
            }
        }
    }

    public var members: [Member]

    /// `nil` members are left out, as `JSONValue.object` leaves out `nil` values.
    public init(_ members: [Member?]) {
        self.members = members.compactMap { $0 }
    }

    public var tree: JSONValue {
        .object(members.map { member in
            switch member {
            case .value(let key, let value): (key, value)
            case .items(let key, let count, let item, _): (key, .array((0..<count).map(item)))
            }
        })
    }
}
