import Foundation

/// libpq's password file (`~/.pgpass`): lines `host:port:database:user:password`, `*` matching
/// anything, `\:` and `\\` escaped, the first matching line winning. As libpq does, a file that
/// its group or others can read is not used.
struct PasswordFile {
    let entries: [[String]]

    init?(path: String) {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
              let mode = attributes[.posixPermissions] as? Int, mode & 0o077 == 0,
              let data = FileManager.default.contents(atPath: path) else { return nil }
        self.init(text: String(decoding: data, as: UTF8.self))
    }

    init(text: String) {
        entries = text.split(whereSeparator: \.isNewline).compactMap { line in
            guard !line.hasPrefix("#") else { return nil }
            var fields: [String] = [], field = "", escaped = false
            for c in line {
                if escaped { field.append(c); escaped = false }
                else if c == "\\" { escaped = true }
                else if c == ":" && fields.count < 4 { fields.append(field); field = "" }
                else { field.append(c) }
            }
            fields.append(field)
            return fields.count == 5 ? fields : nil
        }
    }

    func password(host: String, port: Int, database: String, user: String) -> String? {
        let wanted = [host, String(port), database, user]
        return entries.first { e in zip(e, wanted).allSatisfy { $0 == "*" || $0 == $1 } }?[4]
    }
}
