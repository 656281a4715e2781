/// The certificates, as an openssl script to run on a control-plane node: a CA, the server's
/// certificate for the host the API server calls (an IP subjectAltName for an address: Go's
/// TLS checks IP addresses only against IP SANs), and the API server's client certificate
/// the server verifies (`--client-ca-file`). P-256 keys in PKCS#8 PEM, which both Go and
/// BoringSSL (NIOSSL) read. Plain `openssl x509 -req` with extension files, so it runs with
/// OpenSSL 1.1 and 3 whatever their openssl.cnf says.
public enum ServeCertificateRecipe {
    public static let fileName = "certificates.sh"
    static let caCertificate = "ca.crt"
    static let clientCertificate = "apiserver-client.crt"
    static let clientKey = "apiserver-client.key"
    static let serverCertificate = "server.crt"
    static let serverKey = "server.key"

    static func artefact(_ p: ServeDeploymentPlan) -> ServeArtefact {
        let san = p.hostIsIP ? "IP:\(p.urlHost)" : "DNS:\(p.urlHost)"
        let owner = ServeDeploymentPlan.runAsUser
        return ServeArtefact(fileName: fileName, format: .shell, header: [
            "The certificates: run as root on one control-plane node, then copy \(p.dir) to the others (the same files",
            "serve every node: the API server always calls \(p.urlHost)). WORK keeps the CA's key; keep it offline, it is",
            "needed only to renew (the server reloads its certificate files when they change).",
            "  \(p.pkiDir)    ca.crt and the API server's client certificate (kubeconfigs), mounted into kube-apiserver",
            "  \(p.serveDir)  ca.crt, the server certificate (subjectAltName \(san)) and key, owned by uid \(owner), mounted",
            "                 into the server's pod",
        ], body: """
            #!/bin/sh
            set -eu
            DIR="${DIR:-\(p.dir)}"
            WORK="${WORK:-./kubelet-authz-ca}"
            STORE="${STORE:-\(ServeDeploymentPlan.storeDirectory)}"
            DAYS="${DAYS:-365}"
            umask 077
            mkdir -p "$WORK" "$DIR/pki" "$DIR/serve"
            cd "$WORK"

            # The CA (10 years): signs the server's and the API server's certificates.
            printf 'basicConstraints=critical,CA:TRUE\\nkeyUsage=critical,keyCertSign,cRLSign\\nsubjectKeyIdentifier=hash\\n' > ca.ext
            openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out ca.key
            openssl req -new -key ca.key -subj "/CN=kubelet-authz-ca" -out ca.csr
            openssl x509 -req -in ca.csr -signkey ca.key -days 3650 -sha256 -extfile ca.ext -out \(caCertificate)

            # The server: what the API server calls, \(p.baseURL).
            printf 'basicConstraints=critical,CA:FALSE\\nkeyUsage=critical,digitalSignature\\nextendedKeyUsage=serverAuth\\nsubjectAltName=\(san)\\n' > server.ext
            openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out \(serverKey)
            openssl req -new -key \(serverKey) -subj "/CN=kubelet-authz" -out server.csr
            openssl x509 -req -in server.csr -CA \(caCertificate) -CAkey ca.key -CAcreateserial -days "$DAYS" -sha256 -extfile server.ext -out \(serverCertificate)

            # The API server's client certificate, for both webhooks.
            printf 'basicConstraints=critical,CA:FALSE\\nkeyUsage=critical,digitalSignature\\nextendedKeyUsage=clientAuth\\n' > client.ext
            openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out \(clientKey)
            openssl req -new -key \(clientKey) -subj "/CN=kube-apiserver-kubelet-authz" -out client.csr
            openssl x509 -req -in client.csr -CA \(caCertificate) -CAkey ca.key -CAcreateserial -days "$DAYS" -sha256 -extfile client.ext -out \(clientCertificate)

            openssl verify -CAfile \(caCertificate) -purpose sslserver \(serverCertificate)
            openssl verify -CAfile \(caCertificate) -purpose sslclient \(clientCertificate)

            cp \(caCertificate) \(clientCertificate) \(clientKey) "$DIR/pki/"
            cp \(caCertificate) \(serverCertificate) \(serverKey) "$DIR/serve/"
            chmod 0644 "$DIR/pki/\(caCertificate)" "$DIR/pki/\(clientCertificate)" "$DIR/serve/\(caCertificate)" "$DIR/serve/\(serverCertificate)"
            chmod 0755 "$DIR" "$DIR/pki" "$DIR/serve"
            # The server runs as uid \(owner) (the image's user) and reads its key; the store lives beside.
            if [ "$(id -u)" = 0 ]; then
                chown -R \(owner):\(owner) "$DIR/serve"
                install -d -o \(owner) -g \(owner) -m 0700 "$STORE"
            fi

            """)
    }
}
