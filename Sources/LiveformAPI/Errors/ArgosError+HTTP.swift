import Liveform

extension ArgosError {
    /// The error for a non-2xx answer: the kind from the status (and, for 403, the body),
    /// the vendor's code and message from any of its three error-body shapes.
    ///
    /// - Parameters:
    ///   - json: the body as JSON (already unwrapped if it was an encrypted wrapper), or nil.
    ///   - text: the body as text, searched for `explicit deny` when it is not JSON.
    ///   - secrets: strings that must not appear in the error (the API key, token ids sent).
    static func fromResponse(status: Int, json: JSONValue?, text: String, call: String, secrets: [String]) -> ArgosError {
        let object = json?.objectValue
        let code = object?["errorCode"].flatMap(Self.scalarText)
        let message = (object?["errorMessage"] ?? object?["message"] ?? object?["Message"]).flatMap(Self.scalarText)
        let kind: Kind
        switch status {
        case 403 where text.lowercased().contains("explicit deny"): kind = .ipNotAllowed
        case 401, 403: kind = .unauthorized
        case 404: kind = .notFound
        case 413: kind = .payloadTooLarge
        case 429: kind = .rateLimited
        case 500...599: kind = .serverError
        default: kind = .rejected
        }
        return ArgosError(
            kind, "\(call) answered HTTP \(status)", status: status,
            vendorCode: code.map { redact($0, secrets: secrets) },
            vendorMessage: message.map { redact($0, secrets: secrets) })
    }

    /// A string member as it is; a number or boolean as its JSON text.
    private static func scalarText(_ value: JSONValue) -> String? {
        switch value {
        case .string(let text): text
        case .number, .bool: value.jsonText
        default: nil
        }
    }

    /// `text` with every secret, and every run of 24 or more base64 characters (what an
    /// encryption token or key looks like), replaced by `[redacted]`.
    static func redact(_ text: String, secrets: [String]) -> String {
        var text = text
        for secret in secrets where !secret.isEmpty {
            text = text.replacing(secret, with: "[redacted]")
        }
        var out = "", run = ""
        func flush() {
            out += run.count >= 24 ? "[redacted]" : run
            run = ""
        }
        for character in text {
            if character.isASCII, character.isLetter || character.isNumber || "+/=_-".contains(character) {
                run.append(character)
            } else {
                flush()
                out.append(character)
            }
        }
        flush()
        return out
    }
}
