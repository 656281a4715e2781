import Governance
import KubeJSON
import RBAC

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

    /// - Parameter templateRoot: where, relative to the repository root, the chart folders that
    ///   helm's `# Source: CHART/templates/…` comments name are (`charts` for charts/CHART).
    public static func render(_ r: ScanReport, toolVersion: String, templateRoot: String? = nil) -> JSONValue {
        render(findings: r.findings, inputs: r.inputs, toolVersion: toolVersion, templateRoot: templateRoot)
    }

    /// Findings that are not a whole scan's (`diff -o sarif`: the new ones), from `inputs`.
    public static func render(findings: [Finding], inputs: [String], toolVersion: String, templateRoot: String? = nil) -> JSONValue {
        let rules = FindingRule.allCases
        let ruleIndex = Dictionary(uniqueKeysWithValues: rules.enumerated().map { ($1, $0) })
        let driver: JSONValue = .object([
            ("name", .string("kubelet-authz")),
            ("version", .string(toolVersion)),
            // The Kubernetes page on what these rules judge: kubelet authentication and authorization.
            ("informationUri", .string("https://kubernetes.io/docs/reference/access-authn-authz/kubelet-authn-authz/")),
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
        let results: [JSONValue] = findings.map { f in
            var locations: [JSONValue] = []
            for l in f.locations {
                let logical: JSONValue = .array([.object([
                    ("name", .string(l.name)), ("kind", .string(l.kind)),
                    ("fullyQualifiedName", .string(l.namespace.isEmpty ? "\(l.kind)/\(l.name)" : "\(l.kind)/\(l.namespace)/\(l.name)")),
                ])])
                let (file, line) = physical(l, templateRoot: templateRoot)
                locations.append(.object([
                    ("physicalLocation", .object([
                        ("artifactLocation", .object([("uri", .string(file))])),
                        ("region", .object([("startLine", .integer(line))])),
                    ])),
                    ("logicalLocations", logical),
                ]))
            }
            // Code scanning refuses a result without a physical location: a finding about the
            // cluster as a whole points at the input it came from.
            if locations.isEmpty {
                locations.append(.object([("physicalLocation", .object([
                    ("artifactLocation", .object([("uri", .string(fallbackFile(inputs: inputs, findings: findings, f)))])),
                    ("region", .object([("startLine", .integer(1))])),
                ]))]))
            }
            return .object([
                ("ruleId", .string(f.rule.id)),
                ("ruleIndex", .integer(ruleIndex[f.rule]!)),
                ("level", .string(level(f.severity))),
                ("message", .object([("text", .string(f.message))])),
                ("locations", .array(locations)),
                ("partialFingerprints", .object([("kubeletAuthz/\(FindingFingerprint.version)", .string(f.fingerprint))])),
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

    /// A file and line for a location: the chart template a `helm template` document came
    /// from, the file itself, or — for objects read from an API server, or from stdin without
    /// helm's comments — a path naming the cluster and object
    /// (`kubernetes/CLUSTER/ClusterRoleBinding/name.yaml`). Code scanning needs a relative path
    /// there: a context name such as an EKS ARN (`arn:aws:eks:…:cluster/x`) is one segment
    /// with its `:` and `/` percent-encoded, so it reads neither as a URI scheme nor as folders.
    static func physical(_ l: Finding.Location, templateRoot: String? = nil) -> (String, Int) {
        if let template = l.source?.template {
            let root = templateRoot.map { $0.hasSuffix("/") || $0.isEmpty ? $0 : $0 + "/" } ?? ""
            return (uri(root + template.path), template.line)
        }
        if let src = l.source, src.isFile { return (uri(src.file), src.line ?? 1) }
        let ns = l.namespace.isEmpty ? "" : segment(l.namespace) + "/"
        let cluster = segment(l.source?.cluster ?? "cluster")
        return ("kubernetes/\(cluster)/\(segment(l.kind))/\(ns)\(l.name.isEmpty ? "object" : segment(l.name)).yaml", 1)
    }

    /// Where a finding about the cluster as a whole points: the first input file, else the
    /// cluster as the other findings name it (live scans).
    static func fallbackFile(inputs: [String], findings: [Finding], _ f: Finding) -> String {
        if let file = inputs.first(where: SourceLocation.isFilePath) { return uri(file) }
        let cluster = findings.lazy.flatMap(\.locations).compactMap { $0.source?.cluster }.first
            ?? inputs.lazy.compactMap { URLComponents(string: $0)?.host }.first ?? "cluster"
        return "kubernetes/\(segment(cluster))/\(f.rule.id).yaml"
    }

    /// Relative paths stay relative (SARIF resolves them against the checkout).
    static func uri(_ path: String) -> String {
        var p = path
        while p.hasPrefix("./") { p.removeFirst(2) }
        return p.split(separator: "/", omittingEmptySubsequences: false).map { segment(String($0)) }.joined(separator: "/")
    }

    /// One path segment, with everything but unreserved characters percent-encoded.
    static func segment(_ s: String) -> String {
        s.addingPercentEncoding(withAllowedCharacters: unreserved) ?? s
    }

    static let unreserved = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
}

import Foundation
