import CLITestSupport
import Testing
import TestSupport

/// `kubelet-authz serve` refuses what it cannot serve before it listens: exit 2, with why.
struct ServeCommandTests {
    static let cluster = ["-f", TestServer.examples + "/ai-cluster"]

    @Test(arguments: [
        ([], "serve needs TLS: give --tls-cert-file and --tls-private-key-file (or --insecure-http, for tests only)"),
        (["--tls-cert-file", "a.crt"], "give both --tls-cert-file and --tls-private-key-file"),
        (["--tls-cert-file", "a.crt", "--tls-private-key-file", "a.key", "--insecure-http"], "give either --tls-cert-file with --tls-private-key-file, or --insecure-http, not both"),
        (["--insecure-http", "--client-ca-file", "ca.crt"], "--client-ca-file needs TLS"),
        (["--insecure-http", "--address", "8443"], "--address \"8443\": expected HOST:PORT"),
        (["--insecure-http", "--never-deny", "ops-bot"], "--never-deny \"ops-bot\": expected user/NAME or group/NAME"),
        (["--insecure-http", "--store", "postgres://nobody@127.0.0.1:1/evidence"], "cannot connect to the evidence database postgres://nobody@127.0.0.1:1/evidence (host 127.0.0.1, port 1, user nobody)"),
        (["--tls-cert-file", "/nonexistent/tls.crt", "--tls-private-key-file", "/nonexistent/tls.key"], "cannot load the TLS certificate /nonexistent/tls.crt"),
        (["--insecure-http", "--register", "/nonexistent/register.yaml"], "--register: the path \"/nonexistent/register.yaml\" does not exist"),
    ])
    func badInputIsExit2(arguments: [String], message: String) async {
        let r = await kubeletAuthz(["serve"] + Self.cluster + arguments)
        #expect(r.code == 2)
        #expect(r.err.contains(message), "\(r.err)")
    }

    @Test func stdinCannotBeReadAgain() async {
        let r = await kubeletAuthz(["serve", "-f", "-", "--insecure-http"], stdin: "")
        #expect(r.code == 2)
        #expect(r.err.contains("serve reads its cluster again at each reload"))
    }
}
