import Foundation
import Testing

/// cel-python, run as a child process: the real CEL implementation the tests hold generated
/// expressions to (Tests/Fixtures/cel_eval.py for admission policies, authz_cel_eval.py for
/// authorization webhook match conditions). Skipped with the reason when missing, a failure
/// under CI=true (.ci/run installs it).
public enum PythonCEL {
    /// Why the CEL cannot be evaluated here, or nil when it can.
    public static let unavailable: String? = {
        let r = ChildProcess.run(["python3", "-c", "import celpy"], stdin: Data())
        if r.status == 0 { return nil }
        // The exception's own line (ModuleNotFoundError: …), not the traceback above it.
        let why = r.stderr.split(separator: "\n").last.map(String.init) ?? "exit \(r.status)"
        return "python3 with cel-python is not available (pip install cel-python; .ci/run installs it): \(why)"
    }()

    /// False (after saying why) when the test is to be skipped; a failure under CI=true.
    /// - Parameter what: what goes unevaluated, for the message ("the guardrail's CEL").
    public static func evaluatorOrSkip(_ what: String) -> Bool {
        guard let reason = unavailable else { return true }
        if ProcessInfo.processInfo.environment["CI"] == "true" {
            Issue.record("CI=true and \(what) cannot be evaluated: \(reason)")
        } else {
            print("skipped: \(what) is not evaluated: \(reason)")
        }
        return false
    }
}
