import Governance
import History
import RBAC

/// The findings a change between two saved scans brings: the later scan's findings the earlier
/// did not have, and a KA060 for every subject that gained command execution (high, whatever
/// the scans' own findings say). These are what `diff -o sarif` lists and `diff --fail-on` judges.
public enum DiffFindings {
    public static func new(_ diff: ScanDiff, after: ScanContent, before scan: SavedScan) -> [Finding] {
        var out = diff.newFindings.compactMap(ScanRecording.finding)
        // File and line of an object, where a finding of the later scan cites it.
        var sources: [String: SourceLocation] = [:]
        for f in after.findings {
            for l in f.locations where l.file != nil {
                sources[SubjectAccessRecord.objectName(kind: l.kind, namespace: l.namespace, name: l.name)] = SourceLocation(file: l.file!, line: l.line)
            }
        }
        let grantsBySubject = Dictionary(after.subjects.map { ($0.subject, $0.grants) }, uniquingKeysWith: { a, _ in a })
        for subject in diff.execGained {
            // The grants that give exec: new ones first, else every grant of the subject.
            let added = diff.grantsAdded(to: subject)
            let candidates = added.isEmpty ? grantsBySubject[subject] ?? [] : added
            let proxy = candidates.filter { $0.subresources.contains("proxy") }
            let shown = proxy.isEmpty ? candidates : proxy
            let via = shown.map { "\(SubjectAccessRecord.displayName($0.binding)) → \(SubjectAccessRecord.displayName($0.role))" }.joined(separator: ", ")
            var locations: [Finding.Location] = []
            for g in shown {
                for name in [g.binding, g.role] {
                    let (kind, namespace, object) = SubjectAccessRecord.objectParts(name)
                    locations.append(.init(kind: kind, name: object, namespace: namespace, source: sources[name]))
                }
            }
            out.append(Finding(.execGained, subject: ScanRecording.key(subject),
                               message: "\(subject) can now execute commands in pods, and could not in scan \(scan.id)\(via.isEmpty ? "" : ": through \(via)")",
                               locations: locations))
        }
        return out
    }
}
