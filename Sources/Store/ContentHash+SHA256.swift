import Crypto
import History

extension ContentHash {
    /// SHA-256 by swift-crypto (BoringSSL's, with the CPU's SHA extensions where it has them):
    /// the address every store gives a saved scan's content.
    public static let sha256 = ContentHash(sha256: { bytes in
        var hasher = SHA256()
        hasher.update(bufferPointer: bytes)
        let hex = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(SHA256.byteCount * 2)
        for b in hasher.finalize() {
            out.append(hex[Int(b >> 4)])
            out.append(hex[Int(b & 0xF)])
        }
        return String(decoding: out, as: UTF8.self)
    })
}
