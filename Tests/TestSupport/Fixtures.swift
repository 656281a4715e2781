import Foundation

/// Test data lives in Tests/Fixtures, copied from the project's specification so the
/// repository stands alone.
public enum Fixtures {
    public static let directory: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fixtures")

    public static let repositoryRoot: URL = directory.deletingLastPathComponent().deletingLastPathComponent()

    public static func url(_ name: String) -> URL { directory.appendingPathComponent(name) }

    public static func data(_ name: String) -> Data {
        guard let d = FileManager.default.contents(atPath: url(name).path) else {
            fatalError("missing fixture \(name) at \(url(name).path)")
        }
        return d
    }

    public static let vectors: Vectors = {
        do { return try JSONDecoder().decode(Vectors.self, from: data("vectors.json")) } catch {
            fatalError("vectors.json does not decode: \(error)")
        }
    }()

    /// One directory per test process, removed when the process exits: a test run leaves
    /// nothing in the temporary directory (a run that crashes leaves this one folder).
    public static let temporaryRoot: URL = {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("kubelet-authz-tests-\(getpid())-\(UUID().uuidString.prefix(8))")
        try! FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        atexit { try? FileManager.default.removeItem(at: Fixtures.temporaryRoot) }
        return url
    }()

    /// A fresh temporary directory for one test, inside `temporaryRoot`.
    public static func temporaryDirectory() -> URL {
        let url = temporaryRoot.appendingPathComponent(UUID().uuidString)
        try! FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// The real-world manifests (`../shared/realworld/manifests`, YAML files in name order),
    /// read in place; nil, said on stdout, when they are not checked out beside the repository.
    public static func realWorldManifests() -> [(name: String, url: URL)]? {
        let dir = repositoryRoot.appendingPathComponent("../shared/realworld/manifests")
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: dir.path) else {
            print("skipped: no real-world manifests at \(dir.path)")
            return nil
        }
        return names.filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }.sorted().map { ($0, dir.appendingPathComponent($0)) }
    }

    /// Writes `text` to a file `name` in a fresh temporary directory; returns its path.
    public static func temporaryFile(_ name: String, _ text: String) throws -> String {
        let url = temporaryDirectory().appendingPathComponent(name)
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }
}
