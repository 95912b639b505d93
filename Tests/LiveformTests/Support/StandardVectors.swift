import Foundation
import Testing

/// One Wycheproof test case, already narrowed to a 256-bit key.
struct WycheproofCase: Sendable, CustomTestStringConvertible {
    let file: String
    let tcId: Int
    let comment: String
    let ivBits: Int
    let tagBits: Int
    let key: [UInt8]
    let iv: [UInt8]
    let aad: [UInt8]
    let msg: [UInt8]
    let ct: [UInt8]
    let tag: [UInt8]
    let valid: Bool
    let flags: [String]

    var testDescription: String { "\(file) tcId \(tcId)" + (comment.isEmpty ? "" : " (\(comment))") }
}

enum Wycheproof {
    private struct File: Decodable {
        struct Group: Decodable {
            let keySize: Int
            let ivSize: Int?
            let tagSize: Int?
            let tests: [Test]
        }
        struct Test: Decodable {
            let tcId: Int
            let comment: String
            let key: String
            let iv: String
            let aad: String?
            let msg: String
            let ct: String
            let tag: String?
            let result: String
            let flags: [String]
        }
        let testGroups: [Group]
    }

    /// All 256-bit-key cases of a Wycheproof file, or [] when the file is missing (which the
    /// inventory test reports as a failure).
    static func load(_ name: String) -> [WycheproofCase] {
        guard let data = VectorFiles.standard("wycheproof/\(name)"),
            let file = try? JSONDecoder().decode(File.self, from: data)
        else { return [] }
        return file.testGroups.filter { $0.keySize == 256 }.flatMap { group in
            group.tests.map { test in
                WycheproofCase(
                    file: name, tcId: test.tcId, comment: test.comment,
                    ivBits: group.ivSize ?? 128, tagBits: group.tagSize ?? 0,
                    key: [UInt8](hex: test.key), iv: [UInt8](hex: test.iv), aad: [UInt8](hex: test.aad ?? ""),
                    msg: [UInt8](hex: test.msg), ct: [UInt8](hex: test.ct), tag: [UInt8](hex: test.tag ?? ""),
                    valid: test.result == "valid", flags: test.flags)
            }
        }
    }

    static let gcm = load("aes_gcm_test.json")
    static let cbc = load("aes_cbc_pkcs5_test.json")
}

/// One NIST CAVP record.
struct NISTRecord: Sendable, CustomTestStringConvertible {
    let file: String
    let section: String
    let count: Int
    let fields: [String: [UInt8]]
    let fails: Bool
    let ivBits: Int
    let tagBits: Int

    var testDescription: String { "\(file) [\(section)] COUNT \(count)" }

    func field(_ names: String...) -> [UInt8] {
        for name in names { if let value = fields[name] { return value } }
        return []
    }
}

enum NIST {
    static let ecbFiles = ["ECBGFSbox256", "ECBKeySbox256", "ECBVarKey256", "ECBVarTxt256", "ECBMMT256"]
    static let cbcFiles = ["CBCGFSbox256", "CBCKeySbox256", "CBCVarKey256", "CBCVarTxt256", "CBCMMT256"]

    /// Parses a CAVS `.rsp` file; [] when missing (the inventory test fails then).
    static func load(_ folder: String, _ name: String) -> [NISTRecord] {
        guard let data = VectorFiles.standard("nist/\(folder)/\(name).rsp"),
            let text = String(data: data, encoding: .utf8)
        else { return [] }
        var records: [NISTRecord] = []
        var section = ""
        var ivBits = 96, tagBits = 128
        var current: [String: [UInt8]]?
        var count = 0
        var fails = false
        func flush() {
            if let fields = current {
                records.append(
                    NISTRecord(
                        file: name, section: section, count: count, fields: fields,
                        fails: fails, ivBits: ivBits, tagBits: tagBits))
            }
            current = nil
            fails = false
        }
        for rawLine in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) {
            let line = rawLine.trimmingCharacters(in: .whitespacesAndNewlines)
            if line.isEmpty || line.hasPrefix("#") { continue }
            if line.hasPrefix("[") {
                flush()
                let inner = line.dropFirst().dropLast()
                let parts = inner.split(separator: "=").map { $0.trimmingCharacters(in: .whitespaces) }
                if parts.count == 2, let value = Int(parts[1]) {
                    if parts[0] == "IVlen" { ivBits = value }
                    if parts[0] == "Taglen" { tagBits = value }
                } else {
                    section = String(inner)
                }
                continue
            }
            if line == "FAIL" {
                fails = true
                continue
            }
            let parts = line.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2 else { continue }
            if parts[0].uppercased() == "COUNT" {
                flush()
                current = [:]
                count = Int(parts[1]) ?? -1
            } else {
                current?[parts[0].uppercased()] = [UInt8](hex: parts[1])
            }
        }
        flush()
        return records
    }

    static let ecb = ecbFiles.flatMap { load("ECB", $0) }
    static let cbc = cbcFiles.flatMap { load("CBC", $0) }
    static let gcmEncrypt = load("GCM", "gcmEncryptExtIV256")
    static let gcmDecrypt = load("GCM", "gcmDecrypt256")
}
