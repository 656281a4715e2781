import Foundation

/// The objects of one watched resource as the API server last told them, keyed
/// `namespace/name`, and the resource version to watch from. Pure: a list replaces them,
/// events change them; `listDocument` gives them back as a list page, so the snapshot is
/// decoded from them exactly as from the pages `LiveClusterReader` reads.
public struct WatchedObjects: Sendable {
    /// The list path (`/api/v1/nodes`).
    public let path: String
    public private(set) var objects: [String: Data] = [:]
    /// Where a watch continues: the list's, then each event's (a BOOKMARK's only moves it).
    public private(set) var resourceVersion: String?

    public init(path: String) { self.path = path }

    /// Everything from every page of one list (`metadata.resourceVersion` of the last page:
    /// the pages of one list are one snapshot of that version, chained by `continue`).
    public mutating func replace(withPages pages: [Data]) throws(WatchEventError) {
        var objects: [String: Data] = [:]
        var version: String? = nil
        for page in pages {
            guard let list = (try? JSONSerialization.jsonObject(with: page)) as? [String: Any] else {
                throw WatchEventError("\(path): the answer is not a Kubernetes list")
            }
            if let rv = (list["metadata"] as? [String: Any])?["resourceVersion"] as? String { version = rv }
            for case let item as [String: Any] in list["items"] as? [Any] ?? [] {
                guard let key = ObjectMeta(item).key else { throw WatchEventError("\(path): a list item has no metadata.name") }
                do { objects[key] = try JSONSerialization.data(withJSONObject: item) } catch {
                    throw WatchEventError("\(path): item \(key) cannot be written back as JSON")
                }
            }
        }
        self.objects = objects
        resourceVersion = version
    }

    /// Applies an ADDED, MODIFIED, DELETED or BOOKMARK event; true when an object changed.
    @discardableResult
    public mutating func apply(_ event: WatchEvent) -> Bool {
        if let rv = event.resourceVersion { resourceVersion = rv }
        switch event.type {
        case .added, .modified:
            guard let key = event.key else { return false }
            objects[key] = event.object
            return true
        case .deleted:
            guard let key = event.key else { return false }
            return objects.removeValue(forKey: key) != nil
        case .bookmark, .error:
            return false
        }
    }

    /// The objects as one typed list (`NodeList`…), in key order, as the API server would
    /// page them: the same bytes the list reader decodes.
    public func listDocument(apiVersion: String, kind: String) -> Data {
        var document = Data(#"{"apiVersion":"\#(apiVersion)","kind":"\#(kind)List","metadata":{},"items":["#.utf8)
        for (i, key) in objects.keys.sorted().enumerated() {
            if i > 0 { document.append(UInt8(ascii: ",")) }
            document.append(objects[key]!)
        }
        document.append(contentsOf: Array("]}".utf8))
        return document
    }
}
