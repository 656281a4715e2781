import Cluster
import RBAC

/// KA048: an installed guardrail whose exceptions expired. The policy cannot see the date
/// itself (admission CEL has no clock), so the scan reads the expiry it was stamped with.
enum GuardrailFindings {
    static func findings(policies: [AdmissionPolicy], now: Day) -> [Finding] {
        var out: [Finding] = []
        for p in policies where GuardrailManifest.isGuardrail(labels: p.labels) {
            guard let text = p.annotations[GuardrailManifest.expiresAnnotation] else { continue }
            let location = Finding.Location(kind: "ValidatingAdmissionPolicy", name: p.name, source: p.source)
            guard let expiry = Day(text) else {
                out.append(Finding(.guardrailExceptionsExpired,
                                   message: "ValidatingAdmissionPolicy \(p.name): annotation \(GuardrailManifest.expiresAnnotation) \(goQuote(text)) is not a date (YYYY-MM-DD), so whether its exceptions lapsed cannot be told; regenerate it with kubelet-authz guardrail",
                                   locations: [location]))
                continue
            }
            guard expiry < now else { continue }
            out.append(Finding(.guardrailExceptionsExpired,
                               message: "ValidatingAdmissionPolicy \(p.name) still lets through register exceptions, the first of which expired on \(expiry) (admission CEL has no clock); regenerate it with kubelet-authz guardrail",
                               locations: [location]))
        }
        return out
    }
}
