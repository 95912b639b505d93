import ArgumentParser
import Foundation
import Liveform

enum RawMode: String, ExpressibleByArgument, CaseIterable {
    case ecb, cbc, gcm
    var mode: TokenCipher.Mode { TokenCipher.Mode(rawValue: rawValue) ?? .ecb }
}

/// `liveform encrypt`: text → token, like the vendor's desktop encryption tool.
struct Encrypt: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Encrypt text into a base64 token (ecb: C; cbc: IV‖C; gcm: nonce‖C‖tag).")

    @Option(help: "The cipher: ecb, cbc or gcm.") var mode: RawMode
    @Argument(help: "The text; - or nothing reads standard input.") var text: String?
    @Option(help: ArgumentHelp("A fixed IV (cbc, 16 bytes) or nonce (gcm, 12 bytes) in hex, for test vectors only.", valueName: "hex")) var iv:
        String?
    @OptionGroup var keys: KeyOptions
    @OptionGroup var common: CommonOptions

    func run() throws {
        // Text from standard input is taken byte for byte (a trailing newline is encrypted too).
        let plaintext: [UInt8]
        if let text, text != "-" {
            plaintext = Array(text.utf8)
        } else {
            plaintext = Array(try readInput(nil))
        }
        let token = try TokenCipher(mode: mode.mode, backend: common.backend)
            .encrypt(plaintext, using: try keys.key(), iv: try parseHex(iv, option: "--iv"))
        CLIContext.current.write(token + "\n")
    }
}

/// `liveform decrypt`: token → text.
struct Decrypt: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Decrypt a base64 token and print the plaintext.",
        discussion: """
            With several keys, ECB and CBC cannot always tell a wrong key from the right one (a \
            wrong key passes the padding check about once in 256 tries): give one key here, or use \
            decode, return-url decode, webhook decrypt or body decrypt, which also check the JSON.
            """)

    @Option(help: "The cipher: ecb, cbc or gcm.") var mode: RawMode
    @Argument(help: "The token; - or nothing reads standard input.") var token: String?
    @OptionGroup var keys: KeyOptions
    @OptionGroup var common: CommonOptions

    func run() throws {
        let text = try token.flatMap { $0 == "-" ? nil : $0 } ?? String(decoding: try readInput(nil), as: UTF8.self)
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        let plaintext = try TokenCipher(mode: mode.mode, backend: common.backend).decrypt(trimmed, using: try keys.keys())
        CLIContext.current.writeBytes(plaintext)
        if plaintext.last != UInt8(ascii: "\n") { CLIContext.current.write("\n") }
    }
}
