/// What the binary knows about its own build. SwiftPM cannot pass a string into the compiler
/// without a build plugin, so the commit is stamped into this file by
/// `scripts/with-build-info.sh` (which `make` and the Dockerfile use) for one build and then put
/// back. A plain `swift build` leaves it nil, and `version` says so rather than guessing.
enum BuildInfo {
    static let version = "0.1.0"
    static let gitCommit: String? = nil
    /// "clean" or "dirty": whether the tree had uncommitted changes when the commit was read.
    static let gitTreeState: String? = nil
}
