import AsyncHTTPClient
import Foundation
import Liveform
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1

/// Webhook delivery (sandbox spec §4): each attempt is recorded before the request is sent
/// and again when it ends, so a sandbox stopped at any moment resumes where it was.
extension Sandbox {
    /// Attempts running at once, across submissions (one submission's events go out in turn).
    static let maxConcurrentDeliveries = 8
    /// How often the worker looks at its wake flag while idle.
    static let deliveryPollInterval = Duration.milliseconds(20)
    /// ARGOS counts a webhook as delivered when a 2xx answer comes within 10 s.
    static let deliveryTimeout = TimeAmount.seconds(10)

    /// Runs until cancelled.
    func deliverWebhooks() async {
        let busy = BusySet()
        await withDiscardingTaskGroup { group in
            while !Task.isCancelled {
                let now = clock()
                let scan = deliveryWake.withLockedValue { state -> Bool in
                    let due = state.dirty || state.nextDue.map { $0 <= now } ?? false
                    if due { state.dirty = false }
                    return due
                }
                if scan {
                    do {
                        let free = Self.maxConcurrentDeliveries - busy.count
                        let jobs = free > 0 ? try await store.dueDeliveries(now: now, excluding: busy.ids, limit: free) : []
                        for job in jobs {
                            busy.insert(job.id)
                            group.addTask {
                                await self.attempt(job)
                                busy.remove(job.id)
                                self.wakeDeliveries()
                            }
                        }
                        let next = try await store.nextDueTime(after: now)
                        deliveryWake.withLockedValue { $0.nextDue = next }
                    } catch {
                        logger.error("webhook queue unreadable: \(type(of: error))")
                        deliveryWake.withLockedValue { $0.nextDue = now.addingTimeInterval(1) }
                    }
                }
                try? await Task.sleep(for: Self.deliveryPollInterval)
            }
        }
    }

    private func attempt(_ job: SandboxStore.DeliveryJob) async {
        guard let project = configuration.project(pid: job.pid) else { return }
        let started = clock()
        let attemptId: Int64
        do {
            attemptId = try await store.beginAttempt(deliveryId: job.id, at: started)
        } catch {
            logger.error("webhook \(job.id): cannot record the attempt: \(type(of: error))")
            return
        }
        var status: Int?
        var failure: String?
        if let url = project.webhookURL {
            do {
                let body = try Self.webhookBody(job.payload, project: project)
                var request = HTTPClientRequest(url: url)
                request.method = .POST
                request.headers.add(name: "Content-Type", value: "application/json")
                request.body = .bytes(ByteBuffer(string: body))
                let response = try await HTTPClient.shared.execute(request, timeout: Self.deliveryTimeout)
                _ = try? await response.body.collect(upTo: 1 << 20)
                status = Int(response.status.code)
            } catch let error as LiveformError {
                failure = "cannot encrypt: \(error.code)"
            } catch {
                failure = Self.describe(error)
            }
        } else {
            failure = "the project has no webhookURL"
        }
        // A stop in the middle of a request: the attempt stays open and counts as interrupted.
        if Task.isCancelled { return }
        let attemptNumber = job.attemptsInSchedule + 1
        let outcome: SandboxStore.AttemptOutcome
        if let status, (200..<300).contains(status) {
            outcome = .delivered(status: status)
        } else if attemptNumber < project.webhookRetry.attempts {
            let retryAt = clock().addingTimeInterval(project.webhookRetry.delay(after: attemptNumber))
            outcome = .failed(status: status, error: failure, retryAt: retryAt)
        } else {
            outcome = .failed(status: status, error: failure, retryAt: nil)
        }
        do {
            try await store.finishAttempt(attemptId, deliveryId: job.id, outcome: outcome)
        } catch {
            logger.error("webhook \(job.id): cannot record the outcome: \(type(of: error))")
        }
        let trigger = (try? JSONValue(parsing: job.payload))?["webhook_trigger"]?.stringValue ?? "?"
        let result =
            switch outcome {
            case .delivered: "delivered"
            case .failed(_, _, let retryAt?): "retry in \(String(format: "%.2f", retryAt.timeIntervalSince(started))) s"
            case .failed: "failed"
            }
        logger.info("webhook \(job.id) \(trigger) attempt \(attemptNumber) -> \(status.map(String.init) ?? failure ?? "?") (\(result))")
    }

    /// The body as ARGOS sends it: `{"data":"<token>"}` (CBC, API key) with Secure Data
    /// Transfer, else the plain JSON.
    static func webhookBody(_ payload: String, project: SandboxProject) throws(LiveformError) -> String {
        guard project.secureDataTransfer else { return payload }
        return try WebhookEncoder(key: project.apiAESKey).encode(Array(payload.utf8))
    }

    /// A transport failure in a few words (no URL query, no body).
    static func describe(_ error: any Error) -> String {
        if let error = error as? HTTPClientError {
            switch error {
            case .deadlineExceeded, .readTimeout, .connectTimeout: return "timeout"
            default: return "no answer: \(error)"
            }
        }
        return "no answer: \(type(of: error))"
    }
}

/// The deliveries being attempted right now.
private final class BusySet: Sendable {
    private let state = NIOLockedValueBox<Set<Int64>>([])

    var ids: Set<Int64> { state.withLockedValue { $0 } }
    var count: Int { state.withLockedValue { $0.count } }
    func insert(_ id: Int64) { _ = state.withLockedValue { $0.insert(id) } }
    func remove(_ id: Int64) { _ = state.withLockedValue { $0.remove(id) } }
}
