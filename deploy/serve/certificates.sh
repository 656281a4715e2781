#!/bin/sh
# The certificates: run as root on one control-plane node, then copy /etc/kubernetes/kubelet-authz to the others (the same files
# serve every node: the API server always calls 127.0.0.1). WORK keeps the CA's key; keep it offline, it is
# needed only to renew (the server reloads its certificate files when they change).
#   /etc/kubernetes/kubelet-authz/pki    ca.crt and the API server's client certificate (kubeconfigs), mounted into kube-apiserver
#   /etc/kubernetes/kubelet-authz/serve  ca.crt, the server certificate (subjectAltName IP:127.0.0.1) and key, owned by uid 10001, mounted
#                  into the server's pod
set -eu
DIR="${DIR:-/etc/kubernetes/kubelet-authz}"
WORK="${WORK:-./kubelet-authz-ca}"
STORE="${STORE:-/var/lib/kubelet-authz}"
DAYS="${DAYS:-365}"
umask 077
mkdir -p "$WORK" "$DIR/pki" "$DIR/serve"
cd "$WORK"

# The CA (10 years): signs the server's and the API server's certificates.
printf 'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash\n' > ca.ext
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out ca.key
openssl req -new -key ca.key -subj "/CN=kubelet-authz-ca" -out ca.csr
openssl x509 -req -in ca.csr -signkey ca.key -days 3650 -sha256 -extfile ca.ext -out ca.crt

# The server: what the API server calls, https://127.0.0.1:8443.
printf 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\nsubjectAltName=IP:127.0.0.1\n' > server.ext
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out server.key
openssl req -new -key server.key -subj "/CN=kubelet-authz" -out server.csr
openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days "$DAYS" -sha256 -extfile server.ext -out server.crt

# The API server's client certificate, for both webhooks.
printf 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth\n' > client.ext
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out apiserver-client.key
openssl req -new -key apiserver-client.key -subj "/CN=kube-apiserver-kubelet-authz" -out client.csr
openssl x509 -req -in client.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days "$DAYS" -sha256 -extfile client.ext -out apiserver-client.crt

openssl verify -CAfile ca.crt -purpose sslserver server.crt
openssl verify -CAfile ca.crt -purpose sslclient apiserver-client.crt

cp ca.crt apiserver-client.crt apiserver-client.key "$DIR/pki/"
cp ca.crt server.crt server.key "$DIR/serve/"
chmod 0644 "$DIR/pki/ca.crt" "$DIR/pki/apiserver-client.crt" "$DIR/serve/ca.crt" "$DIR/serve/server.crt"
chmod 0755 "$DIR" "$DIR/pki" "$DIR/serve"
# The server runs as uid 10001 (the image's user) and reads its key; the store lives beside.
if [ "$(id -u)" = 0 ]; then
    chown -R 10001:10001 "$DIR/serve"
    install -d -o 10001 -g 10001 -m 0700 "$STORE"
fi
