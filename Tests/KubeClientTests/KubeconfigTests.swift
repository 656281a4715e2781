import Foundation
import KubeClient
import TestSupport
import Testing

@Suite("kubeconfig, as kubectl reads it")
struct KubeconfigTests {
    func write(_ text: String, _ name: String, in dir: URL) throws -> String {
        let url = dir.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    func load(_ paths: [String]) throws -> Kubeconfig {
        try KubeconfigLoader.load(paths) { try Data(contentsOf: URL(fileURLWithPath: $0)) }
    }

    let first = """
    apiVersion: v1
    kind: Config
    current-context: prod
    clusters:
    - name: prod
      cluster:
        server: https://prod.example:6443
        certificate-authority: certs/ca.crt
    users:
    - name: admin
      user:
        client-certificate: certs/admin.crt
        client-key: certs/admin.key
    contexts:
    - name: prod
      context: {cluster: prod, user: admin, namespace: ops}
    """

    let second = """
    apiVersion: v1
    kind: Config
    current-context: dev
    clusters:
    - name: prod
      cluster: {server: https://shadowed.example}
    - name: dev
      cluster: {server: https://dev.example, insecure-skip-tls-verify: true}
    users:
    - name: dev
      user: {tokenFile: token}
    contexts:
    - name: dev
      context: {cluster: dev, user: dev}
    """

    @Test("KUBECONFIG files merge: the first file to name an entry wins, and so does its current-context")
    func merge() throws {
        let dir = Fixtures.temporaryDirectory()
        let a = try write(first, "a/config", in: dir)
        let b = try write(second, "b/config", in: dir)
        let files = KubeconfigLoader.files(explicit: nil, environment: ["KUBECONFIG": "\(a):/missing/config:\(b)"], exists: { FileManager.default.fileExists(atPath: $0) })
        #expect(files == [a, b])
        let config = try load(files)
        #expect(config.currentContext == "prod")
        #expect(config.clusters["prod"]?.server == "https://prod.example:6443")
        let prod = try config.resolve(context: nil)
        #expect(prod.namespace == "ops")
        #expect(prod.cluster.certificateAuthority == dir.path + "/a/certs/ca.crt")
        #expect(prod.user.clientKey == dir.path + "/a/certs/admin.key")
        let dev = try config.resolve(context: "dev")
        #expect(dev.user.tokenFile == dir.path + "/b/token")
        #expect(dev.cluster.insecureSkipTLSVerify)
        #expect(KubeconfigLoader.files(explicit: "/x", environment: ["KUBECONFIG": a], exists: { _ in true }) == ["/x"])
        #expect(KubeconfigLoader.files(explicit: nil, environment: ["HOME": "/home/u"], exists: { $0 == "/home/u/.kube/config" }) == ["/home/u/.kube/config"])
    }

    @Test("errors say which context, cluster or user is wrong", arguments: [
        ("current-context: nope\ncontexts: []\n", nil as String?, "context \"nope\" does not exist"),
        ("contexts:\n- name: c\n  context: {cluster: k, user: u}\n", "c", "cluster \"k\" does not exist in /"),
        ("clusters:\n- name: k\n  cluster: {server: https://x}\ncontexts:\n- name: c\n  context: {cluster: k, user: u}\n", "c", "user \"u\" does not exist in /"),
        ("users:\n- name: u\n  user: {token: SECRETTOKEN}\n  user: {token: other}\n", "c", ":3: invalid YAML: duplicate key `user`"),
        ("clusters:\n- name: k\n  cluster: {}\nusers:\n- name: u\n  user: {}\ncontexts:\n- name: c\n  context: {cluster: k, user: u}\n", "c", "has no server"),
        ("clusters:\n- name: k\n  cluster: {server: https://x}\nusers:\n- name: u\n  user: {client-certificate: a.crt}\ncontexts:\n- name: c\n  context: {cluster: k, user: u}\n", "c", "needs a client key"),
        ("users:\n- name: u\n  user:\n    exec: {apiVersion: client.authentication.k8s.io/v1, command: x}\n", "c", "interactiveMode is required"),
        ("users:\n- name: u\n  user:\n    client-certificate-data: '%%%'\n", "c", "is not base64"),
        ("clusters: [\n", "c", "invalid YAML"),
        ("apiVersion: v1\nkind: Config\n", nil, "current-context is not set"),
    ])
    func errors(_ c: (String, String?, String)) throws {
        let path = try write(c.0, "config", in: Fixtures.temporaryDirectory())
        do {
            let config = try load([path])
            _ = try config.resolve(context: c.1)
            Issue.record("expected an error")
        } catch let e as KubeconfigError {
            #expect(e.description.contains(c.2), "\(e)")
            #expect(!e.description.contains("SECRETTOKEN"))
        }
    }

    @Test("secrets never show in descriptions")
    func redaction() {
        let credential = ClientCredential(token: "s3cr3t-token-value")
        #expect(!credential.description.contains("s3cr3t"))
        #expect(!"\(credential)".contains("s3cr3t"))
    }
}

@Suite("exec credential plugins", .timeLimit(.minutes(3)))
struct ExecCredentialPluginTests {
    /// A plugin script: prints an ExecCredential, counts its runs, shows its input.
    func plugin(_ body: String) throws -> (String, String) {
        let dir = Fixtures.temporaryDirectory()
        let script = dir.appendingPathComponent("plugin.sh").path
        let counter = dir.appendingPathComponent("runs").path
        try "#!/bin/sh\necho run >> \(counter)\n\(body)\n".write(toFile: script, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: script)
        return (script, counter)
    }

