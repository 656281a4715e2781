import Foundation
import KubeJSON
import RBAC
import Yams

typealias YAMLNode = Yams.Node

/// Decodes Kubernetes objects from the bytes of one input — multi-document YAML, a JSON
/// object, `kind: List` or a typed `…List` as `kubectl get -o yaml|json` writes them.
/// Pure: the caller reads the file; errors name the source and the line.
public enum ClusterDocumentDecoder {
    /// - Parameter defaultNamespace: the namespace of namespaced objects that name none, as
    ///   `kubectl apply -n` gives it (`default` without `-n`); each input says once which.
    /// - Parameter objectPrefix: for objects read from an API server, cite each as
    ///   `PREFIX/Kind/namespace/name` instead of a line of the page it came in.
    public static func decode(_ data: Data, source: String, defaultNamespace: String = "default",
                              objectPrefix: String? = nil) throws(ClusterInputError) -> ClusterSnapshot {
        try decode(data, source: source, defaultNamespace: defaultNamespace, objectPrefix: objectPrefix, yamlReader: .fast)
    }

    static func decode(_ data: Data, source: String, defaultNamespace: String = "default", objectPrefix: String? = nil,
                       yamlReader: YAMLReader) throws(ClusterInputError) -> ClusterSnapshot {
        var snapshot = ClusterSnapshot()
        snapshot.sources = [source]
        var context = DecodingContext(defaultNamespace: defaultNamespace, objectPrefix: objectPrefix)
        let firstByte = data.first { !($0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09) }
        if firstByte == UInt8(ascii: "{") || firstByte == UInt8(ascii: "[") {
            do {
                try decodeJSON(data, source: source, into: &snapshot, context: &context)
            } catch {
                // JSON documents separated by `---` are a YAML stream kubectl accepts.
                guard isYAMLStream(data) else { throw error }
                snapshot = ClusterSnapshot()
                snapshot.sources = [source]
                context = DecodingContext(defaultNamespace: defaultNamespace, objectPrefix: objectPrefix)
                try decodeYAML(data, source: source, into: &snapshot, context: &context, reader: yamlReader)
            }
        } else {
            try decodeYAML(data, source: source, into: &snapshot, context: &context, reader: yamlReader)
        }
        context.finish(source: source, into: &snapshot)
        return snapshot
    }

    /// Where the first byte that is not UTF-8 is: line, column (1-based) and its value.
    static func firstInvalidUTF8(_ data: Data) -> (line: Int, column: Int, byte: UInt8, offset: Int) {
        let offset = offsetOfInvalid(data)
        let prefix = data.prefix(offset)
        let line = prefix.reduce(1) { $1 == 0x0A ? $0 + 1 : $0 }
        let column = offset - (prefix.lastIndex(of: 0x0A).map { $0 - data.startIndex + 1 } ?? 0) + 1
        return (line, column, offset < data.count ? data[data.startIndex + offset] : 0, offset)
    }

    /// The offset of the first byte that does not start or continue a valid UTF-8 sequence.
    static func offsetOfInvalid(_ data: Data) -> Int {
        var decoder = UTF8()
        var iterator = data.makeIterator()
        var offset = 0
        while true {
            let before = offset
            switch decoder.decode(&iterator) {
            case .scalarValue(let s): offset += UTF8.width(s)
            case .emptyInput: return offset
            case .error: return before
            }
        }
    }

    /// A line holding only `---` (a YAML document separator) outside the first document.
    static func isYAMLStream(_ data: Data) -> Bool {
        data.split(separator: 0x0A).contains { line in
            let trimmed = line.last == 0x0D ? line.dropLast() : line
            return trimmed.elementsEqual("---".utf8)
        }
    }

    // MARK: JSON

