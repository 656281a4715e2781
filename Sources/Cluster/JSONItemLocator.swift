import CByteSearch
import Foundation

/// One pass over the bytes of a JSON document (Foundation's decoder reports no positions):
/// where each element of the top-level `items` array starts and ends, on which line, and the
/// top level's own `kind` and `apiVersion`. `kubectl get -o json` output is pretty-printed, so
/// the lines are the ones a person opens; the byte ranges let large lists decode in parallel.
struct JSONItemLayout: Equatable {
    struct Item: Equatable {
        let start: Int
        let end: Int  // one past the closing brace
        let line: Int
    }
    var items: [Item] = []
    var kind: String?
    var apiVersion: String?
    /// False when the document has no top-level `items` array.
    var hasItems = false
    /// The items array holds something other than objects (`null`, a string…): only the
    /// sequential decoder may judge it.
    var irregular = false
}

enum JSONItemLocator {
    /// The pass in C (`ka_json_layout`), which skips the inside of items sixteen bytes at a time;
    /// inputs of `parallelFrom` bytes or more in two halves at once (`layoutInTwo`).
    static func layout(_ data: Data, parallelFrom: Int = 8 << 20) -> JSONItemLayout {
        data.count >= parallelFrom ? layoutInTwo(data).layout : layoutInOne(data)
    }

    static func initialState() -> ka_json_layout_state {
        var state = ka_json_layout_state()
        state.line = 1
        state.last_string_start = -1; state.last_string_end = -1; state.last_string_depth = -1
        state.item_start = -1
        state.kind_start = -1; state.kind_end = -1; state.api_version_start = -1; state.api_version_end = -1
        return state
    }

    /// Runs the C pass over the tokens of `base[0..<n]` that start in `state.i..<limit`,
    /// appending the items it closes.
    static func run(_ base: UnsafePointer<UInt8>, _ n: Int, limit: Int, _ state: inout ka_json_layout_state, into items: inout [JSONItemLayout.Item]) {
        let capacity = 4096
        let out = UnsafeMutablePointer<ka_json_item>.allocate(capacity: capacity)
        defer { out.deallocate() }
        repeat {
            let count = ka_json_layout(base, n, limit, &state, out, capacity)
            for k in 0..<count {
                items.append(.init(start: Int(out[k].start), end: Int(out[k].end), line: Int(out[k].line)))
            }
        } while state.i < limit
    }

    static func finish(_ base: UnsafePointer<UInt8>, _ state: ka_json_layout_state, items: [JSONItemLayout.Item]) -> JSONItemLayout {
        func text(_ start: Int, _ end: Int) -> String? {
            start < 0 ? nil : String(decoding: UnsafeBufferPointer(start: base + start, count: max(0, end - start)), as: UTF8.self)
        }
        var result = JSONItemLayout()
        result.items = items
        result.kind = text(state.kind_start, state.kind_end)
        result.apiVersion = text(state.api_version_start, state.api_version_end)
        result.hasItems = state.has_items != 0
        result.irregular = state.irregular != 0
        return result
    }

