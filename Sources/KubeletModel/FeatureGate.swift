/// The feature gates that change what the kubelet authorizes or serves.
public enum FeatureGate: String, CaseIterable, Sendable, Codable {
    /// KEP-2862: `/pods`, `/healthz`, `/configz`, `/runningpods/` get fine-grained subresources.
    case kubeletFineGrainedAuthz = "KubeletFineGrainedAuthz"
    /// Registers `/statusz` on the kubelet.
    case componentStatusz = "ComponentStatusz"
    /// Registers `/flagz` on the kubelet.
    case componentFlagz = "ComponentFlagz"
    /// Registers `/checkpoint/` on the kubelet.
    case containerCheckpoint = "ContainerCheckpoint"

    /// (introduced in, default-on from, locked-on from): what the kubelet of a release does
    /// when the operator sets nothing. `nil` = not yet.
    struct Lifecycle {
        let introduced: Int
        let defaultOnFrom: Int?
        let lockedFrom: Int?
    }

    var lifecycle: Lifecycle {
        switch self {
        // alpha 1.32 (off), beta 1.33 (on), GA 1.36 (locked on).
        case .kubeletFineGrainedAuthz: return Lifecycle(introduced: 32, defaultOnFrom: 33, lockedFrom: 36)
        // zpages gate: alpha 1.32 (off), beta 1.36 (on); the kubelet serves /statusz from 1.33.
        case .componentStatusz: return Lifecycle(introduced: 32, defaultOnFrom: 36, lockedFrom: nil)
        // alpha 1.32 (off), beta 1.36 (on), like ComponentStatusz. The real kubelet binary always
        // supplies the flag reader /flagz needs (pkg/kubelet/server/server.go,
        // cmd/kubelet/app/server.go); an earlier 404 measurement came from a test kubelet without one.
        case .componentFlagz: return Lifecycle(introduced: 32, defaultOnFrom: 36, lockedFrom: nil)
        // alpha 1.25 (off), beta 1.30 (on).
        case .containerCheckpoint: return Lifecycle(introduced: 25, defaultOnFrom: 30, lockedFrom: nil)
        }
    }

    public func exists(in version: KubernetesVersion) -> Bool {
        version.major > 1 || version.minor >= lifecycle.introduced
    }

    public func defaultValue(in version: KubernetesVersion) -> Bool {
        guard exists(in: version), let on = lifecycle.defaultOnFrom else { return false }
        return version.major > 1 || version.minor >= on
    }

    public func isLocked(in version: KubernetesVersion) -> Bool {
        guard let locked = lifecycle.lockedFrom else { return false }
        return version.major > 1 || version.minor >= locked
    }
}

/// `--feature-gates A=true,B=false`, parsed the way component-base parses it: comma
/// separated, Go's `strconv.ParseBool` values, unknown names rejected.
public struct FeatureGateSettings: Sendable, Equatable {
    public var values: [FeatureGate: Bool]

    public init(_ values: [FeatureGate: Bool] = [:]) { self.values = values }

    public enum ParseError: Error, Equatable, CustomStringConvertible {
        case missingEquals(String)
        case unknownGate(String)
        case invalidValue(gate: String, value: String)

        public var description: String {
            switch self {
            case .missingEquals(let item):
                return "missing bool value for \(item) (expected NAME=true|false)"
            case .unknownGate(let name):
                let known = FeatureGate.allCases.map(\.rawValue).joined(separator: ", ")
                return "unrecognized feature gate: \(name) (known to kubelet-authz: \(known))"
            case .invalidValue(let gate, let value):
                return "invalid value of \(gate)=\(value), err: strconv.ParseBool: parsing \"\(value)\": invalid syntax"
            }
        }
    }

    public static func parse(_ specs: [String]) throws(ParseError) -> FeatureGateSettings {
        var result = FeatureGateSettings()
        for spec in specs {
            for item in spec.split(separator: ",") {
                let item = item.trimmingCharacters(in: .whitespaces)
                if item.isEmpty { continue }
                guard let eq = item.firstIndex(of: "=") else { throw .missingEquals(item) }
                let name = String(item[..<eq]).trimmingCharacters(in: .whitespaces)
                let value = String(item[item.index(after: eq)...]).trimmingCharacters(in: .whitespaces)
                guard let gate = FeatureGate(rawValue: name) else { throw .unknownGate(name) }
                guard let bool = goParseBool(value) else { throw .invalidValue(gate: name, value: value) }
                result.values[gate] = bool
            }
        }
        return result
    }

    static func goParseBool(_ text: String) -> Bool? {
        switch text {
        case "1", "t", "T", "TRUE", "true", "True": return true
        case "0", "f", "F", "FALSE", "false", "False": return false
        default: return nil
        }
    }
}

import Foundation
