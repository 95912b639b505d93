// Whole pieces appended to an `OutputSpan<UInt8>` in one call each: the copies the URL and JSON
// writers are made of, done with pointer kernels so that the callers stay pointer-free.

extension OutputSpan where Element == UInt8 {
    /// Appends a copy of `bytes`, which must fit in `freeCapacity`.
    @inlinable
    package mutating func append(copying bytes: Span<UInt8>) {
        precondition(bytes.count <= freeCapacity, "OutputSpan has no room for the bytes")
        bytes.withUnsafeBufferPointer { source in
            withUnsafeMutableBufferPointer { buffer, count in
                guard let from = source.baseAddress, let to = buffer.baseAddress else { return }
                copyBytes(from, count: source.count, to: to + count)
                count += source.count
            }
        }
    }

    /// Appends the UTF-8 bytes of `text`, which must fit in `freeCapacity`.
    @inlinable
    package mutating func append(utf8 text: StaticString) {
        let length = text.utf8CodeUnitCount
        precondition(length <= freeCapacity, "OutputSpan has no room for the text")
        withUnsafeMutableBufferPointer { buffer, count in
            guard let to = buffer.baseAddress else { return }
            copyBytes(text.utf8Start, count: length, to: to + count)
            count += length
        }
    }

    /// Overwrites the bytes written so far with zeros, then empties the span: no secret is
    /// left in the memory it lends.
    package mutating func removeAllWiping() {
        withUnsafeMutableBufferPointer { buffer, count in
            UnsafeMutableBufferPointer(rebasing: buffer[..<count]).update(repeating: 0)
            count = 0
        }
    }
}

/// Copies `count` bytes. Up to 16 bytes (the names and values URLs and JSON are made of) with
/// two overlapping loads and stores, which read and write nothing outside the two ranges: a
/// call to `memmove` costs more than such a copy.
@inlinable
package func copyBytes(_ source: UnsafePointer<UInt8>, count: Int, to out: UnsafeMutablePointer<UInt8>) {
    let from = UnsafeRawPointer(source), to = UnsafeMutableRawPointer(out)
    switch count {
    case 8...16:
        let head = from.loadUnaligned(as: UInt64.self), tail = from.loadUnaligned(fromByteOffset: count &- 8, as: UInt64.self)
        to.storeBytes(of: head, as: UInt64.self)
        to.storeBytes(of: tail, toByteOffset: count &- 8, as: UInt64.self)
    case 4..<8:
        let head = from.loadUnaligned(as: UInt32.self), tail = from.loadUnaligned(fromByteOffset: count &- 4, as: UInt32.self)
        to.storeBytes(of: head, as: UInt32.self)
        to.storeBytes(of: tail, toByteOffset: count &- 4, as: UInt32.self)
    case 0..<4:
        for offset in 0..<count { out[offset] = source[offset] }
    default:
        out.update(from: source, count: count)
    }
}