    static func layoutInOne(_ data: Data) -> JSONItemLayout {
        data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) -> JSONItemLayout in
            guard let base = raw.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return JSONItemLayout() }
            var state = initialState()
            var items: [JSONItemLayout.Item] = []
            run(base, raw.count, limit: raw.count, &state, into: &items)
            return finish(base, state, items: items)
        }
    }

    /// Both halves at once. The second starts at a guessed item boundary (`}`, `,`, `{` with
    /// blanks between, after the middle) as if it were between two items of the top-level
    /// `items` array. The guess holds when the first half, run up to that byte, ends exactly
    /// there in that state — then the second half did what one pass would have done from there,
    /// but for its line numbers, which are shifted. Otherwise the first half simply goes on, as
    /// one pass. A string or nested array that looks like a boundary only costs the second core.
    static func layoutInTwo(_ data: Data) -> (layout: JSONItemLayout, split: Bool) {
        data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) -> (layout: JSONItemLayout, split: Bool) in
            guard let base = raw.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return (JSONItemLayout(), false) }
            let n = raw.count
            guard let split = guessedBoundary(base, n, from: n / 2) else { return (layoutInOne(data), false) }
            // Each thread writes only its own half.
            final class Halves: @unchecked Sendable {
                let base: UnsafePointer<UInt8>
                var first = JSONItemLocator.initialState(), second = JSONItemLocator.initialState()
                var firstItems: [JSONItemLayout.Item] = [], secondItems: [JSONItemLayout.Item] = []
                init(_ base: UnsafePointer<UInt8>) { self.base = base }
            }
            let h = Halves(base)
            h.second.i = split
            h.second.depth = 2
            h.second.items_state = 1
            h.second.has_items = 1
            DispatchQueue.concurrentPerform(iterations: 2) { k in
                if k == 0 { run(h.base, n, limit: split, &h.first, into: &h.firstItems) } else { run(h.base, n, limit: n, &h.second, into: &h.secondItems) }
            }
            let a = h.first
            guard a.i == split, a.depth == 2, a.items_state == 1, a.item_start == -1, a.pending_key == 0, a.last_string_depth != 1 else {
                run(base, n, limit: n, &h.first, into: &h.firstItems)
                return (finish(base, h.first, items: h.firstItems), false)
            }
            var state = h.second
            state.irregular |= a.irregular
            if state.kind_start < 0 { (state.kind_start, state.kind_end) = (a.kind_start, a.kind_end) }
            if state.api_version_start < 0 { (state.api_version_start, state.api_version_end) = (a.api_version_start, a.api_version_end) }
            let shift = Int(a.line) - 1
            var items = h.firstItems
            items.reserveCapacity(items.count + h.secondItems.count)
            for item in h.secondItems { items.append(.init(start: item.start, end: item.end, line: item.line + shift)) }
            return (finish(base, state, items: items), true)
        }
    }

    /// The first `{` after `from` that follows `}` and `,` with only blanks between, within 4 MiB,
    /// and that opens as the first item does: the same blanks before its first key (kubectl's
    /// indentation when pretty-printed), and a first key of `apiVersion`, `kind` or the first
    /// item's own (kubectl sorts keys, so `aggregationRule` may come first). Nested objects
    /// rarely open alike; when one does, the check in `layoutInTwo` catches it.
    static func guessedBoundary(_ base: UnsafePointer<UInt8>, _ n: Int, from: Int) -> Int? {
        func blank(_ c: UInt8) -> Bool { c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09 }
        let opening = firstItemOpening(base, n)
        func opensAlike(_ at: Int) -> Bool {
            guard let opening else { return true }
            guard at + opening.blanks.count <= n,
                  opening.blanks.withUnsafeBufferPointer({ memcmp(base + at, $0.baseAddress!, $0.count) == 0 }) else { return false }
            let key = at + opening.blanks.count
            return opening.keys.contains { k in
                key + k.count <= n && k.withUnsafeBufferPointer { memcmp(base + key, $0.baseAddress!, $0.count) == 0 }
            }
        }
        var i = from
        let end = min(n, from + (4 << 20))
        while i < end {
            guard base[i] == UInt8(ascii: "}") else { i += 1; continue }
            var j = i + 1
            while j < end && blank(base[j]) { j += 1 }
            if j < end && base[j] == UInt8(ascii: ",") {
                j += 1
                while j < end && blank(base[j]) { j += 1 }
                if j < end && base[j] == UInt8(ascii: "{") && opensAlike(j) { return j }
            }
            i += 1
        }
        return nil
    }

    /// How the first `items` element opens, when `"items"` comes within the first 64 KiB as
    /// kubectl writes it: its `{`, the blanks, and the opening quote of its first key; and the
    /// keys an item may begin with (`"apiVersion"`, `"kind"`, its own first, each with the colon
    /// or blank after it excluded). A hint only.
    static func firstItemOpening(_ base: UnsafePointer<UInt8>, _ n: Int) -> (blanks: [UInt8], keys: [[UInt8]])? {
        let key = Array("\"items\"".utf8)
        let end = min(n, 64 << 10)
        guard end >= key.count else { return nil }
        for at in 0...(end - key.count) where memcmp(base + at, key, key.count) == 0 {
            var j = at + key.count
            func skipBlanks() { while j < end && (base[j] == 0x20 || base[j] == 0x0A || base[j] == 0x0D || base[j] == 0x09) { j += 1 } }
            skipBlanks()
            guard j < end, base[j] == UInt8(ascii: ":") else { continue }
            j += 1; skipBlanks()
            guard j < end, base[j] == UInt8(ascii: "[") else { continue }
            j += 1; skipBlanks()
            guard j < end, base[j] == UInt8(ascii: "{") else { return nil }
            let open = j
            j += 1; skipBlanks()
            guard j < end, base[j] == UInt8(ascii: "\"") else { return nil }
            let blanks = Array(UnsafeBufferPointer(start: base + open, count: j - open + 1))
            var k = j + 1
            while k < min(end, j + 64) && base[k] != UInt8(ascii: "\"") { k += 1 }
            guard k < min(end, j + 64) else { return nil }
            let first = Array(UnsafeBufferPointer(start: base + j + 1, count: k - j))  // the key and its closing quote
            return (blanks, [first, Array("apiVersion\"".utf8), Array("kind\"".utf8)])
        }
        return nil
    }

    /// The same pass a byte at a time in Swift: the reference the C pass is tested against.
    static func referenceLayout(_ data: Data) -> JSONItemLayout {
        data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) -> JSONItemLayout in
            var result = JSONItemLayout()
            guard let base = raw.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return result }
            let n = raw.count
            var line = 1
            var depth = 0
            var i = 0
            var lastStringStart = -1, lastStringEnd = -1, lastStringDepth = -1
            var pendingKey: String? = nil      // a depth-1 key whose value comes next
            var itemsState = 0                 // 0 not seen, 1 inside the array, 2 done
            var itemStart = -1, itemLine = 0
            while i < n {
                let c = base[i]
                switch c {
                case 0x0A: line += 1
                case 0x22:
                    if itemsState == 1 && depth == 2 { result.irregular = true }
                    let start = i + 1
                    i += 1
                    while i < n {
                        let d = base[i]
                        if d == 0x5C { i += 2; continue }
                        if d == 0x22 { break }
                        if d == 0x0A { line += 1 }
                        i += 1
                    }
                    lastStringStart = start; lastStringEnd = min(i, n); lastStringDepth = depth
                    if depth == 1, let key = pendingKey {
                        // A depth-1 string value after `"kind":` or `"apiVersion":`.
                        let value = String(decoding: UnsafeBufferPointer(start: base + start, count: lastStringEnd - start), as: UTF8.self)
                        if key == "kind" { result.kind = value } else if key == "apiVersion" { result.apiVersion = value }
                        pendingKey = nil
                    }
                case 0x3A:
                    if depth == 1 && lastStringDepth == 1 {
                        let len = lastStringEnd - lastStringStart
                        let key = String(decoding: UnsafeBufferPointer(start: base + lastStringStart, count: max(0, len)), as: UTF8.self)
                        pendingKey = (key == "kind" || key == "apiVersion" || key == "items") ? key : nil
                    }
                case 0x5B, 0x7B:
                    if itemsState == 1 && depth == 2 {
                        if c == 0x7B { itemStart = i; itemLine = line } else { result.irregular = true }
                    }
                    depth += 1
                    if c == 0x5B && depth == 2 && pendingKey == "items" && itemsState == 0 {
                        itemsState = 1
                        result.hasItems = true
                    }
                    if depth == 2 { pendingKey = nil }
                case 0x5D, 0x7D:
                    depth -= 1
                    if itemsState == 1 && depth == 2 && c == 0x7D && itemStart >= 0 {
                        result.items.append(.init(start: itemStart, end: i + 1, line: itemLine))
                        itemStart = -1
                    }
                    if itemsState == 1 && depth == 1 && c == 0x5D { itemsState = 2 }
                case 0x2C:
                    if depth == 1 { pendingKey = nil }
                case 0x20, 0x09, 0x0D: break
                default:
                    if itemsState == 1 && depth == 2 { result.irregular = true }  // a bare literal item
                }
                i += 1
            }
            return result
        }
    }
}
