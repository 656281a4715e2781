/// A `JSONBuilder` that writes the bytes `JSONWriter.pretty` would write for the same value,
/// as the value is told: no tree is built, so a report's 100k subjects cost their bytes and
/// not a `JSONValue` each. `level` is the nesting the first value starts at, so an item can be
/// written in place inside a streamed document.
public struct PrettyJSONBuffer: JSONBuilder {
    public var bytes: [UInt8] = []
    private let width: Int
    private var level: Int
    /// Per open container: nothing written in it yet (so no comma, and `[]` or `{}` at the end).
    private var empty: [Bool] = []
    private var afterKey = false

    public init(indent: Int = 4, level: Int = 0) {
        width = indent
        self.level = level
        empty.reserveCapacity(16)
    }

    private mutating func newline() {
        bytes.append(0x0A)
        // Spaces appended as such: appending the indent array would retain it on every line.
        bytes.append(contentsOf: repeatElement(0x20, count: level * width))
    }

    /// The comma and line break before an item of the open container.
    private mutating func nextItem() {
        guard let last = empty.indices.last else { return }
        if empty[last] { empty[last] = false } else { bytes.append(UInt8(ascii: ",")) }
        newline()
    }

    private mutating func valueStart() {
        if afterKey { afterKey = false } else { nextItem() }
    }

    public mutating func key(_ key: String) {
        nextItem()
        JSONWriter.writeString(key, into: &bytes)
        bytes.append(UInt8(ascii: ":"))
        bytes.append(0x20)
        afterKey = true
    }

    public mutating func beginObject() { open(UInt8(ascii: "{")) }
    public mutating func beginArray() { open(UInt8(ascii: "[")) }
    public mutating func endObject() { close(UInt8(ascii: "}")) }
    public mutating func endArray() { close(UInt8(ascii: "]")) }

    private mutating func open(_ bracket: UInt8) {
        valueStart()
        bytes.append(bracket)
        empty.append(true)
        level += 1
    }

    private mutating func close(_ bracket: UInt8) {
        level -= 1
        if !empty.removeLast() { newline() }
        bytes.append(bracket)
    }

    public mutating func string(_ s: String) {
        valueStart()
        JSONWriter.writeString(s, into: &bytes)
    }

    public mutating func integer(_ i: Int) {
        valueStart()
        JSONWriter.writeInteger(i, into: &bytes)
    }

    public mutating func number(_ d: Double) {
        valueStart()
        JSONWriter.writeNumber(d, into: &bytes)
    }

    public mutating func bool(_ b: Bool) {
        valueStart()
        bytes += (b ? "true" : "false").utf8
    }

    public mutating func null() {
        valueStart()
        bytes += "null".utf8
    }
}
