import Foundation
import Liveform
import LiveformAPI
import Testing

/// Retries: which calls, how often, how long between, and cancellation.
@Suite("ArgosClient: retries, pagination, batching, cancellation")
struct ArgosClientRetryTests {
    @Test("a GET is retried on 429, 502 and 504 and succeeds; waits follow the exponential backoff")
    func getRetried() async throws {
        try await withFake { fake in
            try await fake.faults(#"[{"status":429},{"status":502},{"status":504}]"#)
            let sleeps = SleepLog()
            // Bound = min(40 ms, 10 ms × 2ⁿ); the test's jitter returns the bound itself.
            let count = try await fake.client(retry: FakeArgos.fastRetries(sleeps: sleeps, realSleep: false)).tokenCount()
            #expect(count.count == 0)
            #expect(try await fake.requestCount() == 4)
            #expect(sleeps.all == [.milliseconds(10), .milliseconds(20), .milliseconds(40)])
        }
    }

    @Test("at most maxRetries retries: 1 + 3 requests, then serverError")
    func maxAttempts() async throws {
        try await withFake { fake in
            try await fake.faults(#"[{"status":503,"count":10}]"#)
            let sleeps = SleepLog()
            let error = await argosError { try await fake.client(retry: FakeArgos.fastRetries(sleeps: sleeps)).tokenCount() }
            #expect(error?.kind == .serverError && error?.status == 503)
            #expect(try await fake.requestCount() == 4)
            #expect(sleeps.all == [.milliseconds(10), .milliseconds(20), .milliseconds(40)])
            let once = await argosError { try await fake.client(retry: FakeArgos.fastRetries(maxRetries: 1)).tokenCount() }
            #expect(once?.kind == .serverError)
            #expect(try await fake.requestCount() == 4 + 2)
        }
    }

    @Test("a non-idempotent POST is not retried on 503 or a lost connection, but is on 429")
    func postRules() async throws {
        try await withFake { fake in
            let client = try fake.client()
            let review = SubmissionReview(submissionId: "sub-1", decision: .approve, admin: "kim@example.com")
            try await fake.faults(#"[{"status":503}]"#)
            #expect(await argosError { try await client.review(review) }?.kind == .serverError)
            #expect(try await fake.requestCount() == 1)

            try await fake.faults(#"[{"status":429,"count":2,"path":"/submission/review"}]"#)
            #expect(try await client.review(review).finalStatus == "approved")

            try await fake.faults(#"[{"drop":true,"path":"/submission/aml"}]"#)
            #expect(await argosError { try await client.runAMLScreening(submissionId: "sub-1") }?.kind == .transport)
            let paths = try await fake.requests().compactMap { $0["path"]?.stringValue }
            #expect(paths.filter { $0 == "/submission/review" }.count == 1 + 2 + 1)
            #expect(paths.filter { $0 == "/submission/aml" }.count == 1)
        }
    }

    @Test("adding tokens, DELETEs and the image upload are retried on 5xx")
    func idempotentWrites() async throws {
        try await withFake { fake in
            let client = try fake.client()
            try await fake.faults(
                #"[{"status":503,"method":"POST","path":"/submission/tokens"},{"status":502,"method":"DELETE","path":"/submission"},{"drop":true,"method":"PUT","path":"/submission/image"}]"#
            )
            #expect(try await client.addTokens(["abcdefgh1"]).success)
            #expect(try await client.deleteSubmission(id: "sub-7").message == "deleted")
            #expect(
                try await client.replaceImages(ImageReplacement(submissionId: "sub-1", admin: "a@b.c", images: [.selfieImage: [9]])).message != nil)
            let methods = try await fake.requests().compactMap { $0["method"]?.stringValue }
            #expect(methods == ["POST", "POST", "DELETE", "DELETE", "PUT", "PUT"])
        }
    }

    @Test("Retry-After in seconds is honoured (really waited) and capped")
    func retryAfter() async throws {
        try await withFake { fake in
            try await fake.faults(#"[{"status":429,"headers":{"Retry-After":"1"}}]"#)
            let sleeps = SleepLog()
            _ = try await fake.client(retry: FakeArgos.fastRetries(sleeps: sleeps)).tokenCount()
            let times = try await fake.requests().compactMap { $0["t"]?.doubleValue }
            #expect(times.count == 2)
            #expect(times[1] - times[0] >= 0.95)
            #expect(sleeps.all == [.seconds(1)])

            // Capped: 30 s asked, 200 ms allowed.
            try await fake.faults(#"[{"status":503,"headers":{"Retry-After":"30"}}]"#)
            let capped = SleepLog()
            var policy = FakeArgos.fastRetries(sleeps: capped)
            policy.maxRetryAfter = .milliseconds(200)
            _ = try await fake.client(retry: policy).tokenCount()
            #expect(capped.all == [.milliseconds(200)])
        }
    }

    @Test("the default backoff: full jitter between 0 and min(8 s, 0.5 s × 2ⁿ)")
    func defaultBackoff() async throws {
        try await withFake { fake in
            try await fake.faults(#"[{"status":503,"count":3}]"#)
            let sleeps = SleepLog()
            let bounds = SleepLog()
            let policy = ArgosClient.RetryPolicy(
                jitter: { bound in
                    bounds.append(bound)
                    return ArgosClient.RetryPolicy.uniformJitter(bound)
                }, sleep: { sleeps.append($0) })
            _ = try await fake.client(retry: policy).tokenCount()
            #expect(bounds.all == [.milliseconds(500), .seconds(1), .seconds(2)])
            #expect(zip(sleeps.all, bounds.all).allSatisfy { $0 >= .zero && $0 <= $1 })
        }
    }

    @Test("cancelling the task stops the retries at once")
    func cancellation() async throws {
        try await withFake { fake in
            try await fake.faults(#"[{"status":429,"count":10,"headers":{"Retry-After":"30"}}]"#)
            var configuration = ArgosClient.Configuration(baseURL: fake.baseURL)
            configuration.retryPolicy = ArgosClient.RetryPolicy()  // the real Task.sleep
            let client = try ArgosClient(apiKey: FakeArgos.apiKey, configuration: configuration)
            let task = Task { try await client.tokenCount() }
            while try await fake.requestCount() == 0 { try await Task.sleep(for: .milliseconds(20)) }
            let started = ContinuousClock.now
            task.cancel()
            let result = await task.result
            // Retry-After asks for 30 s; the loose bound allows for a concurrency pool kept busy
            // by CPU-bound suites running beside this one.
            #expect(ContinuousClock.now - started < .seconds(20))
            #expect((try? result.get()) == nil)
            if case .failure(let error) = result { #expect((error as? ArgosError)?.kind == .cancelled) }
            try await Task.sleep(for: .milliseconds(200))
            #expect(try await fake.requestCount() == 1)
        }
    }

    @Test("lists fetch the next page on demand", arguments: [true, false])
    func pagination(sdt: Bool) async throws {
        try await withFake(sdt: sdt) { fake in
            let client = try fake.client()
            var iterator = client.submissions(SubmissionQuery(userid: "u-1", pageSize: 2)).makeAsyncIterator()
            #expect(try await fake.requestCount() == 0)
            #expect(try await iterator.next()?.id == "sub-1")
            #expect(try await fake.requestCount() == 1)
            #expect(try await iterator.next()?.id == "sub-2")
            #expect(try await fake.requestCount() == 1)
            var rest: [String] = []
            while let submission = try await iterator.next() { rest.append(submission.id ?? "?") }
            #expect(rest == ["sub-3", "sub-4", "sub-5"])
            let queries = try await fake.requests().map { $0["query"] }
            #expect(
                queries == [
                    [["userid", "u-1"], ["count", "2"]],
                    [["userid", "u-1"], ["count", "2"], ["nextpage_id", "sub-2"], ["nextpage_date", "2026-01-02T10:00:00.000Z"]],
                    [["userid", "u-1"], ["count", "2"], ["nextpage_id", "sub-4"], ["nextpage_date", "2026-01-04T10:00:00.000Z"]],
                ])
            var pages = 0
            for try await page in client.submissionPages() {
                pages += 1
                #expect(page.submissions.count == 7)
            }
            #expect(pages == 1)
            // An error ends the sequence: the next call returns nil, no further request.
            try await fake.faults(#"[{"status":400,"body":{"errorCode":"X"}}]"#)
            var failing = client.tokenPages().makeAsyncIterator()
            #expect(await argosError { try await failing.next() }?.kind == .rejected)
            #expect(try await failing.next() == nil)
        }
    }

    @Test("token lists are split (500 to add, 100 to delete) and the summaries summed")
    func batching() async throws {
        try await withFake { fake in
            let client = try fake.client()
            let ids = (1...1201).map { String(format: "tok-%05d", $0) }
            let added = try await client.addTokens(ids)
            #expect(added.batches.count == 3 && added.success)
            #expect(
                added.json == [
                    "success": true, "message": "tokens saved",
                    "summary": ["requested": 1201, "added": 1201, "updated": 0, "note": "ok"],
                ])
            let sizes = try await fake.requests().map { $0["json"]?["tokenId"]?.arrayValue?.count }
            #expect(sizes == [500, 500, 201])

            let deleted = try await client.deleteTokens(Array(ids[0..<249]) + ["not-registered"])
            #expect(deleted.batches.count == 3)
            #expect(deleted.success == false)  // the last batch had a miss
            #expect(deleted.summary == ["requested": 250, "deleted": 249, "notFound": 1])
            let deleteSizes = try await fake.requests().dropFirst(3).map { $0["json"]?["tokenId"]?.arrayValue?.count }
            #expect(deleteSizes == [100, 100, 50])
        }
    }

    @Test("one client, many tasks at once")
    func concurrentCalls() async throws {
        try await withFake { fake in
            let client = try fake.client()
            try await withThrowingTaskGroup(of: String?.self) { group in
                for n in 1...7 { group.addTask { try await client.submission(id: "sub-\(n)").id } }
                var seen: Set<String> = []
                for try await id in group { if let id { seen.insert(id) } }
                #expect(seen.count == 7)
            }
        }
    }
}
