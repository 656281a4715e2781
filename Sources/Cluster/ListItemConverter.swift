import Foundation
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
        let chunks = max(1, min(ProcessInfo.processInfo.activeProcessorCount, 16))
        let per = (count + chunks - 1) / chunks
        enum Outcome { case unsure, converted(Part), failed(ClusterInputError) }
        final class Results: @unchecked Sendable {
            var outcomes: [Outcome]
            let lock = NSLock()
            init(_ n: Int) { outcomes = Array(repeating: .unsure, count: n) }
        }
        let results = Results(chunks)
        DispatchQueue.concurrentPerform(iterations: chunks) { c in
            let lo = min(count, c * per), hi = min(count, lo + per)
            var part = ClusterSnapshot()
            var partContext = context
            let outcome: Outcome
            if let objects = read(lo..<hi) {
                do throws(ClusterInputError) {
                    for (i, item) in zip(lo..<hi, objects) {
                        let at = location(i)
                        guard let kind = item.kind ?? impliedKind, !kind.isEmpty else {
                            throw ClusterInputError(location: at, message: "items[\(i)]: missing kind")
                        }
                        try ObjectConverter.add(item, kind: kind, apiVersion: item.apiVersion ?? listAPIVersion ?? "", at: at,
                                                to: &part, context: &partContext)
                    }
                    outcome = .converted((part, partContext))
                } catch {
                    outcome = .failed(error)
                }
            } else {
                outcome = .unsure
            }
            results.lock.lock(); results.outcomes[c] = outcome; results.lock.unlock()
        }
        var parts: [Part] = []
        for outcome in results.outcomes {
            if case .unsure = outcome { return nil }
        }
        for outcome in results.outcomes {
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
