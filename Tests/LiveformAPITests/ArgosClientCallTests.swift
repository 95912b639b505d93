import Foundation
import Liveform
import LiveformAPI
import Testing

/// Every call of the API, in both Secure Data Transfer modes, against the fake vendor.
@Suite("ArgosClient: every call, both SDT modes")
struct ArgosClientCallTests {
    @Test("submissions: get, list, review, update, delete, partial delete", arguments: [true, false])
    func submissions(sdt: Bool) async throws {
        try await withFake(sdt: sdt) { fake in
            let client = try fake.client()
            let one = try await client.submission(id: "sub-1")
            #expect(one.id == "sub-1" && one.userid == "u-1" && one.kycStatus == "pending")
            #expect(one.json.keys == ["submission_id", "created_at", "email", "userid", "kyc", "data", "vendor_extra"])
            #expect(one["vendor_extra"]?["alpha"] == [1])

            let page = try await client.submissionPage(
                SubmissionQuery(
                    userid: "u-1", startDate: "2026-01-01", endDate: "2026-12-31",
                    requestType: .kyc, pageSize: 2))
            #expect(page.submissions.map(\.id) == ["sub-1", "sub-2"])
            #expect(page.nextPage == SubmissionPage.NextPage(id: "sub-2", createdAt: "2026-01-02T10:00:00.000Z"))

            let review = try await client.review(
                SubmissionReview(
                    submissionId: "sub-1", decision: .reject(comment: "blurry ID"),
                    admin: "kim@example.com", updateFields: ["note": "x"]))
            #expect(review.submissionId == "sub-1" && review.finalStatus == "rejected" && review.message == "review updated")
            #expect(try await client.submission(id: "sub-1").kycStatus == "rejected")

            let update = try await client.updateSubmission(id: "sub-2", admin: "kim@example.com", data: ["name": "Kim", "city": "Seoul"])
            #expect(update.message == "submission updated")
            #expect(try await client.submission(id: "sub-2")["data"]?["city"] == "Seoul")

            let partial = try await client.deleteSubmissionFields(id: "sub-2", fields: [.data, .idImage], dataFields: ["city"])
            #expect(partial.message == "fields deleted: data,id_image")
            #expect(try await client.submission(id: "sub-2")["data"]?["city"] == nil)

            let deletion = try await client.deleteSubmission(id: "sub-3", adminName: "dpo@example.com")
            #expect(deletion.message == "deleted" && deletion.statusCode == 200 && deletion.content?["webhook"] == true)
            #expect(await argosError { try await client.submission(id: "sub-3") }?.kind == .notFound)

            // What the vendor received: JSON bodies encrypted exactly when SDT is on, queries encoded.
            let requests = try await fake.requests()
            let bodies = requests.filter { $0["method"]?.stringValue == "POST" || $0["method"]?.stringValue == "PATCH" }
            #expect(bodies.count == 2)
            for request in bodies {
                #expect(request["encrypted"]?.boolValue == sdt)
                #expect(request["content_type"]?.stringValue == (sdt ? "text/plain" : "application/json"))
            }
            #expect(
                bodies[0]["json"] == [
                    "submissionId": "sub-1", "status": "rejected", "admin": "kim@example.com",
                    "rejectComment": "blurry ID", "updateFields": ["note": "x"],
                ])
            #expect(bodies[1]["json"] == ["submissionId": "sub-2", "admin": "kim@example.com", "data": ["name": "Kim", "city": "Seoul"]])
            #expect(
                requests[1]["query"] == [
                    ["userid", "u-1"], ["start_date", "2026-01-01"], ["end_date", "2026-12-31"],
                    ["request_type", "kyc"], ["count", "2"],
                ])
        }
    }

    @Test("images and AML: bytes with their content type, multipart upload never encrypted", arguments: [true, false])
    func imagesAndAML(sdt: Bool) async throws {
        try await withFake(sdt: sdt) { fake in
            let client = try fake.client()
            let image = try await client.image(submissionId: "sub-1", .selfieImage)
            #expect(image.contentType == "image/jpeg")
            #expect(image.bytes == Array("\u{FF}\u{D8}\u{FF}\u{E0}JPEG sub-1/selfieImage".unicodeScalars.map { UInt8($0.value) }))

            let newImage: [UInt8] = Array(0...255)
            let replaced = try await client.replaceImages(
                ImageReplacement(
                    submissionId: "sub-1", admin: "kim@example.com", idType: "passport",
                    images: [.idImage: newImage, .selfieImage: [1, 2, 3]]))
            #expect(replaced.message == "images updated: idImage,selfieImage")
            #expect(try await client.image(submissionId: "sub-1", .idImage).bytes == newImage)

            let aml = try await client.runAMLScreening(submissionId: "sub-1", threshold: 70)
            #expect(aml.message == "screened" && aml.result?["threshold"] == 70)
            #expect(aml.rawData?.arrayValue?.first?["resourceId"] == "res-sub-1")
            let report = try await client.amlReport(resourceId: "res-sub-1")
            #expect(report.contentType == "application/pdf" && report.bytes.starts(with: Array("%PDF-".utf8)))

            let settings = try await client.projectSettings()
            #expect(settings.traceId == "trace-1" && settings.management?["sdt"] == .bool(sdt))

            let put = try await fake.requests().first { $0["method"]?.stringValue == "PUT" }
            #expect(put?["content_type"]?.stringValue?.hasPrefix("multipart/form-data; boundary=") == true)
            #expect(put?["encrypted"] == false)
        }
    }

    @Test("tokens: add, get, list, count, delete", arguments: [true, false])
    func tokens(sdt: Bool) async throws {
        try await withFake(sdt: sdt) { fake in
            let client = try fake.client()
            let ids = (1...7).map { "token-\($0)-abc" }
            let added = try await client.addTokens(ids)
            #expect(added.success && added.summary?["added"] == 7 && added.batches.count == 1)
            #expect(added.json.keys == ["success", "message", "summary"])

            let one = try await client.token(id: "token-3-abc")
            #expect(one.success == true && one.tokenId == "token-3-abc" && one.expired == false && one.updateTime != nil)
            #expect(try await client.tokenCount().count == 7)

            let first = try await client.tokenPage()
            #expect(first.tokens.count == 3 && first.nextPage?.id == "token-3-abc")
            var listed: [String] = []
            for try await token in client.tokens() { listed.append(token["tokenId"]?.stringValue ?? "?") }
            #expect(listed == ids)

            let deleted = try await client.deleteTokens(["token-1-abc", "token-2-abc", "missing-token"])
            #expect(deleted.success == false && deleted.summary?["deleted"] == 2 && deleted.summary?["notFound"] == 1)
            #expect(try await client.tokenCount().count == 5)
            #expect(await argosError { try await client.token(id: "token-1-abc") }?.kind == .notFound)
        }
    }
}
