import ArgumentParser
import Foundation
import History
import Store

/// Where saved scans are kept, for `history`, `diff` and `accept` (and `scan --save`): the
/// evidence database (`--store`, `$KUBELET_AUTHZ_STORE`), else a default SQLite file under the
/// user's data directory, so hourly `scan --save` needs no flag.
struct HistoryStoreOptions: ParsableArguments {
    @Option(name: [.customLong("store"), .customLong("db")],
            help: ArgumentHelp("The database of saved scans (an SQLite file; --db is an alias). Default: $KUBELET_AUTHZ_STORE (or $KUBELET_AUTHZ_DB), else $XDG_DATA_HOME/kubelet-authz/kubelet-authz.sqlite (~/.local/share/…).", valueName: "PATH"))
    var store: String?

    var path: String { get throws(CLIError) { try Self.path(explicit: store) } }

    /// The flag, else the environment, else the default file.
    static func path(explicit: String?) throws(CLIError) -> String {
        if let explicit { return explicit }
        let env = ConsoleIO.current.environment
        if let fromEnvironment = [env["KUBELET_AUTHZ_STORE"], env["KUBELET_AUTHZ_DB"]].compactMap({ $0 }).first(where: { !$0.isEmpty }) {
            return fromEnvironment
        }
        if let data = env["XDG_DATA_HOME"], !data.isEmpty { return data + "/kubelet-authz/kubelet-authz.sqlite" }
        if let home = env["HOME"], !home.isEmpty { return home + "/.local/share/kubelet-authz/kubelet-authz.sqlite" }
        throw .badInput("no store: give --store PATH (neither $KUBELET_AUTHZ_STORE, $XDG_DATA_HOME nor $HOME is set)")
    }

    /// The store of saved scans; reading commands refuse a file that is not there rather than
    /// create an empty one.
    func open(creating: Bool = false) throws(CLIError) -> EvidenceStore {
        try Self.open(try path, creating: creating)
    }

    static func open(_ path: String, creating: Bool) throws(CLIError) -> EvidenceStore {
        if !creating && !FileManager.default.fileExists(atPath: path) {
            throw .badInput("no saved scans: \(path) does not exist (save a scan with `kubelet-authz scan --save`, or name the database with --store)")
        }
        do { return try EvidenceStore(path: path) } catch { throw .badInput(error.description) }
    }
}

/// The history store's failures at the command line: bad input (exit 2), naming the database.
func historyCall<T>(_ store: String, _ body: () throws -> T) throws(CLIError) -> T {
    do { return try body() } catch let e as CLIError { throw e } catch { throw .badInput("\(store): \(error)") }
}
