import NIOCore
import PostgresNIO

/// A column of a batch as one PostgreSQL array parameter, NULLs included: PostgresNIO encodes
/// arrays of non-optional values only, and a batch is inserted as one `unnest` of its columns.
/// Written in PostgreSQL's binary array format (src/backend/utils/adt/arrayfuncs.c,
/// array_recv: dimensions, has-null flag, element type, then per dimension the length and
/// lower bound, then each element as its length, -1 for NULL, and its bytes).
struct NullableArray: PostgresNonThrowingEncodable {
    enum Values {
        case text([String?])
        case int8([Int?])
    }

    let values: Values

    static var psqlType: PostgresDataType { .textArray }  // the real type is given per value
    static var psqlFormat: PostgresFormat { .binary }

    var psqlType: PostgresDataType {
        switch values { case .text: .textArray; case .int8: .int8Array }
    }

    func encode<JSONEncoder: PostgresJSONEncoder>(into buffer: inout ByteBuffer, context: PostgresEncodingContext<JSONEncoder>) {
        let count: Int, element: PostgresDataType
        switch values {
        case .text(let v): count = v.count; element = .text
        case .int8(let v): count = v.count; element = .int8
        }
        buffer.writeInteger(count == 0 ? 0 : 1, as: Int32.self)
        buffer.writeInteger(1, as: Int32.self)  // may hold NULLs
        buffer.writeInteger(element.rawValue)
        guard count > 0 else { return }
        buffer.writeInteger(Int32(count))
        buffer.writeInteger(1, as: Int32.self)
        switch values {
        case .text(let v):
            for s in v {
                guard let s else { buffer.writeInteger(-1, as: Int32.self); continue }
                let lengthAt = buffer.writerIndex
                buffer.writeInteger(0, as: Int32.self)
                let n = buffer.writeString(s)
                buffer.setInteger(Int32(n), at: lengthAt)
            }
        case .int8(let v):
            for i in v {
                guard let i else { buffer.writeInteger(-1, as: Int32.self); continue }
                buffer.writeInteger(8, as: Int32.self)
                buffer.writeInteger(Int64(i))
            }
        }
    }
}
