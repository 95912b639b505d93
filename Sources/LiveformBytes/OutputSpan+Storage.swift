// Where bytes are written: a new `String` or scratch memory on the stack, each lent to the
// caller as an `OutputSpan`, so code outside this target writes bytes without pointers.

extension String {
    /// A string whose UTF-8 bytes `body` appends to an `OutputSpan` of `capacity` bytes.
    ///
    /// The string owns the memory `body` writes into: nothing is copied afterwards. Bytes that
    /// are not valid UTF-8 are repaired as `String(unsafeUninitializedCapacity:)` repairs them;
    /// the callers write ASCII.
    @inlinable  // specialized in the caller: unspecialized, every call instantiates generic metadata
    package init<E: Error>(
        utf8Capacity capacity: Int, initializingUTF8With body: (inout OutputSpan<UInt8>) throws(E) -> Void
    ) throws(E) {
        var failure: E?
        self = unsafe String(unsafeUninitializedCapacity: capacity) { buffer in
            var output = unsafe OutputSpan(buffer: buffer, initializedCount: 0)
            do throws(E) { try body(&output) } catch { failure = error }
            return unsafe output.finalize(for: buffer)
        }
        if let failure { throw failure }
    }
}

extension Array where Element == UInt8 {
    /// An array whose bytes `body` appends to an `OutputSpan` of `capacity` bytes, as the
    /// standard library's `init(capacity:initializingWith:)` makes one.
    ///
    /// That initializer allocates through a function that is never specialized outside the
    /// standard library, and looks up the storage's generic metadata at run time on every
    /// call; `append(addingCapacity:initializingWith:)` is emitted into the caller, where a
    /// byte array's storage is allocated directly.
    @inlinable
    package init<E: Error>(
        byteCapacity capacity: Int, initializingWith body: (inout OutputSpan<UInt8>) throws(E) -> Void
    ) throws(E) {
        self = []
        // With no capacity to add, `append(addingCapacity:)` on an empty array writes the
        // count of the storage all empty arrays share: two threads doing it at once are a data
        // race (ThreadSanitizer reported one, an empty GCM plaintext decrypted on two threads).
        if capacity > 0 {
            try append(addingCapacity: capacity, initializingWith: body)
        } else {
            try withScratchBytes(capacity: 0) { (output) throws(E) in try body(&output) }
        }
    }
}

/// Runs `body` with an empty `OutputSpan` of `capacity` bytes of scratch memory, on the stack
/// when it is small (as `withUnsafeTemporaryAllocation` decides), and returns its result.
///
/// Whatever `body` writes lives only for the call; read it back through `output.span`.
@inlinable  // specialized in the caller: unspecialized, every call instantiates `Result` metadata
package func withScratchBytes<R: ~Copyable, E: Error>(
    capacity: Int, _ body: (inout OutputSpan<UInt8>) throws(E) -> R
) throws(E) -> R {
    try unsafe withUnsafeTemporaryAllocation(of: UInt8.self, capacity: capacity) { (buffer) throws(E) -> R in
        var output = unsafe OutputSpan(buffer: buffer, initializedCount: 0)
        return try body(&output)
    }
}

/// Lends `bytes` as a `Span`: in place when the collection has contiguous storage (an array,
/// `Data`, a buffer), else from a copy.
///
/// An array is lent straight away. A public entry point called from another module runs
/// unspecialized, and so does this function inside it: there the general path builds `Result`
/// metadata at run time on every call, so it is a function of its own, which an array never
/// enters.
@inlinable
package func withByteSpan<Bytes: Collection<UInt8>, R, E: Error>(
    _ bytes: Bytes, _ body: (Span<UInt8>) throws(E) -> R
) throws(E) -> R {
    if Bytes.self == [UInt8].self {
        let array = unsafeBitCast(bytes, to: [UInt8].self)
        return try body(array.span)
    }
    return try withAnyByteSpan(bytes, body)
}

/// `withByteSpan` for a collection that is not an array.
@inlinable
func withAnyByteSpan<Bytes: Collection<UInt8>, R, E: Error>(
    _ bytes: Bytes, _ body: (Span<UInt8>) throws(E) -> R
) throws(E) -> R {
    var outcome: Result<R, E>?
    _ = bytes.withContiguousStorageIfAvailable { buffer in
        outcome = Result { () throws(E) -> R in try body(buffer.span) }
    }
    if let outcome { return try outcome.get() }
    let copy = Array(bytes)
    return try body(copy.span)
}
