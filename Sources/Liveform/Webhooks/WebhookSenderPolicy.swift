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
    public static let argos = WebhookSenderPolicy(ranges: argosPublishedSenders.map { IPRange($0)! },
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
            .map { $0.trimmingWhitespace() }
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

extension Substring {
    fileprivate func trimmingWhitespace() -> String {
        String(drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
    }
}

/// An IP address as 16 bytes; IPv4 is stored IPv4-mapped (`::ffff:a.b.c.d`), so both
/// spellings of an IPv4 sender compare equal.
struct IPAddress: Hashable {
    var bytes: [UInt8]

    /// Parses a plain address (an IPv6 zone `%eth0` is ignored).
    init?(_ text: some StringProtocol) {
        var text = Substring(text)
        if let percent = text.firstIndex(of: "%") { text = text[..<percent] }
        if text.contains(":") {
            guard let bytes = Self.parseIPv6(text) else { return nil }
            self.bytes = bytes
        } else {
            guard let v4 = Self.parseIPv4(text) else { return nil }
            bytes = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF] + v4
        }
    }

    /// Also accepts `[v6]`, `[v6]:port` and `v4:port`, as frameworks report remote endpoints.
    init?(hostOrEndpoint text: String) {
        let trimmed = Substring(text).trimmingWhitespace()
        if trimmed.hasPrefix("[") {
            guard let close = trimmed.firstIndex(of: "]") else { return nil }
            let rest = trimmed[trimmed.index(after: close)...]
            guard rest.isEmpty || (rest.hasPrefix(":") && rest.dropFirst().allSatisfy(\.isASCIIDigit) && rest.count > 1) else {
                return nil
            }
            self.init(trimmed[trimmed.index(after: trimmed.startIndex)..<close])
        } else if trimmed.contains("."), trimmed.filter({ $0 == ":" }).count == 1 {
            let parts = trimmed.split(separator: ":", omittingEmptySubsequences: false)
            guard parts[1].allSatisfy(\.isASCIIDigit), !parts[1].isEmpty else { return nil }
            self.init(parts[0])
        } else {
            self.init(trimmed)
        }
    }

    private static func parseIPv4(_ text: Substring) -> [UInt8]? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var bytes: [UInt8] = []
        for part in parts {
            // No leading zeros: `010` means 8 to some parsers and 10 to others.
            guard (1...3).contains(part.count), part.allSatisfy(\.isASCIIDigit),
                  part.count == 1 || part.first != "0", let value = UInt8(part) else { return nil }
            bytes.append(value)
        }
        return bytes
    }

    private static func parseIPv6(_ text: Substring) -> [UInt8]? {
        func groups(_ part: Substring, allowIPv4Tail: Bool) -> [UInt8]? {
            guard !part.isEmpty else { return [] }
            var bytes: [UInt8] = []
            let pieces = part.split(separator: ":", omittingEmptySubsequences: false)
            for (index, piece) in pieces.enumerated() {
                if allowIPv4Tail, index == pieces.count - 1, piece.contains(".") {
                    guard let v4 = parseIPv4(piece) else { return nil }
                    bytes += v4
                } else {
                    guard (1...4).contains(piece.count), let value = UInt16(piece, radix: 16) else { return nil }
                    bytes += [UInt8(value >> 8), UInt8(value & 0xFF)]
                }
            }
            return bytes
        }
        let halves = text.split(separator: "::", maxSplits: 2, omittingEmptySubsequences: false)
        switch halves.count {
        case 1:
            guard let bytes = groups(text, allowIPv4Tail: true), bytes.count == 16 else { return nil }
            return bytes
        case 2:
            guard let head = groups(halves[0], allowIPv4Tail: false),
                  let tail = groups(halves[1], allowIPv4Tail: true),
                  head.count + tail.count <= 14 else { return nil }
            return head + [UInt8](repeating: 0, count: 16 - head.count - tail.count) + tail
        default:
            return nil
        }
    }
}

/// An address or a CIDR range of the allow-list.
struct IPRange: Hashable {
    let network: IPAddress
    let prefixLength: Int

    init?(_ text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), let address = IPAddress(parts[0].trimmingWhitespace()) else { return nil }
        let isIPv4 = !parts[0].contains(":")
        if parts.count == 2 {
            guard parts[1].allSatisfy(\.isASCIIDigit), let bits = Int(parts[1]), bits <= (isIPv4 ? 32 : 128) else {
                return nil
            }
            prefixLength = isIPv4 ? 96 + bits : bits
        } else {
            prefixLength = 128
        }
        network = address
    }

    func contains(_ address: IPAddress) -> Bool {
        var remaining = prefixLength
        for index in 0..<16 where remaining > 0 {
            let bits = min(8, remaining)
            let mask = UInt8(truncatingIfNeeded: 0xFF << (8 - bits))
            guard network.bytes[index] & mask == address.bytes[index] & mask else { return false }
            remaining -= bits
        }
        return true
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}
