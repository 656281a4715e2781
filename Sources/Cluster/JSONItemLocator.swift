import Foundation

/// Lines of the elements of a JSON document's top-level `items` array, found in one pass over
/// the bytes (Foundation's decoder does not report positions). `kubectl get -o json` output
/// is pretty-printed, so these are the lines a person opens.
enum JSONItemLocator {
    static func itemLines(_ data: Data) -> [Int] {
        data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) -> [Int] in
            guard let base = raw.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return [] }
            let n = raw.count
            var lines: [Int] = []
            var line = 1
            var depth = 0
            var i = 0
            var keyStart = -1          // start of the last string read at depth 1
            var keyEnd = -1
            var itemsArrayDepth = -1   // depth inside the items array, once found
            var expectItemsArray = false
            while i < n {
                let c = base[i]
                switch c {
                case 0x0A: line += 1
                case 0x22:  // string: skip to its closing quote
                    let start = i + 1
                    i += 1
                    while i < n {
                        let d = base[i]
                        if d == 0x5C { i += 2; continue }
                        if d == 0x22 { break }
                        if d == 0x0A { line += 1 }
                        i += 1
                    }
                    if depth == 1 { keyStart = start; keyEnd = i }
                case 0x3A:  // ':' after a depth-1 key
                    if depth == 1 && itemsArrayDepth < 0 {
                        expectItemsArray = keyEnd - keyStart == 5 && memcmp(base + keyStart, "items", 5) == 0
                    }
                case 0x5B, 0x7B:  // '[' '{'
                    if depth == itemsArrayDepth && c == 0x7B { lines.append(line) }
                    depth += 1
                    if c == 0x5B && expectItemsArray && depth == 2 { itemsArrayDepth = 2; expectItemsArray = false }
                case 0x5D, 0x7D:
                    if c == 0x5D && depth == itemsArrayDepth { itemsArrayDepth = -2 }  // done; never match again
                    depth -= 1
                case 0x2C:
                    if depth == 1 { expectItemsArray = false }
                default: break
                }
                i += 1
            }
            return lines
        }
    }
}
