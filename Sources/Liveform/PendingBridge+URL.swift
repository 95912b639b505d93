// Temporary adapters: the contract signatures the URL area calls, on today's pointer versions
// owned by the crypto and JSON areas. Deleted at merge, when those areas provide them.
import LiveformBytes

extension TokenCipher {
    /// The crypto area's contract: ECB or GCM wire bytes of `plaintext`, appended to `output`.
    func seal(
        _ plaintext: Span<UInt8>, using key: AES256.Key, nonce: AES256.GCM.Nonce?, into output: inout OutputSpan<UInt8>
    ) throws(LiveformError) {
        try unsafe plaintext.withUnsafeBytes { (input) throws(LiveformError) in
            try unsafe output.withUnsafeMutableBufferPointer { (buffer, count) throws(LiveformError) in
                let wire = unsafe UnsafeMutableRawBufferPointer(UnsafeMutableBufferPointer(rebasing: buffer[count...]))
                do throws(LiveformError) {
                    count += try unsafe seal(input, using: key, nonce: nonce, into: wire)
                } catch {
                    unsafe wire.initializeMemory(as: UInt8.self, repeating: 0)
                    throw error
                }
            }
        }
    }
}

extension LiveformBytes.Base64 {
    /// The crypto area's contract: base64 text read leniently.
    static func decode(_ input: Span<UInt8>) throws(DecodingError) -> [UInt8] {
        try unsafe input.withUnsafeBytes { (bytes) throws(DecodingError) in try unsafe decode(bytes) }
    }
}

extension NameTable {
    /// The JSON area's contract: the value of the name with exactly these bytes.
    func value(for bytes: Span<UInt8>) -> Value? {
        unsafe bytes.withUnsafeBytes { unsafe value(for: $0) }
    }
}
