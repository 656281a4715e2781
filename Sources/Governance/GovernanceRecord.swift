import RBAC

/// A calendar day, as reviews are dated (`2026-11-27`). RFC 3339 timestamps are read by
/// their date.
public struct Day: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let year: Int, month: Int, day: Int

    public init?(_ text: String) {
        let t = text.trimmingCharacters(in: .whitespaces)
        let datePart = t.prefix(10)
        let parts = datePart.split(separator: "-")
        guard datePart.count == 10, parts.count == 3, let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]),
              (1...12).contains(m), d >= 1, d <= Day.daysIn(month: m, year: y) else { return nil }
        if t.count > 10 && !(t.dropFirst(10).first == "T" || t.dropFirst(10).first == " ") { return nil }
        year = y; month = m; day = d
    }

    public init(year: Int, month: Int, day: Int) { self.year = year; self.month = month; self.day = day }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    public static func < (a: Day, b: Day) -> Bool { (a.year, a.month, a.day) < (b.year, b.month, b.day) }

    public var description: String {
        func pad(_ n: Int, _ w: Int) -> String { let s = String(n); return String(repeating: "0", count: max(0, w - s.count)) + s }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))"
    }
}

/// Access a reviewer approved: verbs on subresources, on all nodes or some.
public struct ApprovedAccess: Hashable, Sendable {
    public var subresources: [String]
    public var verbs: [String]
    /// `nil` = every node.
    public var nodes: [String]?

    public init(subresources: [String], verbs: [String], nodes: [String]? = nil) {
        self.subresources = subresources
        self.verbs = verbs
        self.nodes = nodes
    }

    /// `metrics=get;stats=get,list` — the annotation form.
    public static func parseAnnotation(_ text: String) -> [ApprovedAccess]? {
        var out: [ApprovedAccess] = []
        for part in text.split(separator: ";") {
            let kv = part.split(separator: "=", maxSplits: 1)
            guard kv.count == 2 else { return nil }
            let subs = kv[0].split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            let verbs = kv[1].split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            guard !subs.isEmpty, !verbs.isEmpty else { return nil }
            out.append(ApprovedAccess(subresources: subs, verbs: verbs))
        }
        return out.isEmpty ? nil : out
    }
}

/// Who owns a subject's kubelet access, why it exists and when it was last looked at — from
/// the register file, or from `kubelet-authz.io/*` annotations on the ServiceAccount or the
/// ClusterRoleBinding.
public struct GovernanceRecord: Hashable, Sendable {
    public enum Origin: Hashable, Sendable {
        case register(SourceLocation)
        case serviceAccountAnnotations(SourceLocation?)
        case bindingAnnotations(String, SourceLocation?)

        public var description: String {
            switch self {
            case .register(let l): return "register \(l)"
            case .serviceAccountAnnotations: return "ServiceAccount annotations"
            case .bindingAnnotations(let b, _): return "ClusterRoleBinding \(b) annotations"
            }
        }
    }

    public var owner: String?
    public var purpose: String?
    public var reviewed: Day?
    public var nextReview: Day?
    public var ticket: String?
    /// `nil` when the record does not say what was approved.
    public var approved: [ApprovedAccess]?
    public var origin: Origin
    /// Values that could not be read (a date that is not a date), for findings.
    public var problems: [String] = []

    public init(owner: String? = nil, purpose: String? = nil, reviewed: Day? = nil, nextReview: Day? = nil,
                ticket: String? = nil, approved: [ApprovedAccess]? = nil, origin: Origin) {
        self.owner = owner
        self.purpose = purpose
        self.reviewed = reviewed
        self.nextReview = nextReview
        self.ticket = ticket
        self.approved = approved
        self.origin = origin
    }

    public static let annotationPrefix = "kubelet-authz.io/"
    public enum Annotation {
        public static let owner = "kubelet-authz.io/owner"
        public static let purpose = "kubelet-authz.io/purpose"
        public static let reviewed = "kubelet-authz.io/reviewed"
        public static let nextReview = "kubelet-authz.io/next-review"
        public static let expires = "kubelet-authz.io/expires"
        public static let ticket = "kubelet-authz.io/ticket"
        public static let approvedAccess = "kubelet-authz.io/approved-access"
    }

    /// A record from annotations, or nil when none of the keys is present.
    public static func fromAnnotations(_ a: [String: String], origin: Origin) -> GovernanceRecord? {
        guard a.keys.contains(where: { $0.hasPrefix(annotationPrefix) }) else { return nil }
        var r = GovernanceRecord(owner: a[Annotation.owner].nonEmpty, purpose: a[Annotation.purpose].nonEmpty,
                                 ticket: a[Annotation.ticket].nonEmpty, origin: origin)
        let known: Set<String> = [Annotation.owner, Annotation.purpose, Annotation.reviewed, Annotation.nextReview,
                                  Annotation.expires, Annotation.ticket, Annotation.approvedAccess]
        for key in a.keys.sorted() where key.hasPrefix(annotationPrefix) && !known.contains(key) {
            r.problems.append("annotation \(key) is not a kubelet-authz annotation (known: \(known.sorted().joined(separator: ", ")))")
        }
        func day(_ key: String) -> Day? {
            guard let text = a[key].nonEmpty else { return nil }
            if let d = Day(text) { return d }
            r.problems.append("annotation \(key): \(goQuote(text)) is not a date (YYYY-MM-DD)")
            return nil
        }
        r.reviewed = day(Annotation.reviewed)
        r.nextReview = [day(Annotation.nextReview), day(Annotation.expires)].compactMap { $0 }.min()
        if let text = a[Annotation.approvedAccess].nonEmpty {
            r.approved = ApprovedAccess.parseAnnotation(text)
            if r.approved == nil { r.problems.append("annotation \(Annotation.approvedAccess): \(goQuote(text)) is not SUBRESOURCE[,…]=VERB[,…][;…]") }
            for sub in r.approved?.flatMap(\.subresources) ?? [] where !KubeletPermissions.subresources.contains(sub) && sub != "*" {
                r.problems.append("annotation \(Annotation.approvedAccess): \(goQuote(sub)) is not a kubelet subresource")
            }
        }
        return r
    }
}

extension Optional where Wrapped == String {
    var nonEmpty: String? {
        guard let s = self?.trimmingCharacters(in: .whitespaces), !s.isEmpty else { return nil }
        return s
    }
}

import Foundation