    static func decodeJSON(_ data: Data, source: String, into snapshot: inout ClusterSnapshot, context: inout DecodingContext) throws(ClusterInputError) {
        if data.first(where: { !($0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09) }) == UInt8(ascii: "["), JSONSyntaxError.find(in: data) == nil {
            let line = data.prefix(while: { $0 != UInt8(ascii: "[") }).reduce(1) { $1 == 0x0A ? $0 + 1 : $0 }
            throw topLevelList(at: SourceLocation(file: source, line: line), json: true)
        }
        let layout = JSONItemLocator.layout(data)
        let fast = useByteReader
        // The byte-level reader first (a large List on every core); what it is unsure of goes
        // to JSONDecoder below, which also words the error with its line.
        if fast, let document = JSONObjectReader.document(data, layout: layout) {
            if document.hasItems, layout.items.count >= ListItemConverter.parallelFrom {
                // Each core reads its run of items and turns them into snapshot values at once.
                let items = layout.items
                let converted = try ListItemConverter.convert(
                    count: items.count, listKind: document.kind, listAPIVersion: document.apiVersion,
                    listLocation: SourceLocation(file: source, line: 1), location: { SourceLocation(file: source, line: items[$0].line) },
                    context: context, read: { JSONObjectReader.objects(data, items[$0]).map { $0[...] } })
                if let converted {
                    ListItemConverter.merge(converted, into: &snapshot, context: &context)
                    return
                }
            }
            let items = !document.hasItems ? nil
                : layout.items.count >= ListItemConverter.parallelFrom ? decodeInParallel(data, layout: layout, fast: true) : JSONObjectReader.objects(data, layout.items[...])
            if !document.hasItems || items != nil {
                try dispatch(list: ListWire(apiVersion: document.apiVersion, kind: document.kind, items: items), single: document.single,
                             source: SourceLocation(file: source, line: 1), itemLocations: items.map { _ in layout.items.map { SourceLocation(file: source, line: $0.line) } },
                             into: &snapshot, context: &context)
                return
            }
        }
        // A large List decodes in chunks on every core; any problem falls back to the
        // sequential path below, which reports it with its line.
        if layout.hasItems, !layout.irregular, layout.items.count >= ListItemConverter.parallelFrom,
           let items = decodeInParallel(data, layout: layout, fast: fast) {
            let list = ListWire(apiVersion: layout.apiVersion, kind: layout.kind, items: items)
            let locations = layout.items.map { SourceLocation(file: source, line: $0.line) }
            try dispatch(list: list, single: ObjectWire(), source: SourceLocation(file: source, line: 1), itemLocations: locations, into: &snapshot, context: &context)
            return
        }
        let list: ListWire
        let object: ObjectWire
        do {
            list = try JSONDecoder().decode(ListWire.self, from: data)
            object = list.items == nil ? try JSONDecoder().decode(ObjectWire.self, from: data) : ObjectWire()
        } catch {
            throw jsonError(error, data: data, source: source)
        }
        var locations: [SourceLocation]? = nil
        if let items = list.items, layout.items.count == items.count {
            // Trust the scan only when it found exactly the decoder's items.
            locations = layout.items.map { SourceLocation(file: source, line: $0.line) }
        }
        try dispatch(list: list, single: object, source: SourceLocation(file: source, line: 1), itemLocations: locations, into: &snapshot, context: &context)
    }

    /// Off only in tests, which hold the byte-level reader to JSONDecoder.
    @TaskLocal static var useByteReader = true

    /// Splits the items into one contiguous run per core and decodes each, by the byte-level
    /// reader (`fast`) or else as a JSON array by JSONDecoder.
    static func decodeInParallel(_ data: Data, layout: JSONItemLayout, fast: Bool) -> [ObjectWire]? {
        let items = layout.items
        let parts = ParallelRuns.map(count: items.count) { range -> [ObjectWire]? in
            guard let lo = range.first, let hi = range.last.map({ $0 + 1 }) else { return [] }
            if fast, let read = JSONObjectReader.objects(data, items[lo..<hi]) { return read }
            var slice = Data(capacity: items[hi - 1].end - items[lo].start + 2)
            slice.append(UInt8(ascii: "["))
            slice.append(data[(data.startIndex + items[lo].start)..<(data.startIndex + items[hi - 1].end)])
            slice.append(UInt8(ascii: "]"))
            return try? JSONDecoder().decode([ObjectWire].self, from: slice)
        }
        var all: [ObjectWire] = []
        all.reserveCapacity(items.count)
        for part in parts {
            guard let part else { return nil }
            all += part
        }
        return all.count == items.count ? all : nil
    }

