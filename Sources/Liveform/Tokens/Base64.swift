import LiveformBytes

/// Base64 as the wire format reads and writes it (§2): the codec of `LiveformBytes`, with its
/// errors as ``LiveformError/Code/malformedInput``.
package enum Base64 {
    private typealias Codec = LiveformBytes.Base64

    /// The length of the base64 text of `count` bytes.
    package static func encodedLength(_ count: Int) -> Int { Codec.encodedLength(count) }

    /// The most bytes `count` characters of base64 text decode to (an upper bound).
    package static func maxDecodedLength(_ count: Int) -> Int { Codec.maxDecodedLength(count) }

    /// Writes the base64 text of `input` at `output` (which must hold `encodedLength` bytes);
    /// returns its length.
    package static func encode(_ input: UnsafeRawBufferPointer, into output: UnsafeMutablePointer<UInt8>) -> Int {
        Codec.encode(input, into: UnsafeMutableRawBufferPointer(start: output, count: encodedLength(input.count)))
    }

    /// The standard, padded base64 text of `bytes`.
    package static func encode(_ bytes: UnsafeRawBufferPointer) -> String { Codec.encode(bytes) }

    /// The standard, padded base64 text of `bytes`.
    package static func encode(_ bytes: some Collection<UInt8>) -> String { Codec.encode(bytes) }

    /// Reads base64 leniently (§2).
    ///
    /// - Throws: ``LiveformError/Code/malformedInput`` for a byte outside the accepted
    ///   alphabet, data after padding, or a length no base64 text can have.
    package static func decode(_ text: some StringProtocol) throws(LiveformError) -> [UInt8] {
        do { return try Codec.decode(text.utf8) } catch { throw .malformed(error.message) }
    }

    package static func decode(_ bytes: [UInt8]) throws(LiveformError) -> [UInt8] {
        do { return try Codec.decode(bytes) } catch { throw .malformed(error.message) }
    }

    package static func decode(_ input: UnsafeRawBufferPointer) throws(LiveformError) -> [UInt8] {
        do { return try Codec.decode(input) } catch { throw .malformed(error.message) }
    }

    /// Reads base64 text given in pieces (see `LiveformBytes.Base64.Decoder`).
    package struct Decoder {
        private var decoder = Codec.Decoder()

        package init() {}

        /// Decodes `input` to `output`, which must hold `maxDecodedLength(input.count)` bytes;
        /// returns the bytes written.
        package mutating func update(_ input: UnsafeRawBufferPointer, into output: UnsafeMutablePointer<UInt8>) throws(LiveformError) -> Int {
            let buffer = UnsafeMutableRawBufferPointer(start: output, count: maxDecodedLength(input.count))
            do { return try decoder.update(input, into: buffer) } catch { throw .malformed(error.message) }
        }

        /// Ends the text: writes the last one or two bytes (at most 2) and checks the padding.
        package mutating func finish(into output: UnsafeMutablePointer<UInt8>) throws(LiveformError) -> Int {
            do { return try decoder.finish(into: UnsafeMutableRawBufferPointer(start: output, count: 2)) } catch {
                throw .malformed(error.message)
            }
        }
    }
}
