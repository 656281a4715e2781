/// A field whose values are a closed list: a wrong value is refused naming the values allowed,
/// where Swift's own message would name the type.
public protocol ClosedValueSet: RawRepresentable, CaseIterable, Decodable where RawValue == String {}

extension ClosedValueSet {
    public init(from decoder: Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let value = Self(rawValue: text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath,
                debugDescription: "\"\(text)\" is not one of \(Self.allCases.map(\.rawValue).joined(separator: ", "))"))
        }
        self = value
    }
}
