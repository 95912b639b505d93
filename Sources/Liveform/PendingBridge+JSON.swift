// Temporary: the crypto area's contract functions with their new signatures, over today's
// versions, so that this branch builds. Deleted at merge.

extension TokenCipher {
    /// `open(_:using:accept:)` with the plaintext lent as a `Span`; an error `body` throws
    /// ends the search and is rethrown.
    package func open<T>(
        _ wire: [UInt8], using keys: [AES256.Key], _ body: (Span<UInt8>) throws(LiveformError) -> T?
    ) throws(LiveformError) -> T {
        let outcome: Result<T, LiveformError> = try open(wire, using: keys) { (plaintext: [UInt8]) -> Result<T, LiveformError>? in
            do throws(LiveformError) {
                return try body(plaintext.span).map { .success($0) }
            } catch {
                return .failure(error)
            }
        }
        return try outcome.get()
    }

    /// `wireBytes(ofText:)` for a token lent as a `Span`.
    package func wireBytes(ofText token: Span<UInt8>) throws(LiveformError) -> [UInt8] {
        try unsafe token.withUnsafeBytes { (raw) throws(LiveformError) in try unsafe wireBytes(ofText: raw) }
    }
}
