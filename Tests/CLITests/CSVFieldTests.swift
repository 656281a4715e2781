@testable import Reports
import Testing

/// `ScanCSV.field` decides ASCII fields on their bytes: held to the general path, which takes
/// any text by Characters.
@Suite("CSV fields quote as before")
struct CSVFieldTests {
    @Test("the byte path gives what the general path gives")
    func sameField() {
        // Every pair and triple from pieces that quote, prefix, or make bytes and Characters differ.
        let pieces = ["", "a", ",", "\"", "\n", "\r", "\r\n", "=", "+", "-", "@", " ", "é", "e\u{301}", "\"\u{301}", ",\u{301}", "'", "x y"]
        var inputs: [String] = []
        for a in pieces { for b in pieces { inputs.append(a + b); for c in pieces { inputs.append(a + b + c) } } }
        #expect(inputs.count > 5000)
        var asciiInputs = 0
        for s in inputs {
            if s.utf8.allSatisfy({ $0 < 0x80 && $0 != 0x0D }) { asciiInputs += 1 }
            #expect(Array(ScanCSV.field(s).utf8) == Array(ScanCSV.generalField(s).utf8), "\(s.debugDescription)")
        }
        #expect(asciiInputs > 1000)  // the byte path was taken
    }
}
