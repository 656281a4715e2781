import KubeJSON

/// The catalogue as `collectors -o json|yaml` prints it: the data's own field names and order,
/// so what a user reads is what the file and its schema say.
public enum CollectorJSON {
    public static func document(_ catalogue: CollectorCatalogue) -> JSONValue {
        .object([
            ("schemaVersion", .integer(catalogue.schemaVersion)),
            ("collectors", .array(catalogue.collectors.map(collector))),
        ])
    }

    public static func collector(_ c: Collector) -> JSONValue {
        .object([
            ("id", .string(c.id)),
            ("name", .string(c.name)),
            ("vendor", .string(c.vendor)),
            ("recognise", .object([
                ("images", .strings(c.recognise.images)),
                ("charts", .strings(c.recognise.charts)),
                ("serviceAccounts", .strings(c.recognise.serviceAccounts)),
                ("namespaces", .strings(c.recognise.namespaces)),
            ])),
            ("kubeletPaths", .array(c.kubeletPaths.map { p in
                .object([
                    ("path", .string(p.path)),
                    ("method", p.method.map(JSONValue.string)),
                    ("when", p.when.map(JSONValue.string) ?? .null),
                    ("basis", .string(p.basis.rawValue)),
                ])
            })),
            ("pathsComplete", .bool(c.pathsComplete)),
            ("minimalGrant", .array(c.minimalGrant.map { band in
                .object([("since", .string(band.since)), ("rules", rules(band.rules))])
            })),
            ("defaultGrant", rules(c.defaultGrant)),
            ("worksWithoutProxy", .bool(c.worksWithoutProxy)),
            ("sinceVersion", c.sinceVersion.map(JSONValue.string) ?? .null),
            ("status", .string(c.status.rawValue)),
            ("sources", .array(c.sources.map { s in
                .object([
                    ("url", s.url.map(JSONValue.string)),
                    ("repo", s.repo.map(JSONValue.string)),
                    ("path", s.path.map(JSONValue.string)),
                    ("version", .string(s.version)),
                    ("date", .string(s.date)),
                ])
            })),
            ("notes", .string(c.notes)),
        ])
    }

    static func rules(_ rules: [GrantRule]) -> JSONValue {
        .array(rules.map { .object([("resources", .strings($0.resources)), ("verbs", .strings($0.verbs))]) })
    }
}
