import Evidence
import Testing

/// What every evidence store must do, written once and run against each implementation: the
/// in-memory store, SQLite, and any later one (a PostgreSQL store passes a `make` that returns
/// a store on a fresh schema). Each check is a test case of its own:
///
///     @Test(arguments: EvidenceStoreConformance.Check.allCases)
///     func conformance(_ check: EvidenceStoreConformance.Check) throws {
///         try EvidenceStoreConformance(make: { MyStore() }).run(check)
///     }
public struct EvidenceStoreConformance: Sendable {
    public typealias Store = EvidenceWriter & EvidenceReader

    public enum Check: String, CaseIterable, Sendable, CustomTestStringConvertible {
        case recordsRoundTrip, since, richerCopyWins, tieBreakBySource, clustersAreSeparate, checkpoints, fileTotals,
             streamBatchesOnce, streamBatchResendReplaces, malformedOnce, reopened, inputsListed, checkpointPrecondition,
             interleavedWriters, checkpointsPerCluster, readsByCluster, streamBatchesPerCluster, freshnessPerCluster
        public var testDescription: String { rawValue }
    }

    /// A fresh, empty store.
    let make: @Sendable () throws -> any Store
    /// The same store opened again (a database reopened from its file); nil where nothing
    /// outlives the object, and the `reopened` check then checks nothing.
    let reopen: (@Sendable (any Store) throws -> any Store)?

    public init(make: @escaping @Sendable () throws -> any Store, reopen: (@Sendable (any Store) throws -> any Store)? = nil) {
        self.make = make
        self.reopen = reopen
    }

    public func run(_ check: Check) throws {
        switch check {
        case .recordsRoundTrip: try recordsRoundTrip()
        case .since: try since()
        case .richerCopyWins: try richerCopyWins()
        case .tieBreakBySource: try tieBreakBySource()
        case .clustersAreSeparate: try clustersAreSeparate()
        case .checkpoints: try checkpoints()
        case .fileTotals: try fileTotals()
        case .streamBatchesOnce: try streamBatchesOnce()
        case .malformedOnce: try malformedOnce()
        case .reopened: try reopened()
        case .inputsListed: try inputsListed()
        case .streamBatchResendReplaces: try streamBatchResendReplaces()
        case .checkpointPrecondition: try checkpointPrecondition()
        case .interleavedWriters: try interleavedWriters()
        case .checkpointsPerCluster: try checkpointsPerCluster()
        case .readsByCluster: try readsByCluster()
        case .streamBatchesPerCluster: try streamBatchesPerCluster()
        case .freshnessPerCluster: try freshnessPerCluster()
        }
    }

    // MARK: Material

    static func record(_ id: String, time: Double, node: String = "n1", path: AuditRecord.Path = .kubelet, user: String? = "alice",
                       decision: AuditRecord.Decision = .allow, stage: String = "ResponseComplete", cluster: String = "",
                       source: EvidenceSource = .file(path: "/var/log/audit.log", line: 1, offset: 0)) -> AuditRecord {
        AuditRecord(auditID: id, path: path, time: time, timestamp: AuditTimestamp.text(time), level: "RequestResponse", stage: stage,
                    user: user, groups: user == nil ? [] : ["system:authenticated", "team-é"], uid: user.map { "uid-" + $0 },
                    podName: path == .kubelet ? nil : "pod-1", credentialID: nil, node: node, verb: "get",
                    subresource: path == .kubelet ? "pods" : "proxy", kubeletPath: path == .kubelet ? nil : "/pods",
                    decision: decision, reason: decision == .allow ? "RBAC: allowed by ClusterRoleBinding \"x\"" : "",
                    code: path == .kubelet ? 201 : nil, cluster: cluster, source: source)
    }

    static func file(_ path: String, line: Int) -> EvidenceSource { .file(path: path, line: line, offset: 1000 * line) }