    /// Foundation reports JSON syntax errors with a line; for type errors it gives the coding
    /// path, which `JSONValueLocator` resolves to the line of the deepest value on it that is in
    /// the document (a file of tens of megabytes is walked, not parsed again).
    static func jsonError(_ error: Error, data: Data, source: String) -> ClusterInputError {
        switch error {
        case DecodingError.dataCorrupted(let ctx) where ctx.codingPath.isEmpty:
            // JSONDecoder does not say where; JSONSyntaxError finds the line and column.
            guard let syntax = JSONSyntaxError.find(in: data) else {
                return ClusterInputError(location: SourceLocation(file: source), message: "invalid JSON: \(ctx.debugDescription)")
            }
            return ClusterInputError(location: SourceLocation(file: source, line: syntax.line), message: "invalid JSON: \(syntax.message)",
                                     column: syntax.column)
        case DecodingError.typeMismatch(_, let ctx), DecodingError.valueNotFound(_, let ctx), DecodingError.dataCorrupted(let ctx):
            let line = (0...ctx.codingPath.count).reversed().lazy.compactMap { JSONValueLocator.line(of: Array(ctx.codingPath.prefix($0)), in: data) }.first
            return ClusterInputError(location: SourceLocation(file: source, line: line), message: "\(ctx.codingPath.dottedPath): \(ctx.debugDescription)")
        default:
            return ClusterInputError(location: SourceLocation(file: source), message: "invalid JSON: \(error)")
        }
    }

    // MARK: YAML

    /// Which YAML reader: `YAMLObjectReader`, falling back to the reference for anything it is
    /// unsure of, or the reference alone (Yams' `Node` and `YAMLDecoder`), which the
    /// differential tests compare it with.
    enum YAMLReader { case fast, reference }

    static func decodeYAML(_ data: Data, source: String, into snapshot: inout ClusterSnapshot, context: inout DecodingContext,
                           reader: YAMLReader = .fast) throws(ClusterInputError) {
        guard let text = String(data: data, encoding: .utf8) else {
            let bad = firstInvalidUTF8(data)
            throw ClusterInputError(location: SourceLocation(file: source, line: bad.line),
                                    message: String(format: "not UTF-8 text: byte 0x%02X at column %d (byte %d of the file); kubectl writes UTF-8 — convert the file (iconv -t UTF-8)", bad.byte, bad.column, bad.offset + 1),
                                    column: bad.column)
        }
        context.helmSources = HelmSourceComments(text)
        if reader == .fast, let documents = YAMLObjectReader.read(data) {
            for document in documents {
                switch document {
                case .empty:
                    continue
                case .notKubernetes:
                    context.skippedDocuments += 1
                case .object(let object, let line, let number):
                    try dispatch(list: ListWire(apiVersion: object.apiVersion, kind: object.kind, items: nil), single: object,
                                 source: SourceLocation(file: source, line: line, document: number), itemLocations: nil,
                                 into: &snapshot, context: &context)
                case .list(let list, let line, let number, let itemLines):
                    let locations = itemLines.map { SourceLocation(file: source, line: $0, document: number) }
                    try dispatch(list: list, single: ObjectWire(), source: SourceLocation(file: source, line: line, document: number),
                                 itemLocations: locations, into: &snapshot, context: &context)
                }
            }
            return
        }
        let parser: Parser
        do { parser = try Parser(yaml: text) } catch { throw yamlError(error, source: source, document: nil, text: text) }
        var document = 0
        while true {
            document += 1
            let root: YAMLNode?
            do { root = try parser.nextRoot() } catch { throw yamlError(error, source: source, document: document, text: text) }
            guard let root else { break }
            if case .scalar(let s) = root, s.string.isEmpty || s.string == "null" || s.string == "~" { continue }  // `---` alone, comments only
            let docLocation = SourceLocation(file: source, line: root.mark?.line, document: document)
            if case .sequence(let seq) = root, seq.contains(where: { $0["apiVersion"] != nil || $0["kind"] != nil }) {
                throw topLevelList(at: docLocation, json: false)
            }
            guard case .mapping = root else {
                context.skippedDocuments += 1  // a scalar, or a list of something else: not Kubernetes objects
                continue
            }
            let decoder = YAMLDecoder()
            func decodeNode<T: Decodable>(_ type: T.Type, _ node: YAMLNode) throws(ClusterInputError) -> T {
                do { return try decoder.decode(T.self, from: node) } catch {
                    throw yamlDecodingError(error, root: node, source: source, document: document, text: text)
                }
            }
            if let items = root["items"], root["kind"]?.string.map({ $0 == "List" || $0.hasSuffix("List") }) == true {
                guard case .sequence = items else {
                    throw ClusterInputError(location: SourceLocation(file: source, line: items.mark?.line ?? root.mark?.line, document: document),
                                            message: "items: a \(root["kind"]?.string ?? "List") must hold a list of objects")
                }
            }
            if let items = root["items"], case .sequence(let seq) = items {
                var list = try decodeNode(ListWire.self, root)
                list.items = []
                var locations: [SourceLocation] = []
                for item in seq {
                    list.items!.append(try decodeNode(ObjectWire.self, item))
                    locations.append(SourceLocation(file: source, line: item.mark?.line, document: document))
                }
                try dispatch(list: list, single: ObjectWire(), source: docLocation, itemLocations: locations, into: &snapshot, context: &context)
            } else {
                let object = try decodeNode(ObjectWire.self, root)
                try dispatch(list: ListWire(apiVersion: object.apiVersion, kind: object.kind, items: nil), single: object,
                             source: docLocation, itemLocations: nil, into: &snapshot, context: &context)
            }
        }
    }

