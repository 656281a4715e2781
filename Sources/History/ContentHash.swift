/// How a saved scan's content is addressed: SHA-256 (FIPS 180-4) of its bytes, as lowercase
/// hex, so a scan of unchanged input points at rows already there. A cryptographic hash, not
/// FNV: two different inventories must never share an address. The pure core links no crypto
/// library, so the edge hands it in (`ContentHash.sha256` in Store, swift-crypto's `SHA256`).
public struct ContentHash: Sendable {
    private let digest: @Sendable (UnsafeRawBufferPointer) -> String

    /// `digest`: the lowercase hex SHA-256 of the bytes it is given.
    public init(sha256 digest: @escaping @Sendable (UnsafeRawBufferPointer) -> String) {
        self.digest = digest
    }

    public func callAsFunction(_ bytes: UnsafeRawBufferPointer) -> String { digest(bytes) }

    public func callAsFunction(_ bytes: [UInt8]) -> String { bytes.withUnsafeBytes { digest($0) } }
}
