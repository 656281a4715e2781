import Evidence
import Foundation
import History
import PostgresStore
import Store

/// A database that keeps everything the tool stores: audit evidence, saved scans and the
/// webhook's aggregated decisions. Two implement it: the SQLite file (`Store.EvidenceStore`)
/// and a fleet's PostgreSQL (`PostgresStore.PostgresEvidenceStore`).
public protocol StoreDatabase: ScanHistoryStore, EvidenceWriter, EvidenceReader, DecisionWriter {
    /// True when it holds no audit evidence at all.
    func holdsNothing() throws -> Bool
}

extension EvidenceStore: StoreDatabase {}
extension PostgresEvidenceStore: StoreDatabase {}

extension EvidenceLoading.StoreChoice {
    /// The database `text` names, opened the way the evidence commands open it
    /// (`EvidenceLoading.load`): a `postgres://` URL (password from the URL, `PGPASSWORD` or the
    /// password file in `environment`), else an SQLite file, created when absent. Failures name
    /// the database (host, port and user for PostgreSQL), never a password.
    public static func openDatabase(_ text: String, environment: [String: String]) throws(InputError) -> any StoreDatabase {
        switch named(text, environment: environment) {
        case .postgres(let url, let environment):
            do { return try PostgresEvidenceStore(url: url, environment: environment) } catch { throw InputError(error.description) }
        case .sqlite(let path):
            do { return try EvidenceStore(path: path) } catch { throw InputError(error.description) }
        case .memory:
            throw InputError("\(text): not a database")  // named(_:environment:) never answers memory
        }
    }
}
