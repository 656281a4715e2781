/// The block-style YAML that `kubectl get -o yaml` and `helm template` write, parsed by
/// `YAMLBlockParser` into one flat array of nodes that point into the input's bytes. Scalars
/// are not copied out until the object reader asks for one, because most of a cluster dump is
/// fields the scan never reads.
struct YAMLBlockTree {
    struct Node {
        enum Kind: UInt8 { case scalar, mapping, sequence }
        enum Style: UInt8 {
            case plain, singleQuoted, doubleQuoted, literal
            /// A scalar whose structure was checked but whose value this reader does not
            /// reconstruct (folded block scalars): reading it sends the input to Yams.
            case opaque
        }
        var kind: Kind
        var style: Style
        /// 1-based, as Yams' `Mark.line`: where the node starts (a mapping's first key, a
        /// sequence's first `-`).
        var line: Int32
        /// Scalar: the first byte of its text (inside the quotes; a literal's first content
        /// line). Collection: the index of its first child in `children`.
        var start: Int32
        /// Scalar: the byte after its text. Collection: the number of children (a mapping's
        /// children alternate key, value).
        var end: Int32
        /// Literal block scalars: content indentation in the low 16 bits, chomping above
        /// (0 clip, 1 strip, 2 keep).
        var extra: Int32 = 0
    }

    /// One document of the stream, numbered as libyaml numbers them (the reference reader's
    /// `document`); `root` is nil for an empty document (`---` alone, comments only).
    struct Document {
        var number: Int
        var root: Int32?
    }

    var nodes: [Node] = []
    var children: [Int32] = []
    var documents: [Document] = []

    func child(_ node: Node, _ i: Int) -> Int32 { children[Int(node.start) + i] }
}
