internal import CLiveformSIMD
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// AVX2 kernels for the bulk of long base64 texts (CLiveformSIMD: Muła and Lemire's
/// algorithms). They do whole blocks of the plain standard alphabet and nothing else;
/// Liveform's `Base64` does the rest with its scalar code, so padding, the lenient alphabet
/// and every error message stay in one place. Without AVX2 (other CPUs, aarch64) they do
/// nothing and `Base64` is all scalar.
package enum SIMDBase64 {
    /// The kernels work on this machine (x86-64 with AVX2).
    package static let isAvailable: Bool = liveform_base64_simd_available() != 0

    /// Whether `Base64` uses the kernels by default: available, and the environment variable
    /// `LIVEFORM_BASE64_SCALAR` is not `1` (read once; for measuring and for ruling the
    /// kernels out when chasing a problem).
    package static let isEnabled: Bool = {
        guard isAvailable else { return false }
        guard let value = getenv("LIVEFORM_BASE64_SCALAR") else { return true }
        return String(cString: value) != "1"
    }()

    /// Encodes whole 24-byte blocks from the start of `input` to 32 characters each at
    /// `output` (which must hold `input.count / 3 * 4` bytes). Reads only `input`, writes
    /// exactly `written` bytes. `consumed` is a multiple of 24, 0 when the kernels are not
    /// available or `input` is short; the rest of `input` is the caller's.
    @inline(__always)
    package static func encodeBlocks(_ input: UnsafeRawBufferPointer,
                                     into output: UnsafeMutablePointer<UInt8>) -> (consumed: Int, written: Int) {
        run(liveform_base64_encode_blocks, input.baseAddress?.assumingMemoryBound(to: UInt8.self), input.count, output)
    }

    /// Decodes the longest prefix of `input` made of whole 32-character blocks of only
    /// `A–Z a–z 0–9 + /` to 24 bytes each at `output`, and stops before the first block with
    /// any other byte (padding, URL-safe or skipped characters, invalid bytes). `output` must
    /// hold `input.count / 4 * 3` bytes: nothing is written past that, though up to 8 bytes
    /// past `written` may be. `consumed` is a multiple of 32, 0 when the kernels are not available.
    @inline(__always)
    package static func decodeBlocks(_ input: UnsafeRawBufferPointer,
                                     into output: UnsafeMutablePointer<UInt8>) -> (consumed: Int, written: Int) {
        run(liveform_base64_decode_blocks, input.baseAddress?.assumingMemoryBound(to: UInt8.self), input.count, output)
    }
}

extension SIMDBase64 {
    /// Calls a block kernel of the C target's shape (input, its length, output, bytes
    /// written; returns the bytes consumed): nothing for no input.
    @inline(__always)
    private static func run(_ kernel: (UnsafePointer<UInt8>?, Int, UnsafeMutablePointer<UInt8>?, UnsafeMutablePointer<Int>?) -> Int,
                            _ input: UnsafePointer<UInt8>?, _ count: Int,
                            _ output: UnsafeMutablePointer<UInt8>) -> (consumed: Int, written: Int) {
        guard let input else { return (0, 0) }
        var written = 0
        let consumed = kernel(input, count, output, &written)
        return (consumed, written)
    }

    /// Percent-encodes whole 16-character blocks from the start of base64 text `input` to
    /// `output` (`+` `/` `=` as `%2B` `%2F` `%3D`, everything else copied), which must hold 3
    /// bytes per character consumed; writes exactly `written` bytes. `consumed` is a multiple
    /// of 16, 0 when the kernels are not available; the rest of `input` is the caller's.
    @inline(__always)
    package static func percentEncodeBlocks(_ input: UnsafeBufferPointer<UInt8>,
                                            into output: UnsafeMutablePointer<UInt8>) -> (consumed: Int, written: Int) {
        run(liveform_percent_encode_base64, input.baseAddress, input.count, output)
    }
}

/// The AVX2 kernel behind JSON string scanning: long runs of plain string bytes (the base64
/// image in a multi-megabyte body) are skipped 32 bytes per compare. Without AVX2 it skips
/// nothing and the Swift scanner (8 bytes a word) does all the work.
package enum SIMDJSONScan {
    /// How many bytes from `offset` on, in whole 32-byte blocks, hold no `"`, backslash,
    /// control character or non-ASCII byte (0 without AVX2). The byte after them, if any, is
    /// in a block that holds one, or in a last block shorter than 32 bytes.
    @inline(__always)
    package static func plainPrefix(_ input: UnsafeRawBufferPointer, from offset: Int) -> Int {
        guard let base = input.baseAddress, offset < input.count else { return 0 }
        return liveform_json_plain_prefix(base.assumingMemoryBound(to: UInt8.self) + offset, input.count - offset)
    }
}
