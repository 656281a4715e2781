import Foundation
import KubeJSON
import RBAC

/// A large List's items turned into snapshot values on every core: one contiguous run of items
/// per core, each into its own snapshot, merged in order, so that the objects, the warnings and
/// the first error are exactly what converting them one after another gives.
enum ListItemConverter {
    /// Below this many items one thread is quicker than starting more; the JSON readers split
    /// a List for reading at the same size. Tests set it out of reach to hold the parallel
    /// paths to one thread.
    @TaskLocal static var parallelFrom = 2048

    typealias Part = (snapshot: ClusterSnapshot, context: DecodingContext)

    /// - Parameter read: the wire objects of a run of items; nil when the reader is unsure of
    ///   one, and then the whole list is nil, before any item is judged, as a reader that steps
    ///   aside for the whole input would have it.
    static func convert(count: Int, listKind: String?, listAPIVersion: String?, listLocation: SourceLocation,
                        location: @escaping @Sendable (Int) -> SourceLocation, context: DecodingContext,
                        read: @escaping @Sendable (Range<Int>) -> ArraySlice<ObjectWire>?) throws(ClusterInputError) -> [Part]? {
        let kind = listKind ?? ""
        guard kind == "List" || kind.hasSuffix("List") else {
            // An item the reader is unsure of still comes first: the caller's slower reader
            // may refuse the document for it before the list's kind is judged.
            if read(0..<count) == nil { return nil }
            throw ClusterInputError(location: listLocation, message: "a document with items must have kind List or <Kind>List, not \(goQuote(kind))")
        }
        // A typed list's items may omit apiVersion and kind: they come from the list.
        let impliedKind = kind == "List" ? nil : String(kind.dropLast(4))
        enum Outcome { case unsure, converted(Part), failed(ClusterInputError) }
        let outcomes = ParallelRuns.map(count: count) { range -> Outcome in
            var part = ClusterSnapshot()
            var partContext = context
            guard let objects = read(range) else { return .unsure }
            do throws(ClusterInputError) {
                for (i, item) in zip(range, objects) {
                    let at = location(i)
                    guard let kind = item.kind ?? impliedKind, !kind.isEmpty else {
                        throw ClusterInputError(location: at, message: "items[\(i)]: missing kind")
                    }
                    try ObjectConverter.add(item, kind: kind, apiVersion: item.apiVersion ?? listAPIVersion ?? "", at: at,
                                            to: &part, context: &partContext)
                }
                return .converted((part, partContext))
            } catch {
                return .failed(error)
            }
        }
        var parts: [Part] = []
        for outcome in outcomes {
            if case .unsure = outcome { return nil }
        }
        for outcome in outcomes {
            switch outcome {
            case .unsure: return nil
            case .failed(let error): throw error
            case .converted(let part): parts.append(part)
            }
        }
        return parts
    }

    static func merge(_ parts: [Part], into snapshot: inout ClusterSnapshot, context: inout DecodingContext) {
        for part in parts {
            snapshot.merge(part.snapshot)
            context.defaulted += part.context.defaulted
        }
    }
}
