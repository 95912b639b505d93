// Temporary adapters (deleted at merge): the Span-taking signatures this area calls, over
// today's pointer versions owned by the JSON area.

extension JSONReader {
    package static func parse(
        _ input: Span<UInt8>, maxDepth: Int = defaultMaxDepth, duplicateKeys: DuplicateKeys = .lastWins
    ) throws(LiveformError) -> JSONValue {
        try unsafe input.withUnsafeBytes { (raw) throws(LiveformError) in
            try unsafe parse(raw, maxDepth: maxDepth, duplicateKeys: duplicateKeys)
        }
    }

    static func skipPlainBytes(_ input: Span<UInt8>, from start: Int) -> Int {
        unsafe input.withUnsafeBytes { unsafe skipPlainBytes($0, from: start) }
    }
}

extension DataEnvelope {
    static func isAcceptedJSON(_ plaintext: Span<UInt8>, objectOnly: Bool) -> Bool {
        unsafe plaintext.withUnsafeBytes { unsafe isAcceptedJSON($0, objectOnly: objectOnly) }
    }
}