    static func fileBatch(_ path: String, records: [AuditRecord] = [], malformed: [MalformedLine] = [], counts: AuditScanCounts = AuditScanCounts(),
                          identity: String = "id-1", offset: Int = 100, line: Int = 10, complete: Bool = true, continues: Bool = false,
                          after: CheckpointPrecondition = .unchecked, cluster: String = "") -> EvidenceBatch {
        EvidenceBatch(cluster: cluster, input: .file(path: path, identity: identity,
                                                     checkpoint: FileCheckpoint(identity: identity, offset: offset, line: line, complete: complete),
                                                     continues: continues, after: after),
                      records: records, malformed: malformed, counts: counts)
    }

    static func counts(lines: Int, events: Int, reviews: Int = 0, proxy: Int = 0, bytes: Int) -> AuditScanCounts {
        var c = AuditScanCounts()
        c.lines = lines; c.events = events; c.kubeletReviews = reviews; c.nodeProxy = proxy; c.bytes = bytes
        return c
    }

    // MARK: Checks

    /// Every field of file and stream records comes back as written, in time order.
    func recordsRoundTrip() throws {
        let store = try make()
        let fromFile = [
            Self.record("b", time: 1_800_000_002.5, source: Self.file("/logs/a.log", line: 7)),
            Self.record("a", time: 1_800_000_001, node: "node-ü", path: .apiserverProxy, user: "system:serviceaccount:ns:sa",
                        decision: .deny, source: Self.file("/logs/a.log", line: 3)),
            Self.record("c", time: 1_800_000_003, user: nil, decision: .unknown, stage: "RequestReceived", source: Self.file("/logs/a.log", line: 9)),
        ]
        let fromStream = [Self.record("d", time: 1_800_000_000, cluster: "prod", source: .stream(name: "webhook", batch: "b-42"))]
        try store.commit(Self.fileBatch("/logs/a.log", records: fromFile))
        try store.commit(EvidenceBatch(cluster: "prod", input: .stream(name: "webhook", batch: "b-42"), records: fromStream))
        let got = try store.records(since: nil)
        #expect(got == (fromFile + fromStream).sorted(by: AuditRecord.precedes))
        #expect(got.map(\.auditID) == ["d", "a", "b", "c"])
        #expect(got.first?.source == .stream(name: "webhook", batch: "b-42"))
        #expect(got.last?.source == .file(path: "/logs/a.log", line: 9, offset: 9000))
    }

    func since() throws {
        let store = try make()
        let records = (0..<10).map { Self.record("r\($0)", time: 1_800_000_000 + Double($0), source: Self.file("/a.log", line: $0 + 1)) }
        try store.commit(Self.fileBatch("/a.log", records: records.reversed()))
        #expect(try store.records(since: 1_800_000_004).map(\.auditID) == ["r4", "r5", "r6", "r7", "r8", "r9"])
        #expect(try store.records(since: 1_900_000_000).isEmpty)
        #expect(try store.records(since: nil).count == 10)
    }

    /// A request logged at two stages is one record, its richer copy, whatever came first.
    func richerCopyWins() throws {
        let poor = Self.record("x", time: 1_800_000_000, user: nil, decision: .unknown, stage: "RequestReceived", source: Self.file("/a.log", line: 1))
        let rich = Self.record("x", time: 1_800_000_000, source: Self.file("/a.log", line: 2))
        for order in [[poor, rich], [rich, poor]] {
            let store = try make()
            for (k, r) in order.enumerated() { try store.commit(Self.fileBatch("/a.log", records: [r], line: k + 1, continues: k > 0)) }
            #expect(try store.records(since: nil) == [rich])
        }
    }

    /// Of equally rich copies, the one earlier by source name and line, whichever was written first.
    func tieBreakBySource() throws {
        let early = Self.record("x", time: 1_800_000_000, source: Self.file("/a.log", line: 5))
        let late = Self.record("x", time: 1_800_000_000, source: Self.file("/b.log", line: 1))
        let later = Self.record("x", time: 1_800_000_000, source: Self.file("/a.log", line: 9))
        for order in [[early, late, later], [later, late, early], [late, early, later]] {
            let store = try make()
            for r in order { try store.commit(Self.fileBatch(r.source.name, records: [r])) }
            #expect(try store.records(since: nil) == [early])
        }
    }

