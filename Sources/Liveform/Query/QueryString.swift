import LiveformBytes

/// Percent-encoding and query splitting by hand (wire format §3.3, §3.4).
///
/// Foundation's `URLComponents.queryItems` leaves `+` and `/` raw, which a form decoder
/// then reads as a space: a token would arrive broken. Here every byte outside
/// `A–Z a–z 0–9 - . _ ~` is escaped, with uppercase hex.
package enum QueryString {
    /// Appends the percent-encoded form of `bytes` to `out`.
    package static func appendEncoded(_ bytes: some Collection<UInt8>, to out: inout [UInt8]) {
        PercentEncoding.encode(bytes, appendingTo: &out)
    }

    /// `base` followed by the separator its query starts with (§3.3): `?`, or `&` when the
    /// base already has a query, or nothing when it already ends in `?` or `&`.
    package static func startQuery(after base: String) -> [UInt8] {
        var bytes = Array(base.utf8)
        switch bytes.last {
        case UInt8(ascii: "?"), UInt8(ascii: "&"): break
        default: bytes.append(bytes.contains(UInt8(ascii: "?")) ? UInt8(ascii: "&") : UInt8(ascii: "?"))
        }
        return bytes
    }

    /// The percent-encoded form of `text`'s UTF-8 bytes.
    package static func encode(_ text: String) -> String { PercentEncoding.encode(text.utf8) }

    /// Decodes `%XX` escapes (either case); with `plusIsSpace`, `+` reads as a space as an
    /// HTML form decoder (and `URLSearchParams`) reads it.
    ///
    /// - Throws: ``LiveformError/Code/malformedInput`` for a bad escape (`%G1`, a lone `%`)
    ///   or bytes that are not UTF-8.
    package static func decode(_ text: Substring.UTF8View, plusIsSpace: Bool, what: @autoclosure () -> String) throws(LiveformError) -> String {
        try withValidated(text, plusIsSpace: plusIsSpace, what: what()) { utf8 in String(copying: utf8) }
    }

    /// `decode`, lending the decoded UTF-8 bytes instead of making a String (the `encrypted`
    /// token goes straight on to base64). Same checks, same errors.
    package static func withDecoded<R>(
        _ text: Substring.UTF8View, plusIsSpace: Bool, what: @autoclosure () -> String,
        _ body: (Span<UInt8>) throws(LiveformError) -> R
    ) throws(LiveformError) -> R {
        try withValidated(text, plusIsSpace: plusIsSpace, what: what()) { (utf8) throws(LiveformError) in try body(utf8.span) }
    }

    /// The decoded bytes never outnumber the input, so they go to scratch memory (on the
    /// stack for short texts) and are validated there once.
    private static func withValidated<R>(
        _ text: Substring.UTF8View, plusIsSpace: Bool, what: @autoclosure () -> String,
        _ body: (UTF8Span) throws(LiveformError) -> R
    ) throws(LiveformError) -> R {
        let input = text.span
        return try withScratchBytes(capacity: max(input.count, 1)) { (out) throws(LiveformError) -> R in
            guard PercentEncoding.decode(input, plusIsSpace: plusIsSpace, into: &out) else {
                throw .malformed("bad percent-escape in \(what()): '%' must be followed by two hex digits")
            }
            let utf8: UTF8Span
            do { utf8 = try UTF8Span(validating: out.span) } catch { throw .malformed("\(what()) is not UTF-8 after percent-decoding") }
            return try body(utf8)
        }
    }

    /// One `name=value` item of a query, still percent-encoded.
    package struct RawItem {
        /// Still percent-encoded. UTF-8 views: a `Substring` made from byte offsets would have
        /// its bounds checked for scalar alignment, which the ASCII delimiters make needless.
        package let name: Substring.UTF8View
        package let value: Substring.UTF8View
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
        let utf8 = url.utf8
        let found = Self.landmarks(utf8.span)
        if let bad = found.bad {
            throw .malformed("not a URL: it contains the byte 0x\(Hex.encode([bad])) (whitespace or a control character); percent-encode it")
        }
        guard found.shape else { throw .malformed("not a URL: expected http(s)://…, /path?… or ?query") }
        func index(_ offset: Int) -> String.Index { utf8.index(utf8.startIndex, offsetBy: offset) }
        guard let question = found.question else { return SplitURL(base: url[..<index(found.end)], items: []) }
        var items: [RawItem] = []
        items.reserveCapacity(found.items.count)
        for item in found.items {
            items.append(
                RawItem(
                    name: utf8[index(item.start)..<index(item.equals)],
                    value: utf8[index(min(item.equals + 1, item.stop))..<index(item.stop)]))
        }
        return SplitURL(base: url[..<index(question)], items: items)
    }

    /// An item's offsets: its first byte, its `=` (or its end), its end. A struct, not a
    /// tuple: an array of tuples is destroyed through generic runtime calls.
    private struct ItemBounds {
        let start: Int, equals: Int, stop: Int
    }

    /// One pass over a URL's bytes, all in locals: the first whitespace or control byte (which
    /// makes it no URL), where the fragment starts (`end`), whether it starts as a URL must,
    /// where the query starts, and each non-empty item's (start, '=' or end, end) offsets.
    private static func landmarks(_ bytes: Span<UInt8>) -> (bad: UInt8?, shape: Bool, end: Int, question: Int?, items: [ItemBounds]) {
        let (forbidden, end) = ByteSearch.forbiddenAndFragment(bytes)
        if let bad = forbidden { return (bad, false, 0, nil, []) }
        let questionMark = ByteSearch.firstOf(UInt8(ascii: "?"), UInt8(ascii: "?"), in: bytes, from: 0, to: end)
        let question: Int? = questionMark < end ? questionMark : nil
        let head = bytes.extracting(0..<end)
        let isAbsolute = ByteSearch.hasPrefix(head, "https://", caseInsensitive: true) || ByteSearch.hasPrefix(head, "http://", caseInsensitive: true)
        guard isAbsolute || ByteSearch.hasPrefix(head, "/", caseInsensitive: false) || ByteSearch.hasPrefix(head, "?", caseInsensitive: false) else {
            return (nil, false, end, nil, [])
        }
        guard let question else { return (nil, true, end, nil, []) }
        var items: [ItemBounds] = []
        items.reserveCapacity(8)
        var start = question + 1
        while start <= end {
            var stop = ByteSearch.firstOf(UInt8(ascii: "&"), UInt8(ascii: "="), in: bytes, from: start, to: end)
            let equals = stop
            if stop < end, bytes[stop] == UInt8(ascii: "=") {
                stop = ByteSearch.firstOf(UInt8(ascii: "&"), UInt8(ascii: "&"), in: bytes, from: stop, to: end)
            }
            if stop > start {  // `&&` and a trailing `&` make empty items, which are skipped
                items.append(ItemBounds(start: start, equals: equals, stop: stop))
            }
            start = stop + 1
        }
        return (nil, true, end, question, items)
    }
}
