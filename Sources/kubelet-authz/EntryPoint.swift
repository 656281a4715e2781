import Foundation
import KubeletAuthzCLI

@main
struct EntryPoint {
    static func main() async {
        let code = await KubeletAuthz.run(arguments: Array(CommandLine.arguments.dropFirst()))
        exit(code)
    }
}
