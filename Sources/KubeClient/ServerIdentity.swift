import Foundation
import NIOSSL
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The name check kubectl makes on the API server's certificate (Go's
/// `x509.Certificate.VerifyHostname`): a host name matches a DNS subjectAltName (a `*` only as
/// the whole first label), an IP literal matches an IP subjectAltName, and the common name
/// never counts.
///
/// NIOSSL's own check also accepts an IP subjectAltName equal to the address the connection
/// reached, whatever name was asked for; with tls-server-name (or behind a proxy) that accepts
/// certificates kubectl refuses. This check runs after NIOSSL's, on the name alone.
enum ServerIdentity {
    struct Mismatch: Error, Sendable {
        let name: String
        /// What the certificate is valid for, as kubectl lists it.
        let validFor: [String]
    }

    enum AltName: Equatable {
        case dns(String)
        case ip([UInt8])
    }

    /// The subjectAltNames of a certificate that name a server.
    static func altNames(_ certificate: NIOSSLCertificate) -> [AltName] {
        // NIOSSL offers no other accessor for subjectAltNames than this underscored one.
        certificate._subjectAlternativeNames().compactMap { name in
            switch name.nameType {
            case .dnsName: return .dns(String(decoding: Array(name.contents), as: UTF8.self))
            case .ipAddress: return .ip(Array(name.contents))
            default: return nil
            }
        }
    }

    static func check(_ certificate: NIOSSLCertificate, name: String) throws(Mismatch) {
        let names = altNames(certificate)
        guard matches(names, name: name) else { throw Mismatch(name: name, validFor: names.map(describe)) }
    }

    static func matches(_ names: [AltName], name: String) -> Bool {
        if let ip = ipBytes(name) { return names.contains(.ip(ip)) }
        let host = labels(name)
        guard !host.isEmpty, !host.contains("") else { return false }
        return names.contains { alt in
            guard case .dns(let pattern) = alt else { return false }
            let want = labels(pattern)
            guard want.count == host.count else { return false }
            return zip(want, host).enumerated().allSatisfy { i, pair in (i == 0 && pair.0 == "*") || pair.0 == pair.1 }
        }
    }

    /// Lowercased labels, a final dot ignored, as Go compares them.
    static func labels(_ name: String) -> [Substring] {
        let lower = String(decoding: name.utf8.map { $0 >= 65 && $0 <= 90 ? $0 + 32 : $0 }, as: UTF8.self)
        let trimmed = lower.hasSuffix(".") ? lower.dropLast() : Substring(lower)
        return trimmed.isEmpty ? [] : trimmed.split(separator: ".", omittingEmptySubsequences: false)
    }

    /// The bytes of an IPv4 or IPv6 literal (brackets allowed), else nil.
    static func ipBytes(_ text: String) -> [UInt8]? {
        let bare = text.hasPrefix("[") && text.hasSuffix("]") ? String(text.dropFirst().dropLast()) : text
        var v4 = in_addr()
        if inet_pton(AF_INET, bare, &v4) == 1 { return withUnsafeBytes(of: &v4) { Array($0) } }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, bare, &v6) == 1 { return withUnsafeBytes(of: &v6) { Array($0) } }
        return nil
    }

    static func describe(_ name: AltName) -> String {
        switch name {
        case .dns(let s): return s
        case .ip(let bytes):
            var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
            let family = bytes.count == 4 ? AF_INET : AF_INET6
            guard bytes.count == 4 || bytes.count == 16, bytes.withUnsafeBytes({ inet_ntop(family, $0.baseAddress, &text, socklen_t(text.count)) }) != nil else {
                return bytes.map { String($0) }.joined(separator: ".")
            }
            return String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        }
    }

    /// Why a tls-server-name cannot be used, or nil. Only ASCII host names and IPv4 literals are
    /// taken: a non-ASCII name would be rewritten to its IDNA form on the way into a URL, and
    /// the client would then look that name up instead of dialling the server's address.
    static func serverNameProblem(_ name: String) -> String? {
        if name.isEmpty { return "is empty" }
        let allowed = name.utf8.allSatisfy { b in
            (b >= 97 && b <= 122) || (b >= 65 && b <= 90) || (b >= 48 && b <= 57) || b == 45 || b == 46 || b == 95
        }
        if !allowed {
            return name.utf8.contains { $0 >= 0x80 }
                ? "is not an ASCII host name (give an internationalized name in its xn-- form)"
                : "is not a host name"
        }
        return nil
    }
}
