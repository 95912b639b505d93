import LiveformBytes

/// Which network addresses may deliver webhooks: an allow-list checked before any decryption.
///
/// Decryption already authenticates a webhook only weakly (CBC has no tag), so an endpoint
/// that can also restrict senders to the addresses ARGOS publishes should. The check is off
/// unless a policy is configured on the ``WebhookDecoder``; with a policy, a sender outside
/// the list — or a request whose address is unknown — fails with
/// ``LiveformError/Code/senderNotAllowed`` and no key is ever used on its body.
///
/// Entries are IPv4 or IPv6 addresses, or CIDR ranges (`10.0.0.0/8`, `2001:db8::/32`).
/// An IPv4-mapped IPv6 address (`::ffff:52.78.194.237`, what a dual-stack socket reports)
/// is the same sender as its IPv4 address.
///
/// ```swift
/// let decoder = WebhookDecoder(keys: [secretKey, apiKey], senderPolicy: .argos)
/// // Behind a load balancer that overwrites X-Forwarded-For with the peer address:
/// let policy = try WebhookSenderPolicy(allowing: WebhookSenderPolicy.argosPublishedSenders,
///                                      forwardedFor: .firstEntry)
/// ```
public struct WebhookSenderPolicy: Sendable, Hashable {
    /// Whether the sender is read from `X-Forwarded-For` rather than the connection.
    ///
    /// Trust the header only when a proxy you run sets it: anyone can send one, and a proxy
    /// that *appends* (nginx's `$proxy_add_x_forwarded_for`, most cloud load balancers)
    /// keeps whatever the client wrote in front of the real address. When the header is
    /// absent the connection's address is used.
    public enum ForwardedFor: Sendable, Hashable {
        /// Use the connection's remote address only. The default.
        case ignored
        /// Use the first entry, for a proxy that replaces the header with the peer address.
        case firstEntry
        /// Use the last entry, for one proxy that appends the peer address.
        case lastEntry
    }

    /// The webhook sender addresses ARGOS publishes.
    public static let argosPublishedSenders: [String] = ["52.78.194.237"]

    /// A policy that allows ``argosPublishedSenders``, read from the connection.
    public static let argos = WebhookSenderPolicy(
        ranges: argosPublishedSenders.map { IPRange($0)! },
        entries: argosPublishedSenders, forwardedFor: .ignored)

    /// The allow-list as given.
    public let entries: [String]
    /// Where the sender's address is read from.
    public var forwardedFor: ForwardedFor
    private let ranges: [IPRange]

    /// A policy that allows `entries` (addresses or CIDR ranges).
    ///
    /// - Throws: ``LiveformError/Code/invalidParameter`` for an entry that is not an IPv4 or
    ///   IPv6 address or range, or an empty list.
    public init(allowing entries: [String], forwardedFor: ForwardedFor = .ignored) throws(LiveformError) {
        guard !entries.isEmpty else { throw .invalidParameter("a sender allow-list needs at least one entry") }
        var ranges: [IPRange] = []
        for entry in entries {
            guard let range = IPRange(entry) else {
                throw .invalidParameter("\"\(entry)\" is not an IP address or CIDR range")
            }
            ranges.append(range)
        }
        self.init(ranges: ranges, entries: entries, forwardedFor: forwardedFor)
    }

    private init(ranges: [IPRange], entries: [String], forwardedFor: ForwardedFor) {
        self.ranges = ranges
        self.entries = entries
        self.forwardedFor = forwardedFor
    }

    /// Whether `address` is on the list. Accepts `52.78.194.237`, `::ffff:52.78.194.237`,
    /// `[2001:db8::1]:443` or `52.78.194.237:8443`; anything unparseable is not allowed.
    public func allows(_ address: String) -> Bool {
        guard let parsed = IPAddress(hostOrEndpoint: address) else { return false }
        return ranges.contains { $0.contains(parsed) }
    }