    /// The same auditID, time, node and path in two clusters are two requests.
    func clustersAreSeparate() throws {
        let store = try make()
        let a = Self.record("x", time: 1_800_000_000, cluster: "a")
        let b = Self.record("x", time: 1_800_000_000, cluster: "b")
        try store.commit(Self.fileBatch("/var/log/audit.log", records: [a], cluster: "a"))
        try store.commit(Self.fileBatch("/var/log/audit.log", records: [b], cluster: "b"))
        #expect(Set(try store.records(since: nil).map(\.cluster)) == ["a", "b"])
    }

    func checkpoints() throws {
        let store = try make()
        #expect(try store.checkpoint(path: "/a.log") == nil)
        try store.commit(Self.fileBatch("/a.log", offset: 4096, line: 12, complete: false))
        #expect(try store.checkpoint(path: "/a.log") == FileCheckpoint(identity: "id-1", offset: 4096, line: 12, complete: false))
        try store.commit(Self.fileBatch("/a.log", offset: 8192, line: 30, complete: true, continues: true))
        #expect(try store.checkpoint(path: "/a.log") == FileCheckpoint(identity: "id-1", offset: 8192, line: 30, complete: true))
        // A rotated file under the same name starts again.
        try store.commit(Self.fileBatch("/a.log", identity: "id-2", offset: 10, line: 1, complete: false))
        #expect(try store.checkpoint(path: "/a.log") == FileCheckpoint(identity: "id-2", offset: 10, line: 1, complete: false))
        #expect(try store.checkpoint(path: "/b.log") == nil)
    }

    /// A file's counts add up over its batches and restart when it is read from the start, so
    /// reading a file again never counts it twice; files add up.
    func fileTotals() throws {
        let store = try make()
        try store.commit(Self.fileBatch("/a.log", counts: Self.counts(lines: 10, events: 9, reviews: 3, bytes: 1000), complete: false))
        try store.commit(Self.fileBatch("/a.log", counts: Self.counts(lines: 5, events: 5, proxy: 2, bytes: 500), continues: true))
        #expect(try store.totals() == Self.counts(lines: 15, events: 14, reviews: 3, proxy: 2, bytes: 1500))
        // Read again from the start: replaced, not added.
        try store.commit(Self.fileBatch("/a.log", counts: Self.counts(lines: 15, events: 14, reviews: 3, proxy: 2, bytes: 1500)))
        #expect(try store.totals() == Self.counts(lines: 15, events: 14, reviews: 3, proxy: 2, bytes: 1500))
        // Another identity under the name does not continue the old one's counts.
        try store.commit(Self.fileBatch("/a.log", counts: Self.counts(lines: 1, events: 1, bytes: 10), identity: "id-2", continues: true))
        try store.commit(Self.fileBatch("/b.log", counts: Self.counts(lines: 2, events: 2, reviews: 1, bytes: 20)))
        #expect(try store.totals() == Self.counts(lines: 3, events: 3, reviews: 1, bytes: 30))
    }

    /// A batch sent twice (a webhook retry) is counted once and its records stored once.
    func streamBatchesOnce() throws {
        let store = try make()
        func batch(_ id: String, _ n: Int) -> EvidenceBatch {
            EvidenceBatch(cluster: "prod", input: .stream(name: "webhook", batch: id),
                          records: (0..<n).map { Self.record("\(id)-\($0)", time: 1_800_000_000 + Double($0), cluster: "prod", source: .stream(name: "webhook", batch: id)) },
                          counts: Self.counts(lines: 1, events: n, reviews: n, bytes: 100 * n))
        }
        try store.commit(batch("1", 3))
        try store.commit(batch("1", 3))
        try store.commit(batch("2", 2))
        #expect(try store.totals() == Self.counts(lines: 2, events: 5, reviews: 5, bytes: 500))
        #expect(try store.records(since: nil).count == 5)
    }