    /// A document that is a list of objects. kubectl reads each document whole into one object
    /// (cli-runtime's StreamVisitor, then the unstructured decoder), and a JSON array does not
    /// decode into one: `unable to decode "FILE": json: cannot unmarshal array into Go value`.
    static func topLevelList(at location: SourceLocation, json: Bool) -> ClusterInputError {
        ClusterInputError(location: location, message: json
            ? "a JSON array at top level: kubectl does not accept it; wrap it in a List ({\"apiVersion\": \"v1\", \"kind\": \"List\", \"items\": […]})"
            : "a YAML list at top level: kubectl does not accept it; wrap it in `kind: List` / `items:` or separate documents with `---`")
    }

    /// Never echoes the input: Yams' messages carry the whole document as their context, and
    /// a document can hold a Secret.
    static func yamlError(_ error: Error, source: String, document: Int?, text: String) -> ClusterInputError {
        if let e = error as? YamlError {
            switch e {
            case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
                 .composer(let context, let problem, let mark, _):
                let what = [context?.text, problem].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: ": ")
                return ClusterInputError(location: SourceLocation(file: source, line: mark.line, document: document),
                                         message: "invalid YAML: \(what)" + helmHint(text), column: mark.column)
            case .duplicatedKeysInMapping(let duplicates, let context):
                return duplicateKeyError(duplicates, first: context.mark, text: text, source: source, document: document)
            default:
                break
            }
        }
        return ClusterInputError(location: SourceLocation(file: source, document: document), message: "invalid YAML" + helmHint(text))
    }

    /// The line of the second occurrence of a duplicated key: the next line after the first at
    /// the same indentation that starts with the key. Two top-level `apiVersion`s are almost
    /// always files concatenated without `---`.
    static func duplicateKeyError(_ keys: [String], first: Mark, text: String, source: String, document: Int?) -> ClusterInputError {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        let indent = max(0, first.column - 1)
        // Yams marks the first occurrence of the first duplicated key in sorted order.
        let secondKey = keys.first ?? ""
        var second: Int? = nil
        for n in first.line..<max(first.line, lines.count) {
            let line = lines[n]
            guard line.prefix(indent).allSatisfy({ $0 == " " || $0 == "-" }), line.dropFirst(indent).hasPrefix(secondKey + ":") else { continue }
            second = n + 1
            break
        }
        let at = second.map { "line \($0)" } ?? "a later line"
        let message: String
        if indent == 0 && (keys.contains("apiVersion") || keys.contains("kind")) {
            message = "a second `\(secondKey)` at \(at) of the same document (first at line \(first.line)): separate documents with `---`"
        } else {
            message = "duplicate key `\(secondKey)` at \(at) (first at line \(first.line))\(keys.count > 1 ? "; also duplicated: \(keys.filter { $0 != secondKey }.joined(separator: ", "))" : "")"
        }
        return ClusterInputError(location: SourceLocation(file: source, line: second ?? first.line, document: document), message: "invalid YAML: " + message)
    }

    /// `{{ … }}` outside a quoted string is Go template syntax: the file was never rendered.
    static func helmHint(_ text: String) -> String {
        text.contains("{{") ? " — this looks like an unrendered Helm template: pipe `helm template` output instead" : ""
    }

    static func yamlDecodingError(_ error: Error, root: YAMLNode, source: String, document: Int, text: String) -> ClusterInputError {
        switch error {
        case DecodingError.typeMismatch(_, let ctx), DecodingError.valueNotFound(_, let ctx),
             DecodingError.keyNotFound(_, let ctx), DecodingError.dataCorrupted(let ctx):
            let mark = locate(ctx.codingPath, in: root) ?? root.mark
            let node = locateNode(ctx.codingPath, in: root)
            // A template action (`{{ .Values.x }}`) parses as a flow mapping where a string belongs.
            if let line = mark?.line, case .mapping? = node, helmHint(text).isEmpty == false, Self.line(line, of: text).contains("{{") {
                return ClusterInputError(location: SourceLocation(file: source, line: line, document: document),
                                         message: "\(ctx.codingPath.dottedPath): this looks like an unrendered Helm template (`{{ … }}`): pipe `helm template` output instead")
            }
            return ClusterInputError(location: SourceLocation(file: source, line: mark?.line, document: document),
                                     message: "\(ctx.codingPath.dottedPath): \(ctx.debugDescription)")
        default:
            return yamlError(error, source: source, document: document, text: text)
        }
    }

    static func line(_ n: Int, of text: String) -> Substring {
        var i = 1
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if i == n { return line }
            i += 1
        }
        return ""
    }

    static func locateNode(_ path: [CodingKey], in root: YAMLNode) -> YAMLNode? {
        var node = root
        for key in path {
            if let i = key.intValue, case .sequence(let seq) = node, i < seq.count { node = seq[i] }
            else if let next = node[key.stringValue] { node = next }
            else { return nil }
        }
        return node
    }

    // MARK: Objects

    static func dispatch(list: ListWire, single: ObjectWire, source: SourceLocation, itemLocations: [SourceLocation]?,
                         into snapshot: inout ClusterSnapshot, context: inout DecodingContext) throws(ClusterInputError) {
        if let items = list.items {
            let listKind = list.kind ?? ""
            guard listKind == "List" || listKind.hasSuffix("List") else {
                throw ClusterInputError(location: source, message: "a document with items must have kind List or <Kind>List, not \(goQuote(listKind))")
            }
            if let itemLocations, items.count >= ListItemConverter.parallelFrom {
                let converted = try ListItemConverter.convert(
                    count: items.count, listKind: list.kind, listAPIVersion: list.apiVersion, listLocation: source,
                    location: { itemLocations[$0] }, context: context, read: { items[$0] })
                ListItemConverter.merge(converted ?? [], into: &snapshot, context: &context)
                return
            }
            // A typed list's items may omit apiVersion and kind: they come from the list.
            let impliedKind = listKind == "List" ? nil : String(listKind.dropLast(4))
            for (i, item) in items.enumerated() {
                let location = itemLocations?[i] ?? SourceLocation(file: source.file, line: source.line, document: source.document)
                guard let kind = item.kind ?? impliedKind, !kind.isEmpty else {
                    throw ClusterInputError(location: location, message: "items[\(i)]: missing kind")
                }
                let at = itemLocations == nil ? SourceLocation(file: source.file, line: nil, document: nil) : location
                try ObjectConverter.add(item, kind: kind, apiVersion: item.apiVersion ?? list.apiVersion ?? "", at: at, to: &snapshot, context: &context)
            }
            return
        }
        guard let kind = single.kind, !kind.isEmpty else {
            // Neither apiVersion nor kind: some other tool's file, skipped with a warning.
            if single.kind == nil && single.apiVersion == nil {
                context.skippedDocuments += 1
                return
            }
            throw ClusterInputError(location: source, message: "missing kind (every object needs apiVersion and kind)")
        }
        try ObjectConverter.add(single, kind: kind, apiVersion: single.apiVersion ?? "", at: source, to: &snapshot, context: &context)
    }

    /// The node a coding path points at, for its line.
    static func locate(_ path: [CodingKey], in root: YAMLNode) -> Mark? {
        var node = root
        var best = root.mark
        for key in path {
            let next: YAMLNode?
            if let i = key.intValue, case .sequence(let seq) = node, i < seq.count {
                next = seq[i]
            } else {
                next = node[key.stringValue]
            }
            guard let next else { break }
            node = next
            if let m = next.mark { best = m }
        }
        return best
    }
}
