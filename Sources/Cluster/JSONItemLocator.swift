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
    /// The pass in C (`ka_json_layout`), which skips the inside of items sixteen bytes at a time.
    static func layout(_ data: Data) -> JSONItemLayout {
        data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) -> JSONItemLayout in
            var result = JSONItemLayout()
            guard let base = raw.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return result }
            let n = raw.count
            var state = ka_json_layout_state()
            state.line = 1
            state.last_string_start = -1; state.last_string_end = -1; state.last_string_depth = -1
            state.item_start = -1
            state.kind_start = -1; state.kind_end = -1; state.api_version_start = -1; state.api_version_end = -1
            let capacity = 4096
            let out = UnsafeMutablePointer<ka_json_item>.allocate(capacity: capacity)
            defer { out.deallocate() }
            repeat {
                let count = ka_json_layout(base, n, &state, out, capacity)
                for k in 0..<count {
                    result.items.append(.init(start: Int(out[k].start), end: Int(out[k].end), line: Int(out[k].line)))
                }
            } while state.i < n
            func text(_ start: Int, _ end: Int) -> String? {
                start < 0 ? nil : String(decoding: UnsafeBufferPointer(start: base + start, count: max(0, end - start)), as: UTF8.self)
            }
            result.kind = text(state.kind_start, state.kind_end)
            result.apiVersion = text(state.api_version_start, state.api_version_end)
            result.hasItems = state.has_items != 0
            result.irregular = state.irregular != 0
            return result
        }
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