    /// A batch sent again with fewer records and no malformed lines replaces the first send:
    /// what only the first send held is gone; other batches, and the same batch id on another
    /// stream, keep theirs.
    func streamBatchResendReplaces() throws {
        let store = try make()
        func batch(_ stream: String, _ id: String, _ ids: [String], malformed: [Int] = []) -> EvidenceBatch {
            let source = EvidenceSource.stream(name: stream, batch: id)
            return EvidenceBatch(cluster: "prod", input: .stream(name: stream, batch: id),
                                 records: ids.enumerated().map { Self.record($1, time: 1_800_000_000 + Double($0), cluster: "prod", source: source) },
                                 malformed: malformed.map { MalformedLine(file: EvidenceSource.malformedName(stream: stream, batch: id), line: $0, reason: "truncated") },
                                 counts: Self.counts(lines: ids.count + malformed.count, events: ids.count, reviews: ids.count, bytes: 100 * ids.count))
        }
        try store.commit(batch("webhook", "7", ["a", "b", "c"], malformed: [4]))
        try store.commit(batch("webhook", "8", ["d"]))
        try store.commit(batch("other", "7", ["e"], malformed: [2]))
        try store.commit(batch("webhook", "7", ["a"]))
        #expect(try store.records(since: nil).map(\.auditID).sorted() == ["a", "d", "e"])
        #expect(try store.malformedLines(limit: 10).map(\.file) == ["other batch 7"])
        #expect(try store.totals() == {
            var c = Self.counts(lines: 1 + 1 + 2, events: 3, reviews: 3, bytes: 300)
            c.malformed = 1
            return c
        }())
        // And back: a third send with more records than the second holds them all.
        try store.commit(batch("webhook", "7", ["a", "b", "f"], malformed: [9]))
        #expect(try store.records(since: nil).map(\.auditID).sorted() == ["a", "b", "d", "e", "f"])
        #expect(try store.malformedLines(limit: 10).count == 2)
    }

    /// A file batch applies only over the checkpoint it was read after; otherwise the commit
    /// throws `EvidenceWriteConflict` and writes none of it.
    func checkpointPrecondition() throws {
        let store = try make()
        let first = Self.fileBatch("/a.log", records: [Self.record("a", time: 1_800_000_000)], counts: Self.counts(lines: 10, events: 10, reviews: 1, bytes: 1000),
                                   offset: 1000, line: 10, complete: false, after: .unread)
        try store.commit(first)
        let stored = FileCheckpoint(identity: "id-1", offset: 1000, line: 10, complete: false)
        let before = (try store.records(since: nil), try store.totals(), try store.checkpoint(path: "/a.log"))
        let stale: [CheckpointPrecondition] = [.unread, .at(FileCheckpoint(identity: "id-1", offset: 500, line: 5, complete: false)),
                                               .at(FileCheckpoint(identity: "id-2", offset: 1000, line: 10, complete: false))]
        for after in stale {
            let late = Self.fileBatch("/a.log", records: [Self.record("late", time: 1_800_000_001)],
                                      malformed: [MalformedLine(file: "/a.log", line: 12, reason: "truncated")],
                                      counts: Self.counts(lines: 10, events: 9, bytes: 1000), offset: 2000, line: 20, continues: true, after: after)
            #expect(throws: EvidenceWriteConflict.self, "\(after)") { try store.commit(late) }
            #expect(try store.records(since: nil) == before.0)
            #expect(try store.totals() == before.1)
            #expect(try store.checkpoint(path: "/a.log") == before.2)
            #expect(try store.malformedLines(limit: 10).isEmpty)
        }
        try store.commit(Self.fileBatch("/a.log", counts: Self.counts(lines: 5, events: 5, bytes: 500), offset: 1500, line: 15,
                                        continues: true, after: .at(stored)))
        #expect(try store.totals() == Self.counts(lines: 15, events: 15, reviews: 1, bytes: 1500))
        // Another file is not held to this one's checkpoint.
        try store.commit(Self.fileBatch("/b.log", offset: 10, line: 1, after: .unread))
    }

    /// Two writers read the same file (three batches) into one store and take turns to commit;
    /// whoever finds the checkpoint moved drops its batch and goes on from the stored
    /// checkpoint. The file's counts are one read's, not the part after the first batch twice.
    func interleavedWriters() throws {
        let store = try make()
        struct Part { let offset: Int, line: Int, counts: AuditScanCounts, record: AuditRecord }
        let parts = (1...3).map { k in
            Part(offset: 1000 * k, line: 10 * k, counts: Self.counts(lines: 10, events: 10, reviews: 1, proxy: k == 2 ? 1 : 0, bytes: 1000),
                 record: Self.record("r\(k)", time: 1_800_000_000 + Double(k), source: Self.file("/a.log", line: 10 * k)))
        }
        final class Writer {
            var next = 0, after = CheckpointPrecondition.unread, conflicts = 0
        }
        let writers = [Writer(), Writer()]
        // A1, B1 (conflict), B takes up after A1, A2 (conflict) … until both reach the end.
        var turn = 0
        while writers.contains(where: { $0.next < parts.count }) {
            let w = writers[turn % 2]
            turn += 1
            guard w.next < parts.count else { continue }
            let p = parts[w.next]
            let batch = Self.fileBatch("/a.log", records: [p.record], counts: p.counts, offset: p.offset, line: p.line,
                                       complete: w.next == parts.count - 1, continues: w.next > 0, after: w.after)
            do {
                try store.commit(batch)
                w.after = .at(FileCheckpoint(identity: "id-1", offset: p.offset, line: p.line, complete: w.next == parts.count - 1))
                w.next += 1
            } catch is EvidenceWriteConflict {
                w.conflicts += 1
                let stored = try store.checkpoint(path: "/a.log")
                w.after = stored.map { .at($0) } ?? .unread
                w.next = parts.firstIndex { $0.offset == stored?.offset }.map { $0 + 1 } ?? 0
            }
        }
        #expect(writers.map(\.conflicts).reduce(0, +) > 0, "the writers did get in each other's way")
        var one = AuditScanCounts()
        for p in parts { one.add(p.counts) }
        #expect(try store.totals() == one)
        #expect(try store.checkpoint(path: "/a.log") == FileCheckpoint(identity: "id-1", offset: 3000, line: 30, complete: true))
        #expect(try store.records(since: nil) == parts.map(\.record))
    }

    /// Files once each however often read, streams as `name#batch`, sorted.
    func inputsListed() throws {
        let store = try make()
        #expect(try store.inputs().isEmpty)
        try store.commit(Self.fileBatch("/b.log", complete: false))
        try store.commit(Self.fileBatch("/b.log", continues: true))
        try store.commit(Self.fileBatch("/a.log"))
        try store.commit(EvidenceBatch(cluster: "prod", input: .stream(name: "webhook", batch: "7"), records: [], counts: Self.counts(lines: 1, events: 1, bytes: 10)))
        #expect(try store.inputs() == ["/a.log", "/b.log", "webhook#7"])
    }

    func malformedOnce() throws {
        let store = try make()
        let lines = [MalformedLine(file: "/b.log", line: 2, reason: "truncated"), MalformedLine(file: "/a.log", line: 9, reason: "not a JSON object"),
                     MalformedLine(file: "/a.log", line: 3, reason: "invalid JSON")]
        try store.commit(Self.fileBatch("/a.log", malformed: lines))
        try store.commit(Self.fileBatch("/a.log", malformed: [lines[2]]))
        #expect(try store.malformedLines(limit: 10) == [lines[2], lines[1], lines[0]])
        #expect(try store.malformedLines(limit: 2) == [lines[2], lines[1]])
        #expect(try store.totals().malformed == 3)
    }

    /// What was written is there when the store is opened again.
    func reopened() throws {
        guard let reopen else { return }
        let store = try make()
        let r = Self.record("x", time: 1_800_000_000, cluster: "c", source: .stream(name: "webhook", batch: "7"))
        try store.commit(EvidenceBatch(cluster: "c", input: .stream(name: "webhook", batch: "7"), records: [r], counts: Self.counts(lines: 1, events: 1, bytes: 9)))
        try store.commit(Self.fileBatch("/a.log", malformed: [MalformedLine(file: "/a.log", line: 1, reason: "r")], offset: 77, line: 3))
        let again = try reopen(store)
        #expect(try again.records(since: nil) == [r])
        #expect(try again.totals() == (try store.totals()))
        #expect(try again.checkpoint(path: "/a.log") == FileCheckpoint(identity: "id-1", offset: 77, line: 3, complete: true))
        #expect(try again.malformedLines(limit: 5).count == 1)
    }

    // MARK: One store, several clusters

    /// The same path read for two clusters has two checkpoints and two counts: each resumes
    /// on its own, and one cluster's checkpoint is no precondition for the other's batches.
    func checkpointsPerCluster() throws {
        let store = try make()
        let path = "/var/log/kubernetes/audit.log"
        try store.commit(Self.fileBatch(path, records: [Self.record("a", time: 1_800_000_000, cluster: "prod-eu", source: Self.file(path, line: 1))],
                                        counts: Self.counts(lines: 10, events: 10, reviews: 1, bytes: 1000), offset: 1000, line: 10,
                                        complete: false, after: .unread, cluster: "prod-eu"))
        #expect(try store.checkpoint(path: path, cluster: "prod-eu") == FileCheckpoint(identity: "id-1", offset: 1000, line: 10, complete: false))
        #expect(try store.checkpoint(path: path, cluster: "prod-us") == nil)
        #expect(try store.checkpoint(path: path) == nil, "no checkpoint under no cluster name either")
        // prod-us reads the file from the start: its precondition is "unread", which holds for it.
        try store.commit(Self.fileBatch(path, records: [Self.record("a", time: 1_800_000_000, cluster: "prod-us", source: Self.file(path, line: 1))],
                                        counts: Self.counts(lines: 20, events: 20, reviews: 1, bytes: 2000), offset: 2000, line: 20,
                                        after: .unread, cluster: "prod-us"))
        // prod-eu goes on from its own checkpoint, not prod-us's.
        try store.commit(Self.fileBatch(path, counts: Self.counts(lines: 10, events: 10, bytes: 1000), offset: 2000, line: 20, continues: true,
                                        after: .at(FileCheckpoint(identity: "id-1", offset: 1000, line: 10, complete: false)), cluster: "prod-eu"))
        #expect(throws: EvidenceWriteConflict.self) {
            try store.commit(Self.fileBatch(path, offset: 3000, line: 30, continues: true,
                                            after: .at(FileCheckpoint(identity: "id-1", offset: 1000, line: 10, complete: false)), cluster: "prod-us"))
        }
        #expect(try store.checkpoint(path: path, cluster: "prod-eu") == FileCheckpoint(identity: "id-1", offset: 2000, line: 20, complete: true))
        #expect(try store.checkpoint(path: path, cluster: "prod-us") == FileCheckpoint(identity: "id-1", offset: 2000, line: 20, complete: true))
        #expect(try store.totals(cluster: "prod-eu") == Self.counts(lines: 20, events: 20, reviews: 1, bytes: 2000))
        #expect(try store.totals(cluster: "prod-us") == Self.counts(lines: 20, events: 20, reviews: 1, bytes: 2000))
        #expect(try store.totals() == Self.counts(lines: 40, events: 40, reviews: 2, bytes: 4000))
    }

    /// Records, counts, malformed lines and inputs of one cluster; nil reads them all.
    func readsByCluster() throws {
        let store = try make()
        let eu = [Self.record("a", time: 1_800_000_001, cluster: "prod-eu", source: Self.file("/eu.log", line: 1)),
                  Self.record("b", time: 1_800_000_003, cluster: "prod-eu", source: Self.file("/eu.log", line: 2))]
        let us = [Self.record("c", time: 1_800_000_002, cluster: "prod-us", source: Self.file("/us.log", line: 1))]
        try store.commit(Self.fileBatch("/eu.log", records: eu, malformed: [MalformedLine(file: "/eu.log", line: 3, reason: "truncated")],
                                        counts: Self.counts(lines: 3, events: 2, reviews: 2, bytes: 300), cluster: "prod-eu"))
        try store.commit(Self.fileBatch("/us.log", records: us, counts: Self.counts(lines: 1, events: 1, reviews: 1, bytes: 100), cluster: "prod-us"))
        try store.commit(EvidenceBatch(cluster: "prod-us", input: .stream(name: "webhook", batch: "1"),
                                       records: [Self.record("d", time: 1_800_000_004, cluster: "prod-us", source: .stream(name: "webhook", batch: "1"))],
                                       counts: Self.counts(lines: 1, events: 1, reviews: 1, bytes: 50)))
        #expect(try store.records(since: nil, cluster: "prod-eu").map(\.auditID) == ["a", "b"])
        #expect(try store.records(since: nil, cluster: "prod-us").map(\.auditID) == ["c", "d"])
        #expect(try store.records(since: 1_800_000_002.5, cluster: "prod-us").map(\.auditID) == ["d"])
        #expect(try store.records(since: nil, cluster: "staging").isEmpty)
        #expect(try store.records(since: nil).map(\.auditID) == ["a", "c", "b", "d"])
        var euCounts = Self.counts(lines: 3, events: 2, reviews: 2, bytes: 300)
        euCounts.malformed = 1
        #expect(try store.totals(cluster: "prod-eu") == euCounts)
        #expect(try store.totals(cluster: "prod-us") == Self.counts(lines: 2, events: 2, reviews: 2, bytes: 150))
        #expect(try store.malformedLines(limit: 10, cluster: "prod-us").isEmpty)
        #expect(try store.malformedLines(limit: 10, cluster: "prod-eu").map(\.line) == [3])
        #expect(try store.inputs(cluster: "prod-eu") == ["/eu.log"])
        #expect(try store.inputs(cluster: "prod-us") == ["/us.log", "webhook#1"])
        #expect(try store.inputs() == ["/eu.log", "/us.log", "webhook#1"])
    }

    /// Two clusters' webhooks may number their batches alike: a resend replaces only its own
    /// cluster's batch.
    func streamBatchesPerCluster() throws {
        let store = try make()
        func batch(_ cluster: String, _ ids: [String], malformed: [Int] = []) -> EvidenceBatch {
            let source = EvidenceSource.stream(name: "webhook", batch: "7")
            return EvidenceBatch(cluster: cluster, input: .stream(name: "webhook", batch: "7"),
                                 records: ids.enumerated().map { Self.record($1, time: 1_800_000_000 + Double($0), cluster: cluster, source: source) },
                                 malformed: malformed.map { MalformedLine(file: EvidenceSource.malformedName(stream: "webhook", batch: "7"), line: $0, reason: "truncated") },
                                 counts: Self.counts(lines: ids.count, events: ids.count, reviews: ids.count, bytes: 10 * ids.count))
        }
        try store.commit(batch("prod-eu", ["a", "b"], malformed: [3]))
        try store.commit(batch("prod-us", ["c"], malformed: [5]))
        try store.commit(batch("prod-us", ["c", "d"]))
        #expect(try store.records(since: nil, cluster: "prod-eu").map(\.auditID) == ["a", "b"])
        #expect(try store.records(since: nil, cluster: "prod-us").map(\.auditID) == ["c", "d"])
        #expect(try store.malformedLines(limit: 10).map(\.line) == [3])
        #expect(try store.totals().events == 4)
    }

    /// Per cluster: the latest event and the records at or after a time.
    func freshnessPerCluster() throws {
        let store = try make()
        #expect(try store.freshness(recentSince: 0).isEmpty)
        try store.commit(Self.fileBatch("/eu.log", records: [
            Self.record("a", time: 1_800_000_000, cluster: "prod-eu", source: Self.file("/eu.log", line: 1)),
            Self.record("b", time: 1_800_090_000, cluster: "prod-eu", source: Self.file("/eu.log", line: 2)),
            Self.record("c", time: 1_800_086_400, cluster: "prod-eu", source: Self.file("/eu.log", line: 3)),
        ], cluster: "prod-eu"))
        try store.commit(Self.fileBatch("/old.log", records: [Self.record("d", time: 1_700_000_000, source: Self.file("/old.log", line: 1))]))
        #expect(try store.freshness(recentSince: 1_800_086_400) == [
            EvidenceFreshness(cluster: "", latest: 1_700_000_000, recent: 0),
            EvidenceFreshness(cluster: "prod-eu", latest: 1_800_090_000, recent: 2),
        ])
    }
}
