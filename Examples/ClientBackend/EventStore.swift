import Foundation
import Liveform

/// Where received webhook events are kept: in memory, and optionally appended to a file as
/// JSON lines. An actor, because webhooks arrive concurrently.
///
/// A real backend would write to its database here, in the same transaction as what the
/// event changes (the user's account, the order): the webhook route answers 200 only once
/// `save` has returned, so an event is never acknowledged before it is safe.
actor EventStore {
    /// One received event, as `GET /events` lists it.
    struct StoredEvent: Codable, Sendable {
        let trigger: String
        let submissionId: String?
        let receivedAt: Date
    }

    private var events: [StoredEvent] = []
    private let file: FileHandle?

    /// A store that also appends to `path` (created if missing) when it is not nil.
    init(appendingTo path: String?) throws {
        guard let path else {
            file = nil
            return
        }
        if !FileManager.default.fileExists(atPath: path) {
            guard FileManager.default.createFile(atPath: path, contents: nil) else {
                throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: path])
            }
        }
        let handle = try FileHandle(forWritingTo: URL(filePath: path))
        try handle.seekToEnd()
        file = handle
    }

    /// Keeps `event`; when this returns, the event is stored (and on disk, with a file).
    func save(_ event: WebhookEvent) throws {
        let stored = StoredEvent(trigger: event.trigger.rawValue, submissionId: event.submissionId, receivedAt: Date())
        if let file {
            // The whole event as ARGOS sent it, with when it came.
            let line: JSONValue = [
                "receivedAt": .string(ISO8601DateFormatter().string(from: stored.receivedAt)),
                "event": .object(event.json),
            ]
            try file.write(contentsOf: Data((line.jsonText + "\n").utf8))
            try file.synchronize()
        }
        events.append(stored)
    }

    /// Every event so far, oldest first.
    func all() -> [StoredEvent] { events }
}
