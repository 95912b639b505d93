extension SIMDMask where Storage == SIMD16<Int8> {
    /// Whether every lane is set, as two 64-bit compares: the standard library's `all(_:)`
    /// reduces the 16 lanes one at a time.
    ///
    /// `@inlinable`: the JSON reader and the query splitter call these once per block from
    /// another module, and only inlined there do they become two register operations.
    @inlinable
    package var allSet: Bool {
        let words = unsafeBitCast(self, to: SIMD2<UInt64>.self)
        return words[0] & words[1] == .max
    }

    /// Whether any lane is set, as one OR of two 64-bit words (see ``allSet``, also for
    /// `@inlinable`).
    @inlinable
    package var anySet: Bool {
        let words = unsafeBitCast(self, to: SIMD2<UInt64>.self)
        return words[0] | words[1] != 0
    }
}
