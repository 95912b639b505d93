import LiveformBackends
import LiveformBytes

/// Base64 as the wire format reads and writes it (§2): the codec of `LiveformBytes`, with its
/// errors as ``LiveformError/Code/malformedInput``.
package enum Base64 {
    private typealias Codec = LiveformBytes.Base64

    /// The length of the base64 text of `count` bytes.
    package static func encodedLength(_ count: Int) -> Int { Codec.encodedLength(count) }

    /// The most bytes `count` characters of base64 text decode to (an upper bound).
    package static func maxDecodedLength(_ count: Int) -> Int { Codec.maxDecodedLength(count) }

    /// Appends the base64 text of `input` to `output`, which must have `encodedLength` bytes free.
    package static func encode(_ input: Span<UInt8>, into output: inout OutputSpan<UInt8>) { Codec.encode(input, into: &output) }

    /// The standard, padded base64 text of `bytes`.
    package static func encode(_ bytes: Span<UInt8>) -> String { Codec.encode(bytes) }

    /// The standard, padded base64 text of `bytes`.
    package static func encode(_ bytes: some Collection<UInt8>) -> String { withByteSpan(bytes) { Codec.encode($0) } }

    /// Reads base64 leniently (§2).
    ///
    /// - Throws: ``LiveformError/Code/malformedInput`` for a byte outside the accepted
    ///   alphabet, data after padding, or a length no base64 text can have.
    package static func decode(_ input: Span<UInt8>) throws(LiveformError) -> [UInt8] {
        do { return try Codec.decode(input) } catch { throw .malformed(error.message) }
    }

    package static func decode(_ text: some StringProtocol) throws(LiveformError) -> [UInt8] {
        try withByteSpan(text.utf8) { (input) throws(LiveformError) in try decode(input) }
    }

    package static func decode(_ bytes: [UInt8]) throws(LiveformError) -> [UInt8] { try decode(bytes.span) }

    /// Reads base64 text given in pieces (see `LiveformBytes.Base64.Decoder`).
    package struct Decoder: Sendable {
        private var decoder = Codec.Decoder()

        package init() {}

        /// Decodes `input` and appends the bytes to `output`, which must have
        /// `maxDecodedLength(input.count)` bytes free.
        package mutating func update(_ input: Span<UInt8>, into output: inout OutputSpan<UInt8>) throws(LiveformError) {
            do { try decoder.update(input, into: &output) } catch { throw .malformed(error.message) }
        }

        /// Ends the text: appends the last one or two bytes (2 bytes free) and checks the padding.
        package mutating func finish(into output: inout OutputSpan<UInt8>) throws(LiveformError) {
            do { try decoder.finish(into: &output) } catch { throw .malformed(error.message) }
        }
    }
}
