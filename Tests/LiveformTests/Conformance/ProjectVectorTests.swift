import Foundation
import Liveform
import LiveformConformance
import Testing

/// One vector of the project's `Vectors/*.json`, as a test argument named by file and id.
struct ProjectVector: Sendable, CustomTestStringConvertible {
    let file: String
    let id: String
    let object: JSONObject
    var testDescription: String { "\(file) \(id)" }

    static let all: [ProjectVector] = {
        let folder = VectorFiles.packageRoot.appending(path: "Vectors")
        let files = ((try? FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)) ?? [])
            .filter { $0.pathExtension == "json" }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
        return files.flatMap { file in
            ((try? VectorChecker.load(file)) ?? []).map {
                ProjectVector(file: file.lastPathComponent, id: $0["id"]?.stringValue ?? "?", object: $0)
            }
        }
    }()
}

@Suite("Project conformance vectors (Vectors/*.json)")
struct ProjectVectorTests {
    @Test("every vector file parses, and ids are unique within a file")
    func files() throws {
        let folder = VectorFiles.packageRoot.appending(path: "Vectors")
        let files = try FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "json" }
        #expect(!files.isEmpty)
        for file in files {
            let vectors = try VectorChecker.load(file)
            let ids = vectors.compactMap { $0["id"]?.stringValue }
            #expect(ids.count == vectors.count && Set(ids).count == ids.count, "\(file.lastPathComponent)")
        }
        let kinds = Dictionary(grouping: ProjectVector.all, by: { $0.object["kind"]?.stringValue ?? "?" }).mapValues(\.count)
        print(
            "VECTORS: project Vectors/: \(ProjectVector.all.count) vectors per backend: \(kinds.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))"
        )
    }

    @Test("vector passes", arguments: AES256.Backend.allCases, ProjectVector.all)
    func vector(backend: AES256.Backend, vector: ProjectVector) {
        let failure = VectorChecker(backend: backend).check(vector.object)
        #expect(failure == nil, "\(vector.file) \(vector.id): \(failure ?? "")")
    }

    @Test("the checker fails unknown kinds, unknown fields and missing fields")
    func strictness() {
        let checker = VectorChecker()
        let good: JSONObject = [
            "id": "x", "kind": "cipher", "key": "k", "result": "valid", "mode": "ecb",
            "plaintext": "", "token": "mHDm7MzqYm3Ja/d4TPSJzA==",
        ]
        var unknownKind = good
        unknownKind["kind"] = "teleport"
        var unknownField = good
        unknownField["surprise"] = 1
        var missing = good
        missing["token"] = nil
        var wrongToken = good
        wrongToken["token"] = "AAAAAAAAAAAAAAAAAAAAAA=="
        for vector in [unknownKind, unknownField, missing, wrongToken] {
            #expect(checker.check(vector) != nil)
        }
    }
}
