import LiveformBytes

/// A JSON value that keeps object members in order.
///
/// Foundation's `JSONSerialization` forgets member order and `JSONEncoder` escapes `/`; the
/// Liveform wire format needs the exact bytes ECMAScript's `JSON.stringify` writes (an ECB
/// token depends on every byte), so the SDK reads and writes JSON itself. Numbers are IEEE
/// doubles, as in JavaScript.
///
/// ```swift
/// let value: JSONValue = ["email": "kim@example.com", "rejectDuplicateUser": true]
/// value.jsonText          // {"email":"kim@example.com","rejectDuplicateUser":true}
/// ```
public enum JSONValue: Sendable, Hashable {
    /// JSON `null`.
    case null
    /// `true` or `false`.
    case bool(Bool)
    /// A number. JSON numbers are read as IEEE doubles, as `JSON.parse` reads them, and
    /// written as ECMAScript prints them (integers in plain decimal).
    case number(Double)
    /// A string, already unescaped.
    case string(String)
    /// An array, in order.
    case array([JSONValue])
    /// An object, with its members in order.
    case object(JSONObject)

    /// The string, if this is a string.
    public var stringValue: String? { if case .string(let value) = self { value } else { nil } }
    /// The boolean, if this is a boolean.
    public var boolValue: Bool? { if case .bool(let value) = self { value } else { nil } }
    /// The number, if this is a number.
    public var doubleValue: Double? { if case .number(let value) = self { value } else { nil } }
    /// The number as an integer, if this is a number with no fractional part that fits.
    public var intValue: Int? {
        guard case .number(let value) = self, value.rounded() == value, let int = Int(exactly: value) else { return nil }
        return int
    }
    /// The members, if this is an object.
    public var objectValue: JSONObject? { if case .object(let value) = self { value } else { nil } }
    /// The elements, if this is an array.
    public var arrayValue: [JSONValue]? { if case .array(let value) = self { value } else { nil } }
    /// Whether this is `null`.
    public var isNull: Bool { self == .null }

    /// The member `key` of an object (nil for other values or a missing key).
    public subscript(key: String) -> JSONValue? { objectValue?[key] }

    /// The compact JSON text, exactly as `JSON.stringify(value)` writes it.
    public var jsonText: String { JSONWriter.string(self) }

    /// The JSON text indented by two spaces, as `JSON.stringify(value, null, 2)` writes it.
    public var prettyJSONText: String { JSONWriter.string(self, indent: 2) }

    /// How the value reads when used as a plain (unencrypted) URL parameter: strings as they
    /// are, everything else as its JSON text (`true`, `5`, `0.5`).
    public var plainText: String {
        if case .string(let value) = self { return value }
        return jsonText
    }

    /// Parses JSON text (RFC 8259, as strict as `JSON.parse`).
    ///
    /// `maxDepth` is capped at ``JSONReader/depthCeiling`` (512): deeper nesting is an error,
    /// never a stack overflow.
    ///
    /// - Throws: ``LiveformError/Code/malformedInput`` with the offset of the problem.
    public init(
        parsing text: String, maxDepth: Int = JSONReader.defaultMaxDepth,
        duplicateKeys: JSONReader.DuplicateKeys = .lastWins
    ) throws(LiveformError) {
        self = try JSONReader.parse(text.utf8.span, maxDepth: maxDepth, duplicateKeys: duplicateKeys)
    }

    /// Parses JSON from UTF-8 bytes; bytes that are not UTF-8 are an error. `maxDepth` is
    /// capped at ``JSONReader/depthCeiling`` here too.
    public init<Bytes: Collection<UInt8>>(
        parsing bytes: Bytes, maxDepth: Int = JSONReader.defaultMaxDepth,
        duplicateKeys: JSONReader.DuplicateKeys = .lastWins
    ) throws(LiveformError) {
        self = try withByteSpan(bytes) { (span) throws(LiveformError) in
            try JSONReader.parse(span, maxDepth: maxDepth, duplicateKeys: duplicateKeys)
        }
    }
}

/// The members of a JSON object, in order. A key appears at most once: setting an existing
/// key replaces its value in place (as JavaScript does).
public struct JSONObject: Sendable, Hashable, Sequence, ExpressibleByDictionaryLiteral {
    /// One member: its key and its value.
    public typealias Member = (key: String, value: JSONValue)

    /// A member as stored: a struct, not the `Member` tuple, because an array of tuples is
    /// copied and destroyed through generic runtime calls (tuple metadata looked up, each
    /// field destroyed through its witness); a struct's are direct.
    struct Slot: Sendable {
        var key: String
        var value: JSONValue
    }

    private var storage: [Slot] = []
    /// Key → position, built once an object is large enough for linear search to hurt
    /// (a hostile payload with 100,000 keys must not take quadratic time).
    private var index: [ExactText: Int]?
    private static let indexThreshold = 16

    /// An empty object.
    public init() {}

    /// An object of these members, in this order; a later duplicate key replaces the earlier value.
    public init<S: Sequence>(_ members: S) where S.Element == (String, JSONValue) {
        for (key, value) in members { self[key] = value }
    }

    public init(dictionaryLiteral elements: (String, JSONValue)...) { self.init(elements) }

