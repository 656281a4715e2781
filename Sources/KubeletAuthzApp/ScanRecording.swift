import Foundation
import Governance
import History
import RBAC

/// A scan report as the history saves it, and saved findings back as findings. The finding
/// rebuilt from its record has the fingerprint it was saved under (`FindingFingerprint`: rule,
/// subject, objects, and the message when there is no object), so acceptances, baselines and
/// SARIF see one identity whichever side a finding came from.
public enum ScanRecording {
    /// - Parameter sourcePath: the name a source file is recorded by (`SourcePath.recorded`):
    ///   the same file named relatively or absolutely must give the same content, or a re-save
    ///   from another directory would store new parts and show as a change.
    public static func content(of report: ScanReport, findings: [Finding], sourcePath: (String) -> String = { $0 }) -> ScanContent {
        var subjects: [SubjectAccessRecord] = []
        var governance: [GovernanceEntryRecord] = []
        subjects.reserveCapacity(report.subjects.count)
        for s in report.subjects {
            let ref = subject(s.key)
            var access: [SubjectAccessRecord.Access] = []
            var grants: [String: (binding: String, role: String, subresources: Set<String>)] = [:]
            for (sub, a) in s.inventory.access {
                access.append(.init(subresource: sub, verbs: a.verbs, nodes: a.nodes))
                for p in a.via {
                    let binding = SubjectAccessRecord.objectName(kind: p.binding.kind.rawValue, namespace: p.binding.namespace, name: p.binding.name)
                    let role = SubjectAccessRecord.objectName(kind: p.role.kind.rawValue, namespace: p.role.namespace, name: p.role.name)
                    grants[binding + "\u{1F}" + role, default: (binding, role, [])].subresources.insert(sub)
                }
            }
            subjects.append(SubjectAccessRecord(subject: ref, execCapable: s.inventory.execCapable, access: access,
                                                grants: grants.values.map { .init(binding: $0.binding, role: $0.role, subresources: Array($0.subresources)) }))
            if let g = s.governance { governance.append(record(g, ref, sourcePath: sourcePath)) }
        }
        // Messages name a register entry as `register FILE:LINE` (`GovernanceRecord.Origin`):
        // the file as recorded there too.
        var registers: [String: String] = [:]
        for s in report.subjects {
            if case .register(let l)? = s.governance?.origin, registers[l.file] == nil, sourcePath(l.file) != l.file {
                registers[l.file] = sourcePath(l.file)
            }
        }
        return ScanContent(release: report.profile.version.description, subjects: subjects,
                           findings: findings.map { f in
                               var r = record(f, sourcePath: sourcePath)
                               for (given, recorded) in registers {
                                   r.message = r.message.replacingOccurrences(of: "register \(given):", with: "register \(recorded):")
                               }
                               return r
                           }, governance: governance)
    }

    public static func subject(_ k: SubjectKey) -> SubjectRef { SubjectRef(kind: k.kind, namespace: k.namespace, name: k.name) }

    public static func key(_ s: SubjectRef) -> SubjectKey { SubjectKey(kind: s.kind, name: s.name, namespace: s.namespace) }

    public static func record(_ f: Finding, sourcePath: (String) -> String = { $0 }) -> FindingRecord {
        FindingRecord(fingerprint: f.fingerprint, rule: f.rule.id, severity: f.severity.description, subject: f.subject.map(subject),
                      message: f.message,
                      locations: f.locations.map {
                          .init(kind: $0.kind, namespace: $0.namespace, name: $0.name, file: $0.source.map { sourcePath($0.file) }, line: $0.source?.line)
                      })
    }

    /// The finding a record was saved from; nil for a rule this build does not know.
    public static func finding(_ r: FindingRecord) -> Finding? {
        guard let rule = FindingRule(rawValue: r.rule) else { return nil }
        return Finding(rule, severity: Severity(r.severity) ?? rule.defaultSeverity, subject: r.subject.map(key), message: r.message,
                       locations: r.locations.map { l in
                           .init(kind: l.kind, name: l.name, namespace: l.namespace, source: l.file.map { SourceLocation(file: $0, line: l.line) })
                       })
    }

    static func record(_ g: GovernanceRecord, _ subject: SubjectRef, sourcePath: (String) -> String) -> GovernanceEntryRecord {
        // The origin without its line: an entry moved in the register file is not a change.
        let origin: String = switch g.origin {
        case .register(let l): "register \(sourcePath(l.file))"
        case .serviceAccountAnnotations: "ServiceAccount annotations"
        case .bindingAnnotations(let b, _): "ClusterRoleBinding \(b) annotations"
        }
        return GovernanceEntryRecord(
            subject: subject, owner: g.owner, purpose: g.purpose, reviewed: g.reviewed?.description, nextReview: g.nextReview?.description,
            ticket: g.ticket,
            approved: g.approved.map { $0.map { a in "\(a.subresources.joined(separator: ","))=\(a.verbs.joined(separator: ","))" + (a.nodes.map { "@" + $0.joined(separator: ",") } ?? "") } },
            origin: origin)
    }
}