    /// The address the check applies to: the chosen `X-Forwarded-For` entry when trusted
    /// and present, else `remoteAddress`.
    public func senderAddress(remoteAddress: String?, headers: [(name: String, value: String)]) -> String? {
        guard forwardedFor != .ignored else { return remoteAddress }
        let values = headers.filter { $0.name.lowercased() == "x-forwarded-for" }.map(\.value)
        guard !values.isEmpty else { return remoteAddress }
        let list = values.joined(separator: ",").split(separator: ",", omittingEmptySubsequences: false)
            .map { Array($0.utf8)[...].trimmingSpacesAndTabs().string }
        return forwardedFor == .firstEntry ? list.first : list.last
    }

    /// Checks the sender of a request.
    ///
    /// - Throws: ``LiveformError/Code/senderNotAllowed`` when the sender's address is
    ///   missing, unparseable or not on the list. The message names the address, for your
    ///   logs; ``WebhookHTTPHandler`` never sends it back.
    public func check(remoteAddress: String?, headers: [(name: String, value: String)] = []) throws(LiveformError) {
        guard let address = senderAddress(remoteAddress: remoteAddress, headers: headers) else {
            throw LiveformError(.senderNotAllowed, "the webhook sender's address is unknown and a sender policy is configured")
        }
        guard allows(address) else {
            throw LiveformError(.senderNotAllowed, "webhook sender \(address.prefix(64)) is not on the allow-list")
        }
    }
}

/// An IP address as a 128-bit number; IPv4 is stored IPv4-mapped (`::ffff:a.b.c.d`), so both
/// spellings of an IPv4 sender compare equal. Parsed from UTF-8 bytes in one pass with no
/// allocation beyond the copy of the text: the check runs on every webhook request.
struct IPAddress: Hashable {
    var value: UInt128

    /// Parses a plain address from its UTF-8 bytes (an IPv6 zone `%eth0` is ignored).
    init?(utf8 text: ArraySlice<UInt8>) {
        var text = text
        if let percent = text.firstIndex(of: UInt8(ascii: "%")) { text = text[..<percent] }
        if text.contains(UInt8(ascii: ":")) {
            guard let value = Self.parseIPv6(text) else { return nil }
            self.value = value
        } else {
            guard let v4 = Self.parseIPv4(text) else { return nil }
            value = 0xFFFF << 32 | UInt128(v4)
        }
    }

    /// Also accepts `[v6]`, `[v6]:port` and `v4:port`, as frameworks report remote endpoints.
    init?(hostOrEndpoint text: String) {
        let trimmed = Array(text.utf8)[...].trimmingSpacesAndTabs()
        let colon = UInt8(ascii: ":")
        if trimmed.first == UInt8(ascii: "[") {
            guard let close = trimmed.firstIndex(of: UInt8(ascii: "]")) else { return nil }
            let rest = trimmed[(close + 1)...]
            guard rest.isEmpty || (rest.first == colon && rest.count > 1 && rest.dropFirst().allSatisfy(\.isASCIIDigit)) else {
                return nil
            }
            self.init(utf8: trimmed[(trimmed.startIndex + 1)..<close])
        } else if trimmed.contains(UInt8(ascii: ".")), let colonIndex = trimmed.firstIndex(of: colon),
            trimmed.lastIndex(of: colon) == colonIndex
        {
            let port = trimmed[(colonIndex + 1)...]
            guard !port.isEmpty, port.allSatisfy(\.isASCIIDigit) else { return nil }
            self.init(utf8: trimmed[..<colonIndex])
        } else {
            self.init(utf8: trimmed)
        }
    }

    /// Dotted decimal, four parts of one to three digits each, no leading zeros (`010` means 8
    /// to some parsers and 10 to others).
    private static func parseIPv4(_ text: ArraySlice<UInt8>) -> UInt32? {
        var value: UInt32 = 0, part: UInt32 = 0, digits = 0, parts = 0
        for byte in text {
            if byte == UInt8(ascii: ".") {
                guard digits > 0, parts < 3 else { return nil }
                value = value << 8 | part
                parts += 1
                part = 0
                digits = 0
            } else if byte.isASCIIDigit {
                guard digits < 3, digits == 0 || part != 0 else { return nil }
                part = part * 10 + UInt32(byte - UInt8(ascii: "0"))
                guard part <= 255 else { return nil }
                digits += 1
            } else {
                return nil
            }
        }
        guard digits > 0, parts == 3 else { return nil }
        return value << 8 | part
    }