    /// The members a parser read, in order. Equal to inserting them one by one; faster when
    /// the keys are distinct, which is checked (a duplicate takes the slow, exact path).
    ///
    /// Keys compare by their bytes (``sameText``), so only keys of equal UTF-8 length (an O(1)
    /// count for native strings) are compared at all; the members are read in place.
    static func parsed(_ members: [Slot]) -> JSONObject {
        var object = JSONObject()
        if members.count <= indexThreshold {
            let slots = members.span
            var repeats = false
            search: for i in slots.indices {
                let length = slots[i].key.utf8.count
                for j in (i + 1)..<slots.count where slots[j].key.utf8.count == length {
                    if sameText(slots[i].key, slots[j].key) {
                        repeats = true
                        break search
                    }
                }
            }
            if repeats { return JSONObject(members.lazy.map { ($0.key, $0.value) }) }
            object.storage = members
            return object
        }
        var built = [ExactText: Int](minimumCapacity: members.count)
        for (position, member) in members.enumerated() where built.updateValue(position, forKey: ExactText(member.key)) != nil {
            return JSONObject(members.lazy.map { ($0.key, $0.value) })
        }
        object.storage = members
        object.index = built
        return object
    }

    /// The number of members.
    public var count: Int { storage.count }
    /// Whether the object has no members.
    public var isEmpty: Bool { storage.isEmpty }
    /// The keys in order.
    public var keys: [String] { storage.map(\.key) }

    /// The value for `key`; assigning nil removes the member.
    public subscript(key: String) -> JSONValue? {
        get { position(of: key).map { storage[$0].value } }
        set {
            if let position = position(of: key) {
                if let newValue {
                    storage[position].value = newValue
                } else {
                    storage.remove(at: position)
                    rebuildIndex()
                }
            } else if let newValue {
                storage.append(Slot(key: key, value: newValue))
                if index != nil {
                    index?[ExactText(key)] = storage.count - 1
                } else if storage.count > Self.indexThreshold {
                    rebuildIndex()
                }
            }
        }
    }

    private func position(of key: String) -> Int? {
        if let index { return index[ExactText(key)] }
        return storage.firstIndex { sameText($0.key, key) }
    }

    private mutating func rebuildIndex() {
        guard storage.count > Self.indexThreshold else {
            index = nil
            return
        }
        var built = [ExactText: Int](minimumCapacity: storage.count)
        for (position, member) in storage.enumerated() { built[ExactText(member.key)] = position }
        index = built
    }

    /// Yields the members in order, as `Member` tuples.
    public struct Iterator: IteratorProtocol {
        fileprivate var base: IndexingIterator<[Slot]>
        public mutating func next() -> Member? { base.next().map { ($0.key, $0.value) } }
    }

    public func makeIterator() -> Iterator { Iterator(base: storage.makeIterator()) }

    public static func == (lhs: JSONObject, rhs: JSONObject) -> Bool {
        lhs.storage.count == rhs.storage.count
            && zip(lhs.storage, rhs.storage).allSatisfy { sameText($0.key, $1.key) && $0.value == $1.value }
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(storage.count)
        for member in storage {
            ExactText(member.key).hash(into: &hasher)
            hasher.combine(member.value)
        }
    }
}

extension JSONValue: ExpressibleByStringLiteral, ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByFloatLiteral, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral, ExpressibleByNilLiteral
{
    public init(stringLiteral value: String) { self = .string(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(integerLiteral value: Int) { self = .number(Double(value)) }
    public init(floatLiteral value: Double) { self = .number(value) }
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    public init(dictionaryLiteral elements: (String, JSONValue)...) { self = .object(JSONObject(elements)) }
    public init(nilLiteral: ()) { self = .null }
}

extension JSONValue: CustomStringConvertible {
    public var description: String { jsonText }
}

/// Text compared and hashed by its UTF-8 bytes, as JavaScript compares strings (code unit by
/// code unit). Swift's `String ==` treats canonically equivalent text as equal ("é" and
/// "e\u{301}"), which would merge two distinct JSON keys or parameter names.
struct ExactText: Hashable {
    let text: String

    init(_ text: String) { self.text = text }

    static func == (lhs: ExactText, rhs: ExactText) -> Bool { sameText(lhs.text, rhs.text) }

    func hash(into hasher: inout Hasher) {
        hasher.combine(utf8Of: text)
    }
}

/// Whether two strings have the same UTF-8 bytes (one `memcmp` over native storage).
func sameText(_ lhs: String, _ rhs: String) -> Bool {
    JSONBytes.sameUTF8(lhs, rhs)
}

extension JSONValue {
    /// Strings compare by their bytes, like the keys; numbers as doubles.
    public static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): true
        case let (.bool(a), .bool(b)): a == b
        case let (.number(a), .number(b)): a == b
        case let (.string(a), .string(b)): sameText(a, b)
        case let (.array(a), .array(b)): a == b
        case let (.object(a), .object(b)): a == b
        default: false
        }
    }

    public func hash(into hasher: inout Hasher) {
        switch self {
        case .null: hasher.combine(0)
        case .bool(let value):
            hasher.combine(1)
            hasher.combine(value)
        case .number(let value):
            hasher.combine(2)
            hasher.combine(value)
        case .string(let value):
            hasher.combine(3)
            ExactText(value).hash(into: &hasher)
        case .array(let values):
            hasher.combine(4)
            hasher.combine(values)
        case .object(let object):
            hasher.combine(5)
            hasher.combine(object)
        }
    }
}
