@testable import Liveform

extension APIBodyCodec {
    /// The request body of `plaintext` as text: the tests build and compare bodies as strings.
    func requestText(_ plaintext: some Collection<UInt8>) throws(LiveformError) -> String {
        String(decoding: try encrypt(plaintext), as: UTF8.self)
    }

    /// The response body of `plaintext` as text.
    func responseText(_ plaintext: some Collection<UInt8>) throws(LiveformError) -> String {
        String(decoding: try encryptResponse(plaintext), as: UTF8.self)
    }
}
