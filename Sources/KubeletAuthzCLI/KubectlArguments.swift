/// kubectl's option spellings that swift-argument-parser does not take: `-ojson`, `-o=json`,
/// `-fFILE`, `-f=FILE`, `-nNS`, `-n=NS` (it reads `-ojson` as grouped flags and refuses
/// `-o=json`). Such an argument is split in two — but only where an option can stand: never
/// the value of an option given as a separate argument (`--as -ofoo` keeps `-ofoo` as the user
/// name), and nothing after `--`.
enum KubectlArguments {
    /// Short options that take a value and may be joined to it.
    static let joinableShortOptions: Set<Character> = ["o", "f", "n"]

    /// Every option of every command that takes a value, by each of its names. A test holds this
    /// list to the commands' definitions, so a new option cannot be forgotten here.
    static let valueOptions: Set<String> = [
        "-o", "--output", "-f", "--filename", "-n", "--namespace",
        "--kubeconfig", "--context", "--request-timeout",
        "--kube-version", "--feature-gates", "--node", "--as", "--as-group",
        "--register", "--now", "--fail-on", "--baseline", "--ignore-file", "--severity", "--color", "--template-root",
        "--audit", "--unused-days", "--apiserver-kubelet-client",
        "--store", "--db", "--since", "--audit-policy", "--progress",
        "--output-dir", "--file", "--kubelet-config", "--kubelet-ca", "--action",
        "--subject", "--min-evidence-days",
        "--tenant-label",
        "--cluster", "--reason", "--until",
        "--mode", "--address", "--tls-cert-file", "--tls-private-key-file", "--client-ca-file", "--dashboard-address", "--never-deny",
        "--health-address", "--print-config-dir", "--dashboard-client-ca-file",
    ]

    static func normalize(_ arguments: [String]) -> [String] {
        var out: [String] = []
        var index = 0
        while index < arguments.count {
            let a = arguments[index]
            index += 1
            if a == "--" {
                out += arguments[(index - 1)...]
                break
            }
            if valueOptions.contains(a) {
                // `-o json`: the next argument is the value, whatever it looks like.
                out.append(a)
                if index < arguments.count { out.append(arguments[index]); index += 1 }
                continue
            }
            let chars = Array(a)
            if chars.count > 2, chars[0] == "-", joinableShortOptions.contains(chars[1]) {
                let value = chars[2] == "=" ? chars[3...] : chars[2...]
                out += [String(chars[0...1]), String(value)]
            } else {
                out.append(a)
            }
        }
        return out
    }
}
