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
        if let result = text.withContiguousStorageIfAvailable({ bytes in
            Result { () throws(LiveformError) in try decode(bytes, plusIsSpace: plusIsSpace, what: what()) }
        }) {
            return try result.get()
        }
        return try Array(text).withUnsafeBufferPointer { (bytes) throws(LiveformError) in
            try decode(bytes, plusIsSpace: plusIsSpace, what: what())
        }
    }

    /// `decode` on contiguous bytes. The result never has more bytes than the input, so it is
    /// written into scratch memory (on the stack for short texts) and validated there once.
    private static func decode(_ text: UnsafeBufferPointer<UInt8>, plusIsSpace: Bool,
                               what: @autoclosure () -> String) throws(LiveformError) -> String {
        try withUnsafeTemporaryAllocation(of: UInt8.self, capacity: max(text.count, 1)) { (out) throws(LiveformError) -> String in
            var inIndex = 0, outIndex = 0
            let count = text.count
            while inIndex < count {
                let byte = text[inIndex]
                inIndex += 1
                switch byte {
                case UInt8(ascii: "%"):
                    guard inIndex + 2 <= count, let high = hexValue(text[inIndex]), let low = hexValue(text[inIndex + 1]) else {
                        throw .malformed("bad percent-escape in \(what()): '%' must be followed by two hex digits")
                    }
                    out[outIndex] = high << 4 | low
                    inIndex += 2
                case UInt8(ascii: "+") where plusIsSpace:
                    out[outIndex] = UInt8(ascii: " ")
                default:
                    out[outIndex] = byte
                }
                outIndex += 1
            }
            guard let decoded = validatedUTF8String(UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: out[..<outIndex]))) else {
                throw .malformed("\(what()) is not UTF-8 after percent-decoding")
            }
            return decoded
        }
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
        // Work on UTF-8 offsets: every delimiter we look for is ASCII, so the offsets are
        // also valid `String.Index`es, and no Character (grapheme) machinery runs.
        var contiguous = url
        // (withUTF8 rethrows untyped errors, so the scan hands back a Result.)
        let scan = contiguous.withUTF8 { bytes in Result { () throws(LiveformError) -> (Int?, Int, [(Int, Int, Int)]) in
            if let bad = bytes.first(where: { $0 <= 0x20 || $0 == 0x7F }) {
                throw .malformed("not a URL: it contains the byte 0x\(Hex.encode([bad])) (whitespace or a control character); percent-encode it")
            }
            let end = bytes.firstIndex(of: UInt8(ascii: "#")) ?? bytes.count  // the fragment is dropped
            func hasPrefix(_ prefix: StaticString, caseInsensitive: Bool) -> Bool {
                let count = prefix.utf8CodeUnitCount
                guard end >= count else { return false }
                for offset in 0..<count {
                    let byte = bytes[offset]
                    // ASCII case folding: only letters differ by 0x20 between cases.
                    let folded = caseInsensitive && (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) ? byte | 0x20 : byte
                    if folded != prefix.utf8Start[offset] { return false }
                }
                return true
            }
            let isAbsolute = hasPrefix("https://", caseInsensitive: true) || hasPrefix("http://", caseInsensitive: true)
            guard isAbsolute || hasPrefix("/", caseInsensitive: false) || hasPrefix("?", caseInsensitive: false) else {
                throw .malformed("not a URL: expected http(s)://…, /path?… or ?query")
            }
            guard let question = bytes[..<end].firstIndex(of: UInt8(ascii: "?")) else { return (nil, end, []) }
            // (name start, '=' or item end, item end) per non-empty item.
            var items: [(Int, Int, Int)] = []
            var start = question + 1
            while start <= end {
                var stop = start
                while stop < end, bytes[stop] != UInt8(ascii: "&") { stop += 1 }
                if stop > start {  // `&&` and a trailing `&` make empty items, which are skipped
                    var equals = start
                    while equals < stop, bytes[equals] != UInt8(ascii: "=") { equals += 1 }
                    items.append((start, equals, stop))
                }
                start = stop + 1
            }
            return (question, end, items)
        } }
        let (question, end, items) = try scan.get()
        let utf8 = contiguous.utf8
        func index(_ offset: Int) -> String.Index { utf8.index(utf8.startIndex, offsetBy: offset) }
        guard let question else { return SplitURL(base: contiguous[..<index(end)], items: []) }
        return SplitURL(base: contiguous[..<index(question)], items: items.map { start, equals, stop in
            RawItem(name: contiguous[index(start)..<index(equals)],
                    value: contiguous[index(min(equals + 1, stop))..<index(stop)])
        })
    }
}
