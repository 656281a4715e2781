import Governance
import KubeJSON

/// `scan -o sarif`: SARIF 2.1.0, the findings catalogue as rules, file/line locations.
public enum ScanSARIF {
    static func level(_ s: Severity) -> String {
        switch s {
        case .critical, .high: return "error"
        case .medium: return "warning"
        case .low, .info: return "note"
        }
    }

    /// GitHub code scanning reads `security-severity` (0–10) for ranking.
    static func securitySeverity(_ s: Severity) -> String {
        switch s {
        case .critical: return "9.5"
        case .high: return "8.0"
        case .medium: return "5.5"
        case .low: return "3.0"
        case .info: return "1.0"
        }
    }

    public static func render(_ r: ScanReport, toolVersion: String) -> JSONValue {
        let rules = FindingRule.allCases
        let ruleIndex = Dictionary(uniqueKeysWithValues: rules.enumerated().map { ($1, $0) })
        let driver: JSONValue = .object([
            ("name", .string("kubelet-authz")),
            ("version", .string(toolVersion)),
            ("informationUri", .string("https://github.com/kubelet-authz/kubelet-authz")),
            ("rules", .array(rules.map { rule in
                .object([
                    ("id", .string(rule.id)), ("name", .string(rule.name)),
                    ("shortDescription", .object([("text", .string(rule.title))])),
                    ("fullDescription", .object([("text", .string(rule.explanation))])),
                    ("help", .object([("text", .string(rule.fix)), ("markdown", .string("**Fix:** \(rule.fix)\n\nSee docs/FINDINGS.md#\(rule.id.lowercased())"))])),
                    ("defaultConfiguration", .object([("level", .string(level(rule.defaultSeverity)))])),
                    ("properties", .object([("security-severity", .string(securitySeverity(rule.defaultSeverity))),
                                            ("tags", .strings(["security", "kubernetes", "rbac", "kubelet"]))])),
                ])
            })),
        ])
        let results: [JSONValue] = r.findings.map { f in
            var locations: [JSONValue] = []
            for l in f.locations {
                guard let src = l.source else { continue }
                let region: JSONValue? = src.line.map { .object([("startLine", .integer($0))]) }
                let logical: JSONValue = .array([.object([
                    ("name", .string(l.name)), ("kind", .string(l.kind)),
                    ("fullyQualifiedName", .string(l.namespace.isEmpty ? "\(l.kind)/\(l.name)" : "\(l.kind)/\(l.namespace)/\(l.name)")),
                ])])
                locations.append(.object([
                    ("physicalLocation", .object([
                        ("artifactLocation", .object([("uri", .string(uri(src.file)))])),
                        ("region", region),
                    ])),
                    ("logicalLocations", logical),
                ]))
            }
            return .object([
                ("ruleId", .string(f.rule.id)),
                ("ruleIndex", .integer(ruleIndex[f.rule]!)),
                ("level", .string(level(f.severity))),
                ("message", .object([("text", .string(f.message))])),
                ("locations", locations.isEmpty ? nil : .array(locations)),
                ("properties", .object([("severity", .string(f.severity.description)),
                                        ("security-severity", .string(securitySeverity(f.severity)))])),
            ])
        }
        return .object([
            ("$schema", .string("https://json.schemastore.org/sarif-2.1.0.json")),
            ("version", .string("2.1.0")),
            ("runs", .array([.object([("tool", .object([("driver", driver)])), ("results", .array(results))])])),
        ])
    }

    /// Relative paths stay relative (SARIF resolves them against the checkout); `<stdin>`
    /// has no file.
    static func uri(_ path: String) -> String {
        var p = path
        while p.hasPrefix("./") { p.removeFirst(2) }
        return p.split(separator: "/", omittingEmptySubsequences: false).map { seg in
            String(seg).addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(["/"])) ?? String(seg)
        }.joined(separator: "/")
    }
}

import Foundation
