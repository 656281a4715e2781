import ArgumentParser
@testable import KubeletAuthzCLI
import Testing

/// Every example in every command's `--help` must survive copy and paste: no line of it may be
/// broken by ArgumentParser's wrapping, on an 80-column terminal or a wide one.
@Suite("help examples")
struct HelpExamplesTests {
    static let commands: [any ParsableCommand.Type] = KubeletAuthz.configuration.subcommands

    @Test("every command documents itself with examples")
    func everyCommandHasExamples() {
        for command in Self.commands {
            let documented = command as? any DocumentedByExamples.Type
            #expect(documented != nil, "\(command._commandName) has no examples")
            let lines = HelpExamples.lines(documented?.examples ?? "")
            #expect(lines.count > 0, "\(command._commandName) has an empty example list")
        }
    }

    @Test("example lines are whole in the help at 80 and 200 columns", arguments: [80, 200])
    func unbroken(_ columns: Int) throws {
        for command in Self.commands {
            let examples = try #require(command as? any DocumentedByExamples.Type)
            let help = KubeletAuthz.helpMessage(for: command, columns: columns)
            let rendered = Set(help.split(separator: "\n", omittingEmptySubsequences: false).map(String.init))
            for line in HelpExamples.lines(examples.examples) {
                #expect(rendered.contains(HelpExamples.indent + line), "\(command._commandName) at \(columns) columns breaks: \(line)")
            }
        }
    }

    @Test("a line too long for 80 columns would be caught: the wrap does break it")
    func theCheckCanFail() {
        let help = TooLongExample.helpMessage(columns: 80)
        #expect(!help.split(separator: "\n").map(String.init).contains(HelpExamples.indent + TooLongExample.example))
        #expect(TooLongExample.helpMessage(columns: 200).split(separator: "\n").map(String.init).contains(HelpExamples.indent + TooLongExample.example))
    }

    @Test("continued examples end their lines with a backslash, and only those")
    func continuations() throws {
        for command in Self.commands {
            let lines = HelpExamples.lines(try #require(command as? any DocumentedByExamples.Type).examples)
            for (i, line) in lines.enumerated() where line.hasPrefix(" ") {
                #expect(i > 0 && lines[i - 1].hasSuffix(" \\"), "\(command._commandName): \(line) continues nothing")
            }
        }
    }
}

/// An example one column too long for an 80-column terminal.
private struct TooLongExample: ParsableCommand {
    static let example = "kubelet-authz " + String(repeating: "x", count: HelpExamples.maxWidth - 2 - 14 + 1)
    static let configuration = CommandConfiguration(commandName: "probe", discussion: HelpExamples.section(example + "\nkubelet-authz scan"))
}
