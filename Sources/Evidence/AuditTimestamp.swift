/// RFC 3339 timestamps as the API server writes them (`2026-11-27T07:42:34.689295Z`), to
/// epoch seconds without Foundation's slow formatters.
public enum AuditTimestamp {
    public static func seconds(_ text: String) -> Double? {
        var text = text
        // Native strings are contiguous: read their bytes in place rather than copy them out.
        return text.withUTF8 { seconds(utf8: $0) }
    }

    static func seconds(utf8 u: UnsafeBufferPointer<UInt8>) -> Double? {
        guard u.count >= 20, u[4] == 45, u[7] == 45, u[10] == 84 || u[10] == 116 || u[10] == 32, u[13] == 58, u[16] == 58 else { return nil }
        func num(_ a: Int, _ b: Int) -> Int? {
            var v = 0
            for i in a..<b { let d = Int(u[i]) - 48; guard d >= 0 && d <= 9 else { return nil }; v = v * 10 + d }
            return v
        }
        guard let y = num(0, 4), let mo = num(5, 7), let d = num(8, 10), let h = num(11, 13), let mi = num(14, 16), let s = num(17, 19),
              (1...12).contains(mo), (1...31).contains(d) else { return nil }
        var i = 19
        var frac = 0.0
        if i < u.count && u[i] == 46 {
            var scale = 0.1
            i += 1
            while i < u.count, u[i] >= 48, u[i] <= 57 { frac += Double(u[i] - 48) * scale; scale /= 10; i += 1 }
        }
        var offset = 0
        if i < u.count {
            if u[i] == 90 || u[i] == 122 { offset = 0 } else if (u[i] == 43 || u[i] == 45) && u.count >= i + 6 {
                guard let oh = num(i + 1, i + 3), let om = num(i + 4, i + 6) else { return nil }
                offset = (oh * 3600 + om * 60) * (u[i] == 43 ? 1 : -1)
            } else { return nil }
        }
        return Double(daysFromCivil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s - offset) + frac
    }

    /// Howard Hinnant's days_from_civil.
    public static func daysFromCivil(_ y0: Int, _ m: Int, _ d: Int) -> Int {
        let y = m <= 2 ? y0 - 1 : y0
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }

    public static func text(_ seconds: Double) -> String {
        let total = Int(seconds.rounded(.down))
        var days = total / 86400
        var rem = total % 86400
        if rem < 0 { rem += 86400; days -= 1 }
        // civil_from_days
        let z = days + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let doe = z - era * 146097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        let y = yoe + era * 400 + (m <= 2 ? 1 : 0)
        guard (0...9999).contains(y) else {
            func p(_ v: Int, _ w: Int) -> String { let s = String(v); return String(repeating: "0", count: max(0, w - s.count)) + s }
            return "\(p(y, 4))-\(p(m, 2))-\(p(d, 2))T\(p(rem / 3600, 2)):\(p(rem % 3600 / 60, 2)):\(p(rem % 60, 2))Z"
        }
        // Digits written into a fixed buffer: reports print two of these per usage row.
        return String(unsafeUninitializedCapacity: 20) { out in
            func put(_ v: Int, _ width: Int, at: Int) {
                var v = v
                for k in stride(from: at + width - 1, through: at, by: -1) { out[k] = UInt8(48 + v % 10); v /= 10 }
            }
            put(y, 4, at: 0); out[4] = 45; put(m, 2, at: 5); out[7] = 45; put(d, 2, at: 8); out[10] = 84
            put(rem / 3600, 2, at: 11); out[13] = 58; put(rem % 3600 / 60, 2, at: 14); out[16] = 58; put(rem % 60, 2, at: 17); out[19] = 90
            return 20
        }
    }
}
