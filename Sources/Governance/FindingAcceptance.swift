import Foundation
import RBAC
import Yams

/// Findings a team has accepted, with a reason and, usually, an expiry: the ignore file
/// (`.kubelet-authz-ignore.yaml`, as Trivy's `.trivyignore.yaml`). An entry names a rule (id or
/// name) and optionally a subject (`ServiceAccount ns/name`, `User name`) or a fingerprint. An
/// accepted finding leaves the report; once the entry expires the finding is back, beside a
/// KA072 that says so.
public struct FindingAcceptance: Sendable {
    public struct Entry: Sendable, Hashable {
        public let rule: FindingRule
        public let subject: String?
        public let fingerprint: String?
        public let reason: String
        public let expires: Day?
        public let source: SourceLocation
        /// The kind of object KA072 points at when the entry expires: an ignore file's entry, or
        /// an acceptance recorded in the store (named by its fingerprint).
        public var kind = "IgnoreEntry"

        public init(rule: FindingRule, subject: String?, fingerprint: String?, reason: String, expires: Day?, source: SourceLocation,
                    kind: String = "IgnoreEntry") {
            self.rule = rule
            self.subject = subject
            self.fingerprint = fingerprint
            self.reason = reason
            self.expires = expires
            self.source = source
            self.kind = kind
        }

        func matches(_ f: Finding) -> Bool {
            guard f.rule == rule else { return false }
            if let subject, f.subject?.description != subject { return false }
            if let fingerprint, f.fingerprint != fingerprint { return false }
            return true
        }
    }

    public let entries: [Entry]

    public init(entries: [Entry]) { self.entries = entries }

    public static let defaultFile = ".kubelet-authz-ignore.yaml"

    public struct Outcome: Sendable {
        public var kept: [Finding]
        public var accepted: Int
    }

    /// Accepted findings leave; expired entries that still match come back with a KA072.
    public func apply(to findings: [Finding], now: Day) -> Outcome {
        var kept: [Finding] = []
        var accepted = 0
        var expiredUsed = Set<Entry>()
        for f in findings {
            let matching = entries.filter { $0.matches(f) }
            if matching.contains(where: { $0.expires.map { $0 >= now } ?? true }) {
                accepted += 1
                continue
            }
            kept.append(f)
            expiredUsed.formUnion(matching)
        }
        for e in entries where expiredUsed.contains(e) {
            kept.append(Finding(.acceptanceExpired, subject: nil,
                                message: "the acceptance of \(e.rule.id)\(e.subject.map { " for \($0)" } ?? "") expired on \(e.expires!) (\(e.reason)): its findings are reported again",
                                locations: [.init(kind: e.kind, name: e.kind == "IgnoreEntry" ? e.rule.id : e.fingerprint ?? e.rule.id, source: e.source)]))
        }
        return Outcome(kept: kept, accepted: accepted)
    }

    public struct DecodeError: Error, CustomStringConvertible {
        public let description: String
    }

    /// `{apiVersion: kubelet-authz.io/v1alpha1, kind: KubeletAuthzIgnore, ignore: [{rule, subject?, fingerprint?, reason, expires?}]}`.
    public static func decode(_ data: Data, source: String) throws(DecodeError) -> FindingAcceptance {
        guard let text = String(data: data, encoding: .utf8) else { throw DecodeError(description: "\(source): not UTF-8 text") }
        let root: Node?
        do { root = try Yams.compose(yaml: text) } catch {
            // The line, never the text: Yams' context is the whole file.
            switch error as? YamlError {
            case .scanner(_, let problem, let mark, _)?, .parser(_, let problem, let mark, _)?, .composer(_, let problem, let mark, _)?:
                throw DecodeError(description: "\(source):\(mark.line): invalid YAML: \(problem)")
            case .duplicatedKeysInMapping(let keys, let context)?:
                throw DecodeError(description: "\(source):\(context.mark.line): invalid YAML: duplicate key \(keys.joined(separator: ", "))")
            default:
                throw DecodeError(description: "\(source): invalid YAML")
            }
        }
        guard let root, let list = root["ignore"]?.sequence else {
            throw DecodeError(description: "\(source): expected a mapping with an `ignore:` list of {rule, reason, subject, fingerprint, expires}")
        }
        var entries: [Entry] = []
        for (i, item) in list.enumerated() {
            let at = SourceLocation(file: source, line: item.mark?.line)
            func fail(_ m: String) -> DecodeError { DecodeError(description: "\(at): ignore[\(i)]: \(m)") }
            // A misspelt key (`expire:`) would otherwise make an acceptance silently permanent.
            let known: Set<String> = ["rule", "subject", "fingerprint", "reason", "expires"]
            for (key, value) in item.mapping ?? [:] {
                guard let name = key.string, known.contains(name) else { throw fail("unknown key \(key.string ?? "?") (known: \(known.sorted().joined(separator: ", ")))") }
                guard value.scalar != nil else { throw fail("\(name) must be a single value") }
            }
            guard let ruleText = item["rule"]?.string else { throw fail("rule is required (an id such as KA001, or a name)") }
            guard let rule = FindingRule(idOrName: ruleText) else {
                throw fail("no finding rule \"\(ruleText)\"")
            }
            guard let reason = item["reason"]?.string, !reason.isEmpty else { throw fail("reason is required: say why the finding is accepted") }
            var expires: Day? = nil
            if let text = item["expires"]?.string {
                guard let d = Day(text) else { throw fail("expires \"\(text)\" is not a date (YYYY-MM-DD)") }
                expires = d
            }
            entries.append(Entry(rule: rule, subject: item["subject"]?.string, fingerprint: item["fingerprint"]?.string,
                                 reason: reason, expires: expires, source: at))
        }
        return FindingAcceptance(entries: entries)
    }
}
