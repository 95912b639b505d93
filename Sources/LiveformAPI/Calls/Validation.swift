import Liveform

/// The checks every request passes before it is sent; a failure is `invalidParameter`.
enum Validate {
    static func nonEmpty(_ value: String, _ name: String) throws(ArgosError) {
        guard !value.isEmpty else { throw .invalidParameter("\(name) must not be empty") }
    }

    /// A Private Mode token id: 8–64 bytes of `A–Z a–z 0–9 . _ -`, first and last a letter or digit.
    static func isValidTokenId(_ id: String) -> Bool {
        let bytes = Array(id.utf8)
        guard (8...64).contains(bytes.count), let first = bytes.first, let last = bytes.last,
            isAlphanumeric(first), isAlphanumeric(last)
        else { return false }
        return bytes.allSatisfy { isAlphanumeric($0) || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: "-") }
    }

    static func tokenIds(_ ids: [String]) throws(ArgosError) {
        guard !ids.isEmpty else { throw .invalidParameter("give at least one token id") }
        for (index, id) in ids.enumerated() where !isValidTokenId(id) {
            // The id itself is not repeated: it is a token.
            throw .invalidParameter("token id #\(index + 1) is not 8–64 characters of A–Z a–z 0–9 . _ - starting and ending with a letter or digit")
        }
    }

    /// `YYYY-MM-DD` with a month 01–12 and a day 01–31.
    static func date(_ value: String, _ name: String) throws(ArgosError) {
        let bytes = Array(value.utf8)
        let digits = [0, 1, 2, 3, 5, 6, 8, 9]
        guard bytes.count == 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"),
            digits.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[$0]) }),
            let month = Int(value.dropFirst(5).prefix(2)), (1...12).contains(month),
            let day = Int(value.suffix(2)), (1...31).contains(day)
        else {
            throw .invalidParameter("\(name) must be a date as YYYY-MM-DD")
        }
    }

    private static func isAlphanumeric(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
            || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }
}
