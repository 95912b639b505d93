/// Percent-encoding and query splitting by hand (wire format §3.3, §3.4).
///
/// Foundation's `URLComponents.queryItems` leaves `+` and `/` raw, which a form decoder
/// then reads as a space: a token would arrive broken. Here every byte outside
/// `A–Z a–z 0–9 - . _ ~` is escaped, with uppercase hex.
package enum QueryString {
    private static let hex = Array("0123456789ABCDEF".utf8)

    /// Whether `byte` is in RFC 3986's unreserved set.
    @inline(__always)
    static func isUnreserved(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
            return true
        default:
            return false
        }
    }

    /// Appends the percent-encoded form of `bytes` to `out`.
    @inline(__always)
    package static func appendEncoded<Bytes: Sequence<UInt8>>(_ bytes: Bytes, to out: inout [UInt8]) {
        for byte in bytes {
            if isUnreserved(byte) {
                out.append(byte)
            } else {
                out.append(UInt8(ascii: "%"))
                out.append(hex[Int(byte >> 4)])
                out.append(hex[Int(byte & 0x0F)])
            }
        }
    }

    /// The percent-encoded form of `text`'s UTF-8 bytes.
    package static func encode(_ text: String) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count)
        appendEncoded(text.utf8, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Decodes `%XX` escapes (either case); with `plusIsSpace`, `+` reads as a space as an
    /// HTML form decoder (and `URLSearchParams`) reads it.
    ///
    /// - Throws: ``LiveformError/Code/malformedInput`` for a bad escape (`%G1`, a lone `%`)
    ///   or bytes that are not UTF-8.
    package static func decode(_ text: Substring.UTF8View, plusIsSpace: Bool, what: @autoclosure () -> String) throws(LiveformError) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.count)
        var iterator = text.makeIterator()
        while let byte = iterator.next() {
            switch byte {
            case UInt8(ascii: "%"):
                guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue) else {
                    throw .malformed("bad percent-escape in \(what()): '%' must be followed by two hex digits")
                }
                bytes.append(high << 4 | low)
            case UInt8(ascii: "+") where plusIsSpace:
                bytes.append(UInt8(ascii: " "))
            default:
                bytes.append(byte)
            }
        }
        guard let decoded = String(validating: bytes, as: UTF8.self) else {
            throw .malformed("\(what()) is not UTF-8 after percent-decoding")
        }
        return decoded
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - 48
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - 87
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - 55
        default: return nil
        }
    }

    /// One `name=value` item of a query, still percent-encoded.
    package struct RawItem {
        package let name: Substring
        package let value: Substring
    }

    /// The parts of a URL that matter to us.
    package struct SplitURL {
        /// Everything before `?` (or the whole URL when it has no query).
        package let base: Substring
        /// The raw query items, in order; empty items (`&&`) are skipped.
        package let items: [RawItem]
    }

    /// Splits a URL into base and query items, without Foundation's URL parsing.
    ///
    /// Accepts an absolute `http(s)://` URL, an origin-form target (`/path?query`, what a
    /// server sees in its request line) or a bare query (`?query` or `query`-less). A
    /// fragment is dropped. Anything with whitespace or control characters is not a URL.
    package static func split(_ url: String, maxLength: Int) throws(LiveformError) -> SplitURL {
        guard url.utf8.count <= maxLength else {
            throw .malformed("the URL is \(url.utf8.count) bytes, over the limit of \(maxLength)")
        }
        guard !url.isEmpty else { throw .malformed("the URL is empty") }
        if let bad = url.utf8.first(where: { $0 <= 0x20 || $0 == 0x7F }) {
            throw .malformed("not a URL: it contains the byte 0x\(Hex.encode([bad])) (whitespace or a control character); percent-encode it")
        }
        var text = Substring(url)
        if let hash = text.firstIndex(of: "#") { text = text[..<hash] }
        let isAbsolute = text.lowercased().hasPrefix("https://") || text.lowercased().hasPrefix("http://")
        guard isAbsolute || text.hasPrefix("/") || text.hasPrefix("?") else {
            throw .malformed("not a URL: expected http(s)://…, /path?… or ?query")
        }
        guard let question = text.firstIndex(of: "?") else { return SplitURL(base: text, items: []) }
        let base = text[..<question]
        let query = text[text.index(after: question)...]
        var items: [RawItem] = []
        for part in query.split(separator: "&", omittingEmptySubsequences: true) {
            if let equals = part.firstIndex(of: "=") {
                items.append(RawItem(name: part[..<equals], value: part[part.index(after: equals)...]))
            } else {
                items.append(RawItem(name: part, value: part[part.endIndex...]))
            }
        }
        return SplitURL(base: base, items: items)
    }
}
