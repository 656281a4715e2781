import Foundation
import KubeletAuthzCLI
import Synchronization
import Testing

@Suite("Where commands write")
struct ConsoleIOTests {
    /// JSON goes out as bytes (`writeOutBytes`) on the process's console. A console copied from
    /// it with its text output replaced must get that JSON too, not the real stdout.
    @Test("a console copied from the process's, its output replaced, receives the JSON")
    func copiedConsoleGetsBytes() async throws {
        final class Captured: Sendable { let text = Mutex("") }
        let captured = Captured()
        var io = ConsoleIO.standard
        io.writeOut = { s in captured.text.withLock { $0 += s } }
        #expect(io.writeOutBytes == nil)
        let code = await ConsoleIO.$current.withValue(io) { await KubeletAuthz.run(arguments: ["map", "-o", "json", "GET", "/pods"]) }
        #expect(code == 0)
        let out = captured.text.withLock { $0 }
        #expect(out.contains("\"pods\""), "\(out)")
    }
}