    /// Eight groups of one to four hex digits, at most one `::` standing for missing zero
    /// groups, and an optional dotted IPv4 tail worth two groups.
    private static func parseIPv6(_ text: ArraySlice<UInt8>) -> UInt128? {
        let colon = UInt8(ascii: ":")
        var gap: Int?
        var index = text.startIndex
        while index + 1 < text.endIndex {
            if text[index] == colon, text[index + 1] == colon {
                guard gap == nil else { return nil }
                gap = index
                index += 2
            } else {
                index += 1
            }
        }
        guard let gap else {
            guard let all = groups(text, allowIPv4Tail: true), all.count == 8 else { return nil }
            return all.bits
        }
        guard let head = groups(text[..<gap], allowIPv4Tail: false),
            let tail = groups(text[(gap + 2)...], allowIPv4Tail: true),
            head.count + tail.count <= 7
        else { return nil }
        return head.bits << (16 * (8 - head.count)) | tail.bits
    }

    /// The groups of one side of `::` (or of the whole address), as a number and a count.
    private static func groups(_ part: ArraySlice<UInt8>, allowIPv4Tail: Bool) -> (bits: UInt128, count: Int)? {
        guard !part.isEmpty else { return (0, 0) }
        var bits: UInt128 = 0, count = 0
        var start = part.startIndex
        while true {
            let end = part[start...].firstIndex(of: UInt8(ascii: ":")) ?? part.endIndex
            let piece = part[start..<end]
            if allowIPv4Tail, end == part.endIndex, piece.contains(UInt8(ascii: ".")) {
                guard let v4 = parseIPv4(piece) else { return nil }
                bits = bits << 32 | UInt128(v4)
                count += 2
            } else {
                guard (1...4).contains(piece.count) else { return nil }
                var group: UInt128 = 0
                for byte in piece {
                    guard let digit = hexDigitValue(byte) else { return nil }
                    group = group << 4 | UInt128(digit)
                }
                bits = bits << 16 | group
                count += 1
            }
            guard count <= 8 else { return nil }
            if end == part.endIndex { return (bits, count) }
            start = end + 1
        }
    }
}

/// An address or a CIDR range of the allow-list.
struct IPRange: Hashable {
    let network: IPAddress
    let prefixLength: Int

    init?(_ text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count),
            let address = IPAddress(utf8: Array(parts[0].utf8)[...].trimmingSpacesAndTabs())
        else { return nil }
        let isIPv4 = !parts[0].contains(":")
        if parts.count == 2 {
            guard parts[1].utf8.allSatisfy(\.isASCIIDigit), let bits = Int(parts[1]), bits <= (isIPv4 ? 32 : 128) else {
                return nil
            }
            prefixLength = isIPv4 ? 96 + bits : bits
        } else {
            prefixLength = 128
        }
        network = address
    }

    func contains(_ address: IPAddress) -> Bool {
        let mask: UInt128 = prefixLength == 0 ? 0 : ~0 << (128 - prefixLength)
        return (network.value ^ address.value) & mask == 0
    }
}

extension ArraySlice<UInt8> {
    /// Without leading and trailing spaces and tabs.
    fileprivate func trimmingSpacesAndTabs() -> ArraySlice<UInt8> {
        let isBlank = { (byte: UInt8) in byte == 0x20 || byte == 0x09 }
        guard let first = firstIndex(where: { !isBlank($0) }), let last = lastIndex(where: { !isBlank($0) }) else {
            return self[endIndex...]
        }
        return self[first...last]
    }

    fileprivate var string: String { String(decoding: self, as: UTF8.self) }
}

extension UInt8 {
    fileprivate var isASCIIDigit: Bool { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(self) }
}
