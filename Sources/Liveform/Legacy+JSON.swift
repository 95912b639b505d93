import LiveformBytes

// Temporary: the JSON area's functions with the signatures that files outside it still call.
// Deleted at merge, once those callers pass `Span`s.

extension JSONReader {
    /// APIBodyCodec+Streaming.swift.
    package static func parse(_ bytes: [UInt8]) throws(LiveformError) -> JSONValue {
        try parse(bytes.span)
    }

    /// LiveformFuzz.
    package static func scan(_ input: UnsafeRawBufferPointer) -> Scan? {
        unsafe input.withMemoryRebound(to: UInt8.self) { unsafe scan($0.span) }
    }

    /// APIBodyCodec+Streaming.swift.
    static func skipPlainBytes(_ input: UnsafeRawBufferPointer, from start: Int) -> Int {
        unsafe input.withMemoryRebound(to: UInt8.self) { unsafe JSONBytes.skipPlainBytes($0.span, from: start) }
    }
}

extension DataEnvelope {
    /// APIBodyCodec+Streaming.swift.
    static func token(of body: [UInt8], maxSize: Int) throws(LiveformError) -> String {
        try token(of: body.span, maxSize: maxSize)
    }

    /// APIBodyCodec.swift and APIBodyCodec+Streaming.swift.
    static func isAcceptedJSON(_ plaintext: UnsafeRawBufferPointer, objectOnly: Bool) -> Bool {
        unsafe plaintext.withMemoryRebound(to: UInt8.self) { unsafe isAcceptedJSON($0.span, objectOnly: objectOnly) }
    }
}

extension JSONWriter {
    /// LiveformURLBuilder.swift.
    package static func writeEscape(_ value: UInt8, at out: UnsafeMutablePointer<UInt8>) -> Int {
        var written = 0
        withScratchBytes(capacity: 6) { escape in
            writeEscape(value, into: &escape)
            for index in escape.span.indices { unsafe out[index] = escape.span[index] }
            written = escape.count
        }
        return written
    }
}

extension NameTable {
    /// LiveformParameters.swift.
    package func value(for bytes: UnsafeRawBufferPointer) -> Value? {
        unsafe bytes.withMemoryRebound(to: UInt8.self) { unsafe value(for: $0.span) }
    }
}