    func config(_ command: String, mode: String = "Never", apiVersion: String = "client.authentication.k8s.io/v1") -> Kubeconfig.ExecConfig {
        Kubeconfig.ExecConfig(apiVersion: apiVersion, command: command, args: ["--flag"], env: [("PLUGIN_ENV", "from-config")],
                              interactiveMode: mode, provideClusterInfo: false, installHint: "install it")
    }

    @Test("a token, cached until it expires; the plugin sees KUBERNETES_EXEC_INFO and its env")
    func tokenAndCache() throws {
        let (script, counter) = try plugin("""
        case "$KUBERNETES_EXEC_INFO" in *'"interactive":false'*) ;; *) exit 3;; esac
        [ "$PLUGIN_ENV" = from-config ] || exit 4
        [ "$1" = --flag ] || exit 5
        echo '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"tok-123","expirationTimestamp":"2030-01-01T00:00:00Z"}}'
        """)
        var clock = Date(timeIntervalSince1970: 1_800_000_000)  // 2027
        let p = ExecCredentialPlugin(config: config(script), userName: "eks", environment: [:], now: { clock })
        #expect(try p.credentialBlocking().token == "tok-123")
        #expect(try p.credentialBlocking().token == "tok-123")
        #expect(p.runs == 1)
        clock = Date(timeIntervalSince1970: 1_900_000_000)  // after the expiry
        _ = try p.credentialBlocking()
        #expect(p.runs == 2)
        #expect(try String(contentsOfFile: counter, encoding: .utf8).split(separator: "\n").count == 2)
    }

    @Test("client certificates from v1beta1")
    func certificate() throws {
        let (script, _) = try plugin("""
        echo '{"apiVersion":"client.authentication.k8s.io/v1beta1","kind":"ExecCredential","status":{"clientCertificateData":"-----BEGIN CERTIFICATE-----","clientKeyData":"-----BEGIN PRIVATE KEY-----"}}'
        """)
        let c = try ExecCredentialPlugin(config: config(script, mode: "IfAvailable", apiVersion: "client.authentication.k8s.io/v1beta1"),
                                         userName: "gke", environment: [:]).credentialBlocking()
        #expect(c.clientCertificatePEM != nil && c.clientKeyPEM != nil && c.token == nil)
    }

    @Test("plugin failures are errors that name the user and never echo stdout", arguments: [
        ("echo 'token-on-stdout'; echo 'login required' >&2; exit 1", "exited with status 1: login required"),
        ("echo not-json", "did not print an ExecCredential"),
        ("echo '{\"apiVersion\":\"client.authentication.k8s.io/v1beta1\",\"kind\":\"ExecCredential\",\"status\":{\"token\":\"t\"}}'", "expected client.authentication.k8s.io/v1"),
        ("echo '{\"apiVersion\":\"client.authentication.k8s.io/v1\",\"kind\":\"ExecCredential\",\"status\":{\"clientKeyData\":\"k\"}}'", "without its certificate"),
    ])
    func failures(_ c: (String, String)) throws {
        let (script, _) = try plugin(c.0)
        do {
            _ = try ExecCredentialPlugin(config: config(script), userName: "eks", environment: [:]).credentialBlocking()
            Issue.record("expected an error")
        } catch {
            #expect(error.description.contains("user \"eks\""))
            #expect(error.description.contains(c.1), "\(error)")
            #expect(!error.description.contains("token-on-stdout"))
        }
    }

    @Test("interactiveMode Always without a terminal, and a missing command")
    func interactiveAndMissing() {
        #expect(throws: KubeconfigError.self) { try ExecCredentialPlugin(config: config("/bin/true", mode: "Always"), userName: "u", environment: [:]).credentialBlocking() }
        do {
            _ = try ExecCredentialPlugin(config: config("/nonexistent/plugin"), userName: "u", environment: [:]).credentialBlocking()
            Issue.record("expected an error")
        } catch {
            #expect(error.description.contains("could not be started") && error.description.contains("install it"))
        }
    }
}

@Suite("in-cluster configuration")
struct InClusterConfigTests {
    @Test("environment and mounted files")
    func load() throws {
        let files = ["/sa/token": Data("t".utf8), "/sa/ca.crt": Data("c".utf8), "/sa/namespace": Data("monitoring\n".utf8)]
        let c = try InClusterConfig.load(environment: ["KUBERNETES_SERVICE_HOST": "10.96.0.1", "KUBERNETES_SERVICE_PORT": "443"], directory: "/sa",
                                         exists: { files[$0] != nil }, read: { files[$0] })
        #expect(c.server == "https://10.96.0.1:443")
        #expect(c.namespace == "monitoring")
        let v6 = try InClusterConfig.load(environment: ["KUBERNETES_SERVICE_HOST": "fd00::1", "KUBERNETES_SERVICE_PORT": "443"], directory: "/sa",
                                          exists: { files[$0] != nil }, read: { files[$0] })
        #expect(v6.server == "https://[fd00::1]:443")
        #expect(throws: KubeconfigError.self) { try InClusterConfig.load(environment: [:], exists: { _ in true }, read: { _ in nil }) }
        #expect(throws: KubeconfigError.self) {
            try InClusterConfig.load(environment: ["KUBERNETES_SERVICE_HOST": "h", "KUBERNETES_SERVICE_PORT": "1"], directory: "/none", exists: { _ in false }, read: { _ in nil })
        }
    }
}
