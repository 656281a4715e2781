import Crypto
import Foundation
import SwiftASN1
import TestSupport
import X509

/// A test CA, a server certificate and a client certificate (O=system:masters, CN=admin),
/// minted in-process with swift-certificates for each test run: the suite needs no `openssl`
/// command, as on a machine with only the Swift toolchain.
public struct TestPKI: Sendable {
    public let dir: URL
    public var caCert: String { dir.appendingPathComponent("ca.crt").path }
    public var serverCert: String { dir.appendingPathComponent("server.crt").path }
    public var serverKey: String { dir.appendingPathComponent("server.key").path }
    public var clientCert: String { dir.appendingPathComponent("client.crt").path }
    public var clientKey: String { dir.appendingPathComponent("client.key").path }

    public struct BadName: Error, CustomStringConvertible {
        public let entry: String
        public var description: String { "subjectAltName entry \(entry): expected IP:a.b.c.d or DNS:name" }
    }

    /// `serverNames`: the server certificate's subjectAltName entries, openssl-style
    /// (`IP:127.0.0.1,DNS:localhost`).
    public static func make(serverNames: String = "IP:127.0.0.1,DNS:localhost") throws -> TestPKI {
        let dir = Fixtures.temporaryDirectory()
        let now = Date()
        let caKey = P256.Signing.PrivateKey()
        // A name of its own per CA: two CAs named alike and without key identifiers are told
        // apart by name only, so a client trusting both (a CA rotation) checks the new
        // certificate against the old CA and fails with BAD_SIGNATURE.
        let caName = try DistinguishedName { CommonName("test-ca-\(UUID().uuidString.prefix(8).lowercased())") }
        let ca = try Certificate(
            version: .v3, serialNumber: .init(), publicKey: .init(caKey.publicKey),
            notValidBefore: now - 3600, notValidAfter: now + 2 * 86400, issuer: caName, subject: caName,
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: nil))
                Critical(KeyUsage(keyCertSign: true, cRLSign: true))
            },
            issuerPrivateKey: .init(caKey))

        var names: [GeneralName] = []
        for entry in serverNames.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) {
            if entry.hasPrefix("DNS:") {
                names.append(.dnsName(String(entry.dropFirst(4))))
            } else if entry.hasPrefix("IP:") {
                let octets = entry.dropFirst(3).split(separator: ".").compactMap { UInt8($0) }
                guard octets.count == 4 else { throw BadName(entry: entry) }
                names.append(.ipAddress(ASN1OctetString(contentBytes: ArraySlice(octets))))
            } else {
                throw BadName(entry: entry)
            }
        }
        func leaf(_ subject: DistinguishedName, usage: ExtendedKeyUsage, sans: [GeneralName]) throws -> (Certificate, P256.Signing.PrivateKey) {
            let key = P256.Signing.PrivateKey()
            let cert = try Certificate(
                version: .v3, serialNumber: .init(), publicKey: .init(key.publicKey),
                notValidBefore: now - 3600, notValidAfter: now + 2 * 86400, issuer: caName, subject: subject,
                signatureAlgorithm: .ecdsaWithSHA256,
                extensions: try Certificate.Extensions {
                    Critical(BasicConstraints.notCertificateAuthority)
                    Critical(KeyUsage(digitalSignature: true))
                    usage
                    if !sans.isEmpty { SubjectAlternativeNames(sans) }
                },
                issuerPrivateKey: .init(caKey))
            return (cert, key)
        }
        let (server, serverKey) = try leaf(try DistinguishedName { CommonName("kube-apiserver") },
                                           usage: try ExtendedKeyUsage([.serverAuth]), sans: names)
        let (client, clientKey) = try leaf(try DistinguishedName { OrganizationName("system:masters"); CommonName("admin") },
                                           usage: try ExtendedKeyUsage([.clientAuth]), sans: [])

        func write(_ text: String, _ name: String) throws {
            try text.write(to: dir.appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
        try write(try ca.serializeAsPEM().pemString, "ca.crt")
        try write(try server.serializeAsPEM().pemString, "server.crt")
        try write(serverKey.pemRepresentation, "server.key")
        try write(try client.serializeAsPEM().pemString, "client.crt")
        try write(clientKey.pemRepresentation, "client.key")
        return TestPKI(dir: dir)
    }
}
