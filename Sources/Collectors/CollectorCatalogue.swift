import Foundation
import KubeJSON
import KubeletModel

/// The collector catalogue: the data in `collectors.json` (embedded into the binary at build
/// time, so an installed binary needs no resource directory), decoded and checked. Pure: bytes
/// in, values out.
public struct CollectorCatalogue: Sendable {
    public let schemaVersion: Int
    public let collectors: [Collector]

    private struct Document: Decodable {
        let schemaVersion: Int
        let collectors: [Collector]
    }

    /// The catalogue shipped with this build.
    public static func bundled() throws(CollectorCatalogueError) -> CollectorCatalogue {
        try decode(Data(PackageResources.collectors_json))
    }

    public static func decode(_ data: Data) throws(CollectorCatalogueError) -> CollectorCatalogue {
        let document: Document
        do {
            document = try JSONDecoder().decode(Document.self, from: data)
        } catch let error as DecodingError {
            throw Self.describe(error)
        } catch {
            throw CollectorCatalogueError(field: "(document)", problem: "\(error)")
        }
        guard document.schemaVersion == 1 else {
            throw CollectorCatalogueError(field: "schemaVersion", problem: "\(document.schemaVersion) is not a version this build reads (1)")
        }
        var seen: [String: Int] = [:]
        for (i, c) in document.collectors.enumerated() {
            let at = "collectors[\(i)]"
            if let first = seen[c.id.lowercased()] {
                throw CollectorCatalogueError(field: "\(at).id", problem: "\"\(c.id)\" repeats collectors[\(first)].id")
            }
            seen[c.id.lowercased()] = i
            guard !c.minimalGrant.isEmpty else { throw CollectorCatalogueError(field: "\(at).minimalGrant", problem: "needs at least one release band") }
            var previous: KubernetesVersion? = nil
            for (j, band) in c.minimalGrant.enumerated() {
                guard let release = KubernetesVersion(band.since), band.since == release.description else {
                    throw CollectorCatalogueError(field: "\(at).minimalGrant[\(j)].since", problem: "\"\(band.since)\" is not a release such as \"1.33\"")
                }
                if let previous, release <= previous {
                    throw CollectorCatalogueError(field: "\(at).minimalGrant[\(j)].since", problem: "\(release) does not follow the previous band's \(previous)")
                }
                previous = release
            }
            for (j, source) in c.sources.enumerated() where source.url == nil && (source.repo == nil || source.path == nil) {
                throw CollectorCatalogueError(field: "\(at).sources[\(j)]", problem: "needs a url, or a repo and a path")
            }
            if c.sources.isEmpty { throw CollectorCatalogueError(field: "\(at).sources", problem: "needs at least one source") }
        }
        return CollectorCatalogue(schemaVersion: document.schemaVersion, collectors: document.collectors)
    }

    static func describe(_ error: DecodingError) -> CollectorCatalogueError {
        switch error {
        case .keyNotFound(let key, let context):
            return CollectorCatalogueError(field: (context.codingPath + [key]).dottedPath, problem: "required field is missing")
        case .valueNotFound(let type, let context):
            return CollectorCatalogueError(field: context.codingPath.dottedPath, problem: "must be a \(typeName(type)), not null")
        case .typeMismatch(let type, let context):
            return CollectorCatalogueError(field: context.codingPath.dottedPath, problem: "must be a \(typeName(type))")
        case .dataCorrupted(let context):
            return CollectorCatalogueError(field: context.codingPath.dottedPath, problem: context.debugDescription)
        @unknown default:
            return CollectorCatalogueError(field: "(document)", problem: "\(error)")
        }
    }

    static func typeName(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: return "string"
        case is Bool.Type: return "boolean"
        case is Int.Type: return "integer"
        case is [Any].Type: return "list"
        default: return "object"
        }
    }

    /// The entry whose id or name is `name`, ignoring case.
    public func collector(named name: String) -> Collector? {
        let wanted = name.lowercased()
        return collectors.first { $0.id.lowercased() == wanted } ?? collectors.first { $0.name.lowercased() == wanted }
    }

    /// Ids nearest to `name` by edit distance, then ids containing it: for "unknown collector"
    /// messages.
    public func closestIDs(to name: String, limit: Int = 3) -> [String] {
        let wanted = name.lowercased()
        let scored = collectors.map { c -> (String, Int) in
            let d = Self.editDistance(wanted, c.id)
            return (c.id, c.id.contains(wanted) || c.name.lowercased().contains(wanted) ? min(d, 1) : d)
        }
        // Ids further than half the name away are not "close": `zzzz` gets no suggestion.
        let near = scored.filter { $0.1 <= max(2, wanted.count / 2) }
        return near.sorted { ($0.1, $0.0) < ($1.1, $1.0) }.prefix(limit).map(\.0)
    }

    /// Levenshtein distance, for "closest" suggestions.
    public static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        if a.isEmpty { return b.count }
        var row = Array(0...b.count)
        for i in 1...a.count {
            var previous = row[0]
            row[0] = i
            for j in stride(from: 1, through: b.count, by: 1) {
                let old = row[j]
                row[j] = a[i - 1] == b[j - 1] ? previous : 1 + min(previous, row[j], row[j - 1])
                previous = old
            }
        }
        return row[b.count]
    }
}
