import Foundation
import Liveform
import Testing

@Suite("Webhook sender policy: allow-list, IPv4-mapped IPv6, CIDR, X-Forwarded-For")
struct WebhookSenderPolicyTests {
    let key: AES256.Key
    let body: [UInt8]

    init() throws {
        key = try AES256.Key(credential: "DEMO-ONLY-secretKey-0000")
        body = Array(try WebhookEncoder(key: key).encode(Array(#"{"webhook_trigger":"submit"}"#.utf8)).utf8)
    }

    @Test(
        "the published ARGOS sender, in every spelling a server reports it",
        arguments: [
            "52.78.194.237", "::ffff:52.78.194.237", "::FFFF:52.78.194.237", "0:0:0:0:0:ffff:344e:c2ed",
            "[::ffff:52.78.194.237]:443", "52.78.194.237:8443", " 52.78.194.237 ",
        ])
    func allowed(address: String) throws {
        #expect(WebhookSenderPolicy.argosPublishedSenders == ["52.78.194.237"])
        #expect(WebhookSenderPolicy.argos.allows(address))
        let decoder = WebhookDecoder(keys: [key], senderPolicy: .argos)
        #expect(try decoder.decode(body: body, remoteAddress: address).trigger == .submit)
    }

    @Test(
        "anything else is senderNotAllowed, before any decryption",
        arguments: [
            "52.78.194.238", "10.0.0.1", "::1", "::ffff:52.78.194.238", "2001:db8::1", "52.78.194.237.1",
            "052.78.194.237", "localhost", "", "[52.78.194.237]x", "52.78.194.237:",
        ])
    func denied(address: String) throws {
        #expect(!WebhookSenderPolicy.argos.allows(address))
        let decoder = WebhookDecoder(keys: [key], senderPolicy: .argos)
        #expect(throws: LiveformError.senderNotAllowed) { try decoder.decode(body: body, remoteAddress: address) }
        // Checked first: a garbage body, no key, still reports the sender.
        let keyless = WebhookDecoder(keys: [], maxBodySize: 1, senderPolicy: .argos)
        #expect(throws: LiveformError.senderNotAllowed) { try keyless.decode(body: Array("garbage".utf8), remoteAddress: address) }
    }

    @Test("a missing address with a policy configured is senderNotAllowed; without a policy nothing is checked")
    func missingAddress() throws {
        #expect(throws: LiveformError.senderNotAllowed) {
            try WebhookDecoder(keys: [key], senderPolicy: .argos).decode(body: body)
        }
        #expect(try WebhookDecoder(keys: [key]).decode(body: body, remoteAddress: "203.0.113.9").trigger == .submit)
        #expect(try WebhookDecoder(keys: [key]).decode(body: body).trigger == .submit)
    }

    @Test("CIDR ranges for IPv4 and IPv6")
    func ranges() throws {
        let policy = try WebhookSenderPolicy(allowing: ["10.0.0.0/8", "192.168.1.128/25", "2001:db8::/32", "fe80::1"])
        for address in ["10.1.2.3", "::ffff:10.255.255.255", "192.168.1.200", "2001:db8:ffff::1", "fe80::1%eth0", "FE80:0::1"] {
            #expect(policy.allows(address), "\(address)")
        }
        for address in ["11.0.0.1", "192.168.1.127", "2001:db9::1", "fe80::2", "::a00:1"] {
            #expect(!policy.allows(address), "\(address)")
        }
        #expect(try WebhookSenderPolicy(allowing: ["0.0.0.0/0"]).allows("8.8.8.8"))
        #expect(try !WebhookSenderPolicy(allowing: ["0.0.0.0/0"]).allows("2001:db8::1"))
        #expect(try WebhookSenderPolicy(allowing: ["::/0"]).allows("2001:db8::1"))
        #expect(try WebhookSenderPolicy(allowing: ["::/0"]).allows("::"))
        let full = try WebhookSenderPolicy(allowing: ["1:2:3:4:5:6:7:8/128", "::7:8/112"])
        #expect(full.allows("1:2:3:4:5:6:7:8") && full.allows("0001:0002:0003:0004:0005:0006:0007:0008") && full.allows("::7:ffff"))
        #expect(!full.allows("1:2:3:4:5:6:7:9") && !full.allows("::8:8"))
    }

    @Test(
        "entries that are not addresses are invalidParameter",
        arguments: [
            [], ["52.78.194"], ["52.78.194.256"], ["10.0.0.0/33"], ["::/129"], ["1:2:3:4:5:6:7:8:9"], ["1::2::3"],
            ["12345::"], ["10.0.0.0/"], ["example.com"],
            ["1:2:3:4:5:6:7::8"], ["::ffff:1.2.3"], ["1.2.3.4.5"], ["1.2.3.04"], [":1::2"], ["1:2:3:4:5:6:7:"],
        ])
    func badEntries(entries: [String]) {
        #expect(throws: LiveformError.invalidParameter) { try WebhookSenderPolicy(allowing: entries) }
    }

    @Test("X-Forwarded-For is ignored unless trusted")
    func forwardedForIgnored() throws {
        let decoder = WebhookDecoder(keys: [key], senderPolicy: .argos)
        let spoofed = [(name: "X-Forwarded-For", value: "52.78.194.237")]
        #expect(throws: LiveformError.senderNotAllowed) {
            try decoder.decode(body: body, headers: spoofed, remoteAddress: "203.0.113.9")
        }
        #expect(
            try decoder.decode(
                body: body, headers: [(name: "X-Forwarded-For", value: "203.0.113.9")],
                remoteAddress: "52.78.194.237"
            ).trigger == .submit)
    }

    @Test("X-Forwarded-For trusted: the first (or last) entry is the sender")
    func forwardedForTrusted() throws {
        let first = try WebhookSenderPolicy(allowing: WebhookSenderPolicy.argosPublishedSenders, forwardedFor: .firstEntry)
        let decoder = WebhookDecoder(keys: [key], senderPolicy: first)
        let proxy = "10.0.0.5"
        #expect(
            try decoder.decode(
                body: body, headers: [(name: "x-forwarded-for", value: "52.78.194.237, 10.0.0.7")],
                remoteAddress: proxy
            ).trigger == .submit)
        #expect(throws: LiveformError.senderNotAllowed) {
            try decoder.decode(body: body, headers: [(name: "X-Forwarded-For", value: "203.0.113.9, 52.78.194.237")], remoteAddress: proxy)
        }
        // No header: the connection's address is used.
        #expect(throws: LiveformError.senderNotAllowed) { try decoder.decode(body: body, remoteAddress: proxy) }
        #expect(try decoder.decode(body: body, remoteAddress: "52.78.194.237").trigger == .submit)
        // Several header lines read as one comma-separated list.
        let lines = [(name: "X-Forwarded-For", value: "52.78.194.237"), (name: "X-Forwarded-For", value: "10.0.0.7")]
        #expect(first.senderAddress(remoteAddress: proxy, headers: lines) == "52.78.194.237")

        var last = first
        last.forwardedFor = .lastEntry
        #expect(last.senderAddress(remoteAddress: proxy, headers: lines) == "10.0.0.7")
        #expect(
            try WebhookDecoder(keys: [key], senderPolicy: last)
                .decode(body: body, headers: [(name: "X-Forwarded-For", value: "203.0.113.9, 52.78.194.237")], remoteAddress: proxy)
                .trigger == .submit)
    }
}
