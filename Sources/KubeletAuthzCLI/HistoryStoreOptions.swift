import ArgumentParser
import Foundation
import History
import KubeletAuthzApp

/// Where saved scans are kept, for `history`, `diff` and `accept` (and `scan --save`): the
/// evidence database (`--store`, `$KUBELET_AUTHZ_STORE`), else a default SQLite file under the
/// user's data directory, so hourly `scan --save` needs no flag.
struct HistoryStoreOptions: ParsableArguments {
    @Option(name: [.customLong("store"), .customLong("db")],
            help: ArgumentHelp("The database of saved scans: an SQLite file, or a fleet's PostgreSQL database as postgres://USER@HOST:PORT/DB (password from $PGPASSWORD or ~/.pgpass); --db is an alias. Default: $KUBELET_AUTHZ_STORE (or $KUBELET_AUTHZ_DB), else $XDG_DATA_HOME/kubelet-authz/kubelet-authz.sqlite (~/.local/share/…).", valueName: "PATH|URL"))
    var store: String?

    var path: String { get throws(CLIError) { try Self.path(explicit: store) } }

    /// The store as messages name it: a URL without its password.
    var displayName: String { get throws(CLIError) { EvidenceLoading.StoreChoice.displayName(try path) } }

    /// The flag, else the environment, else the default file.
    static func path(explicit: String?) throws(CLIError) -> String {
        if let explicit { return explicit }
        if let fromEnvironment = EvidenceStoreOptions.fromEnvironment() { return fromEnvironment }
        let env = ConsoleIO.current.environment
        if let data = env["XDG_DATA_HOME"], !data.isEmpty { return data + "/kubelet-authz/kubelet-authz.sqlite" }
        if let home = env["HOME"], !home.isEmpty { return home + "/.local/share/kubelet-authz/kubelet-authz.sqlite" }
        throw .badInput("no store: give --store PATH (neither $KUBELET_AUTHZ_STORE, $XDG_DATA_HOME nor $HOME is set)")
    }

    /// The store of saved scans; reading commands refuse a file that is not there rather than
    /// create an empty one.
    func open(creating: Bool = false) throws(CLIError) -> any StoreDatabase {
        try Self.open(try path, creating: creating)
    }

    /// A PostgreSQL URL through the evidence commands' opening (`StoreChoice.openDatabase`); an
    /// unreachable server is bad input (exit 2) naming host, port and user.
    static func open(_ path: String, creating: Bool) throws(CLIError) -> any StoreDatabase {
        let environment = ConsoleIO.current.environment
        if case .sqlite = EvidenceLoading.StoreChoice.named(path, environment: environment), !creating && !FileManager.default.fileExists(atPath: path) {
            throw .badInput("no saved scans: \(path) does not exist (save a scan with `kubelet-authz scan --save`, or name the database with --store)")
        }
        do { return try EvidenceLoading.StoreChoice.openDatabase(path, environment: environment) } catch { throw .badInput(error.message) }
    }
}

/// The history store's failures at the command line: bad input (exit 2), naming the database.
func historyCall<T>(_ store: String, _ body: () throws -> T) throws(CLIError) -> T {
    do { return try body() } catch let e as CLIError { throw e } catch {
        throw .badInput("\(EvidenceLoading.StoreChoice.displayName(store)): \(error)")
    }
}
