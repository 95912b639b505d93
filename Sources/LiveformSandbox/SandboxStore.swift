package import Foundation
import GRDB
package import Liveform

/// Everything the sandbox remembers: submissions (and images the image PUT replaced), the
/// Private Mode token pool, sessions (page loads), webhook deliveries with their attempts,
/// and REST faults.
///
/// One code path for both lives: an in-memory database by default, the `--state` file when
/// given, with the same migrations. Every write is a committed transaction when its
/// method returns, so an HTTP answer sent after it reports only what a restart will find.
package final class SandboxStore: Sendable {
    private let database: DatabaseQueue

    /// Opens (creating or migrating) the state file at `path`, or an in-memory database.
    package init(path: String?) throws {
        database = try path.map { try DatabaseQueue(path: $0) } ?? DatabaseQueue()
        try Self.migrator.migrate(database)
        // An attempt with neither a status nor an error was cut short by a stop: it did not
        // count, and its delivery is tried again.
        try database.write { db in
            try db.execute(sql: "UPDATE attempt SET error = 'interrupted' WHERE status IS NULL AND error IS NULL")
        }
    }

    /// Schema changes as named, ordered migrations: a state file written by an older
    /// sandbox is brought up to date, never rewritten.
    private static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.create(table: "submission") { table in
                table.autoIncrementedPrimaryKey("seq")
                table.column("id", .text).notNull().unique()
                table.column("pid", .text).notNull()
                table.column("status", .text).notNull()
                table.column("email", .text)
                table.column("userid", .text)
                table.column("cf1", .text)
                table.column("cf2", .text)
                table.column("cf3", .text)
                table.column("tokenId", .text)
                table.column("data", .text).notNull()
                table.column("createdAt", .text).notNull()
            }
            try db.create(table: "token") { table in
                table.column("pid", .text).notNull()
                table.column("tokenId", .text).notNull()
                table.column("addedAt", .text).notNull()
                table.column("firstLoadAt", .double)
                table.column("expiredNotified", .boolean).notNull().defaults(to: false)
                table.primaryKey(["pid", "tokenId"])
            }
            try db.create(table: "session") { table in
                table.primaryKey("id", .text)
                table.column("pid", .text).notNull()
                table.column("lang", .text)
                table.column("parameters", .text).notNull()
                table.column("createdAt", .text).notNull()
            }
            try db.create(table: "delivery") { table in
                table.autoIncrementedPrimaryKey("id")
                table.column("pid", .text).notNull()
                table.column("trigger", .text).notNull()
                table.column("submissionId", .text)
                table.column("payload", .text).notNull()
                table.column("status", .text).notNull()
                table.column("attemptsInSchedule", .integer).notNull().defaults(to: 0)
                table.column("nextAttemptAt", .double).notNull()
                table.column("createdAt", .text).notNull()
            }
            try db.create(index: "delivery_pending", on: "delivery", columns: ["status", "nextAttemptAt"])
            // The ordering rule looks for an earlier pending event of the same submission.
            try db.create(index: "delivery_submission", on: "delivery", columns: ["pid", "submissionId", "status"])
            try db.create(table: "attempt") { table in
                table.autoIncrementedPrimaryKey("id")
                table.column("deliveryId", .integer).notNull().references("delivery")
                table.column("at", .text).notNull()
                table.column("status", .integer)
                table.column("error", .text)
            }
            try db.create(table: "fault") { table in
                table.autoIncrementedPrimaryKey("id")
                table.column("method", .text)
                table.column("path", .text).notNull()
                table.column("status", .integer).notNull()
                table.column("remaining", .integer).notNull()
                table.column("body", .text)
                table.column("retryAfter", .double)
            }
            try db.create(table: "image") { table in
                table.column("pid", .text).notNull()
                table.column("submissionId", .text).notNull()
                table.column("type", .text).notNull()
                table.column("bytes", .blob).notNull()
                table.primaryKey(["pid", "submissionId", "type"])
            }
        }
        return migrator
    }

    // MARK: Sessions and tokens

    /// Records a page load; returns its session id.
    package func createSession(pid: String, lang: String?, parameters: JSONObject, now: Date) async throws -> String {
        let id = UUID().uuidString.lowercased()
        try await database.write { db in
            try db.execute(
                sql: "INSERT INTO session (id, pid, lang, parameters, createdAt) VALUES (?, ?, ?, ?, ?)",
                arguments: [id, pid, lang, JSONValue.object(parameters).jsonText, Timestamp.text(now)])
        }
        return id
    }

    /// A recorded page load.
    package struct Session: Sendable {
        /// The project.
        package let pid: String
        /// The URL's parameters as the form took them.
        package let parameters: JSONObject
    }

    /// The session `id`, if recorded.
    package func session(id: String) async throws -> Session? {
        try await database.read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT pid, parameters FROM session WHERE id = ?", arguments: [id]) else {
                return nil
            }
            let text: String = row["parameters"]
            return Session(pid: row["pid"], parameters: (try? JSONValue(parsing: text))?.objectValue ?? [:])
        }
    }

    /// Adds tokens to a project's pool (adding one again keeps its first page load).
    package func addTokens(pid: String, tokenIds: [String], now: Date) async throws {
        try await database.write { db in
            for tokenId in tokenIds {
                try db.execute(
                    sql: "INSERT OR IGNORE INTO token (pid, tokenId, addedAt) VALUES (?, ?, ?)",
                    arguments: [pid, tokenId, Timestamp.text(now)])
            }
        }
    }

    /// What a Private Mode page load finds out about its token.
    package enum TokenCheck: Sendable, Equatable {
        /// In the pool and still fresh.
        case valid
        /// Not in the pool.
        case unknown
        /// First loaded too long ago; `notify` is true the first time only (one
        /// `token_expired` webhook per token).
        case expired(notify: Bool)
    }

    /// Checks `tokenId` for a page load at `now`, recording the first load, and when the
    /// token has just been found expired queues `expiredEvent` (if given) in the same
    /// transaction.
    package func checkToken(
        pid: String, tokenId: String, now: Date, lifetime: TimeInterval,
        expiredEvent: (@Sendable (Date) -> JSONObject)?
    ) async throws -> TokenCheck {
        try await database.write { db in
            guard
                let row = try Row.fetchOne(
                    db, sql: "SELECT firstLoadAt, expiredNotified FROM token WHERE pid = ? AND tokenId = ?",
                    arguments: [pid, tokenId])
            else {
                return .unknown
            }
            guard let firstLoad: Double = row["firstLoadAt"] else {
                try db.execute(
                    sql: "UPDATE token SET firstLoadAt = ? WHERE pid = ? AND tokenId = ?",
                    arguments: [now.timeIntervalSince1970, pid, tokenId])
                return .valid
            }
            guard now.timeIntervalSince1970 - firstLoad > lifetime else { return .valid }
            let notified: Bool = row["expiredNotified"]
            if notified { return .expired(notify: false) }
            try db.execute(sql: "UPDATE token SET expiredNotified = 1 WHERE pid = ? AND tokenId = ?", arguments: [pid, tokenId])
            if let expiredEvent {
                try Self.insertDelivery(
                    db, pid: pid, submissionId: nil,
                    event: expiredEvent(Date(timeIntervalSince1970: firstLoad + lifetime)), now: now)
            }
            return .expired(notify: true)
        }
    }

    // MARK: Submissions

    /// A submission as the sandbox keeps it.
    package struct Submission: Sendable {
        /// The unique submission id.
        package var id: String
        /// The project.
        package var pid: String
        /// `approved`, `rejected` or `pending`.
        package var status: String
        /// From the URL.
        package var email, userid, cf1, cf2, cf3, tokenId: String?
        /// What the applicant entered (`fullName`, `birthDate`, `nationality`).
        package var data: JSONObject
        /// When it was created.
        package var createdAt: Date
    }

    /// Stores `submission` and queues `events` (in order) in one transaction.
    package func insert(_ submission: Submission, events: [JSONObject], now: Date) async throws {
        try await database.write { db in
            try db.execute(
                sql: """
                    INSERT INTO submission (id, pid, status, email, userid, cf1, cf2, cf3, tokenId, data, createdAt)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    submission.id, submission.pid, submission.status, submission.email, submission.userid,
                    submission.cf1, submission.cf2, submission.cf3, submission.tokenId,
                    JSONValue.object(submission.data).jsonText, Timestamp.text(submission.createdAt),
                ])
            for event in events {
                try Self.insertDelivery(db, pid: submission.pid, submissionId: submission.id, event: event, now: now)
            }
        }
    }

    /// The submission `id` of project `pid`, if stored.
    package func submission(id: String, pid: String) async throws -> Submission? {
        try await database.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM submission WHERE id = ? AND pid = ?", arguments: [id, pid]).map(Self.submission)
        }
    }

    /// The project's submissions, newest first.
    package func submissions(pid: String) async throws -> [Submission] {
        try await database.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM submission WHERE pid = ? ORDER BY seq DESC", arguments: [pid]).map(Self.submission)
        }
    }

    private static func submission(_ row: Row) -> Submission {
        let data: String = row["data"]
        let created: String = row["createdAt"]
        return Submission(
            id: row["id"], pid: row["pid"], status: row["status"], email: row["email"], userid: row["userid"],
            cf1: row["cf1"], cf2: row["cf2"], cf3: row["cf3"], tokenId: row["tokenId"],
            data: (try? JSONValue(parsing: data))?.objectValue ?? [:],
            createdAt: Timestamp.date(created) ?? Date(timeIntervalSince1970: 0))
    }

    /// Sets a submission's status and queues its review webhook, in one transaction.
    package func review(id: String, pid: String, status: String, event: JSONObject?, now: Date) async throws {
        try await database.write { db in
            try db.execute(sql: "UPDATE submission SET status = ? WHERE id = ? AND pid = ?", arguments: [status, id, pid])
            if let event { try Self.insertDelivery(db, pid: pid, submissionId: id, event: event, now: now) }
        }
    }

    /// Replaces a submission's stored fields (status, email, userid, data) and queues
    /// `event` (if any), in one transaction.
    package func update(_ submission: Submission, event: JSONObject?, now: Date) async throws {
        try await database.write { db in
            try db.execute(
                sql: "UPDATE submission SET status = ?, email = ?, userid = ?, data = ? WHERE id = ? AND pid = ?",
                arguments: [
                    submission.status, submission.email, submission.userid,
                    JSONValue.object(submission.data).jsonText, submission.id, submission.pid,
                ])
            if let event { try Self.insertDelivery(db, pid: submission.pid, submissionId: submission.id, event: event, now: now) }
        }
    }

    /// Deletes a submission, queueing `event` (if any) in the same transaction.
    package func delete(id: String, pid: String, event: JSONObject?, now: Date) async throws {
        try await database.write { db in
            try db.execute(sql: "DELETE FROM submission WHERE id = ? AND pid = ?", arguments: [id, pid])
            try db.execute(sql: "DELETE FROM image WHERE submissionId = ? AND pid = ?", arguments: [id, pid])
            if let event { try Self.insertDelivery(db, pid: pid, submissionId: id, event: event, now: now) }
        }
    }

    /// Removes tokens from a project's pool; returns how many were there.
    package func deleteTokens(pid: String, tokenIds: [String]) async throws -> Int {
        try await database.write { db in
            var deleted = 0
            for tokenId in tokenIds {
                try db.execute(sql: "DELETE FROM token WHERE pid = ? AND tokenId = ?", arguments: [pid, tokenId])
                deleted += db.changesCount
            }
            return deleted
        }
    }

    /// Stores images of a submission, replacing those of the same type.
    package func replaceImages(pid: String, submissionId: String, images: [(type: String, bytes: [UInt8])]) async throws {
        try await database.write { db in
            for (type, bytes) in images {
                try db.execute(
                    sql: "INSERT OR REPLACE INTO image (pid, submissionId, type, bytes) VALUES (?, ?, ?, ?)",
                    arguments: [pid, submissionId, type, Data(bytes)])
            }
        }
    }

    /// A stored image, if the image PUT stored one.
    package func image(pid: String, submissionId: String, type: String) async throws -> [UInt8]? {
        try await database.read { db in
            try Data.fetchOne(
                db, sql: "SELECT bytes FROM image WHERE pid = ? AND submissionId = ? AND type = ?",
                arguments: [pid, submissionId, type]
            ).map { Array($0) }
        }
    }

    /// A token of the Private Mode pool.
    package struct PoolToken: Sendable {
        /// The token id.
        package let id: String
        /// When it was added (ISO-8601).
        package let addedAt: String
        /// Whether a page load found it expired.
        package let expired: Bool
    }

    /// The project's token pool, oldest first.
    package func tokens(pid: String) async throws -> [PoolToken] {
        try await database.read { db in
            try Row.fetchAll(db, sql: "SELECT tokenId, addedAt, expiredNotified FROM token WHERE pid = ? ORDER BY rowid", arguments: [pid])
                .map { PoolToken(id: $0["tokenId"], addedAt: $0["addedAt"], expired: $0["expiredNotified"]) }
        }
    }

    // MARK: Deliveries

    /// Queues one webhook; returns its delivery id.
    @discardableResult
    package func queue(pid: String, submissionId: String?, event: JSONObject, now: Date) async throws -> Int64 {
        try await database.write { db in
            try Self.insertDelivery(db, pid: pid, submissionId: submissionId, event: event, now: now)
        }
    }

    @discardableResult
    private static func insertDelivery(
        _ db: Database, pid: String, submissionId: String?, event: JSONObject,
        now: Date
    ) throws -> Int64 {
        let trigger = event["webhook_trigger"]?.stringValue ?? ""
        try db.execute(
            sql: """
                INSERT INTO delivery (pid, trigger, submissionId, payload, status, nextAttemptAt, createdAt)
                VALUES (?, ?, ?, ?, 'pending', ?, ?)
                """,
            arguments: [
                pid, trigger, submissionId, JSONValue.object(event).jsonText, now.timeIntervalSince1970,
                Timestamp.text(now),
            ])
        return db.lastInsertedRowID
    }

    /// A delivery ready for an attempt.
    package struct DeliveryJob: Sendable {
        /// The delivery id.
        package let id: Int64
        /// The project whose webhook URL and key apply.
        package let pid: String
        /// The event's plaintext JSON.
        package let payload: String
        /// Attempts already made in the current schedule.
        package let attemptsInSchedule: Int
    }

    /// Pending deliveries due at `now` whose submission has no earlier pending delivery
    /// (the events of one submission go out in order), oldest first.
    package func dueDeliveries(now: Date, excluding busy: Set<Int64>, limit: Int) async throws -> [DeliveryJob] {
        try await database.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT d.id, d.pid, d.payload, d.attemptsInSchedule FROM delivery d
                    WHERE d.status = 'pending' AND d.nextAttemptAt <= ?
                      AND (d.submissionId IS NULL OR NOT EXISTS (
                        SELECT 1 FROM delivery e WHERE e.pid = d.pid AND e.submissionId = d.submissionId
                          AND e.status = 'pending' AND e.id < d.id))
                    ORDER BY d.id LIMIT ?
                    """, arguments: [now.timeIntervalSince1970, limit + busy.count]
            )
            .map { DeliveryJob(id: $0["id"], pid: $0["pid"], payload: $0["payload"], attemptsInSchedule: $0["attemptsInSchedule"]) }
            .filter { !busy.contains($0.id) }
            .prefix(limit).map { $0 }
        }
    }

    /// The earliest time after `now` at which a pending delivery falls due, if any.
    package func nextDueTime(after now: Date) async throws -> Date? {
        try await database.read { db in
            try Double.fetchOne(
                db, sql: "SELECT MIN(nextAttemptAt) FROM delivery WHERE status = 'pending' AND nextAttemptAt > ?",
                arguments: [now.timeIntervalSince1970])
        }.map(Date.init(timeIntervalSince1970:))
    }

    /// Records that an attempt starts (before the request is sent); returns its id.
    package func beginAttempt(deliveryId: Int64, at time: Date) async throws -> Int64 {
        try await database.write { db in
            try db.execute(sql: "INSERT INTO attempt (deliveryId, at) VALUES (?, ?)", arguments: [deliveryId, Timestamp.text(time)])
            return db.lastInsertedRowID
        }
    }

    /// What became of an attempt, and of its delivery.
    package enum AttemptOutcome: Sendable {
        /// A 2xx answer.
        case delivered(status: Int)
        /// Another answer or none; `retryAt` nil marks the delivery failed.
        case failed(status: Int?, error: String?, retryAt: Date?)
    }

    /// Records the end of an attempt and the delivery's new state, in one transaction.
    package func finishAttempt(_ attemptId: Int64, deliveryId: Int64, outcome: AttemptOutcome) async throws {
        try await database.write { db in
            switch outcome {
            case .delivered(let status):
                try db.execute(sql: "UPDATE attempt SET status = ? WHERE id = ?", arguments: [status, attemptId])
                try db.execute(
                    sql: "UPDATE delivery SET status = 'delivered', attemptsInSchedule = attemptsInSchedule + 1 WHERE id = ?",
                    arguments: [deliveryId])
            case .failed(let status, let error, let retryAt):
                try db.execute(sql: "UPDATE attempt SET status = ?, error = ? WHERE id = ?", arguments: [status, error, attemptId])
                if let retryAt {
                    try db.execute(
                        sql: "UPDATE delivery SET attemptsInSchedule = attemptsInSchedule + 1, nextAttemptAt = ? WHERE id = ?",
                        arguments: [retryAt.timeIntervalSince1970, deliveryId])
                } else {
                    try db.execute(
                        sql: "UPDATE delivery SET status = 'failed', attemptsInSchedule = attemptsInSchedule + 1 WHERE id = ?",
                        arguments: [deliveryId])
                }
            }
        }
    }

    /// What a resend request found.
    package enum ResendResult: Sendable, Equatable {
        /// Queued again with a fresh schedule.
        case queued
        /// No such delivery.
        case notFound
        /// Only failed deliveries are sent again; this one is pending or delivered.
        case notFailed(status: String)
    }

    /// Queues a failed delivery again with a fresh schedule.
    package func resend(deliveryId: Int64, now: Date) async throws -> ResendResult {
        try await database.write { db in
            guard let status = try String.fetchOne(db, sql: "SELECT status FROM delivery WHERE id = ?", arguments: [deliveryId]) else {
                return .notFound
            }
            guard status == "failed" else { return .notFailed(status: status) }
            try db.execute(
                sql: "UPDATE delivery SET status = 'pending', attemptsInSchedule = 0, nextAttemptAt = ? WHERE id = ?",
                arguments: [now.timeIntervalSince1970, deliveryId])
            return .queued
        }
    }

    /// `GET /_sandbox/deliveries`: every delivery, oldest first, with its attempts.
    package func deliveriesJSON() async throws -> JSONValue {
        try await database.read { db in
            var attempts: [Int64: [JSONValue]] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT deliveryId, at, status, error FROM attempt ORDER BY id") {
                var attempt: JSONObject = ["at": .string(row["at"])]
                if let status: Int = row["status"] { attempt["status"] = .number(Double(status)) }
                if let error: String = row["error"] { attempt["error"] = .string(error) }
                attempts[row["deliveryId"], default: []].append(.object(attempt))
            }
            let deliveries = try Row.fetchAll(db, sql: "SELECT id, trigger, submissionId, status FROM delivery ORDER BY id").map { row -> JSONValue in
                let id: Int64 = row["id"]
                let submissionId: String? = row["submissionId"]
                return .object([
                    "id": .string(String(id)), "trigger": .string(row["trigger"]),
                    "submissionId": submissionId.map(JSONValue.string) ?? .null, "status": .string(row["status"]),
                    "attempts": .array(attempts[id] ?? []),
                ])
            }
            return .array(deliveries)
        }
    }

    // MARK: Faults

    /// A REST answer to give instead of the real one.
    package struct Fault: Sendable {
        /// Only this method (e.g. `GET`); nil for any.
        package var method: String?
        /// The path as the client sends it, e.g. `/v3/submission`.
        package var path: String
        /// The status to answer.
        package var status: Int
        /// How many matching calls get it.
        package var times: Int
        /// The body to answer, if any.
        package var body: String?
        /// A `Retry-After` header, in seconds.
        package var retryAfter: Double?
    }

    /// Stores a fault; returns its id.
    package func addFault(_ fault: Fault) async throws -> Int64 {
        try await database.write { db in
            try db.execute(
                sql: "INSERT INTO fault (method, path, status, remaining, body, retryAfter) VALUES (?, ?, ?, ?, ?, ?)",
                arguments: [fault.method, fault.path, fault.status, fault.times, fault.body, fault.retryAfter])
            return db.lastInsertedRowID
        }
    }

    /// Takes one use of the oldest fault matching `method` and `path`, if any.
    package func takeFault(method: String, path: String) async throws -> Fault? {
        try await database.write { db in
            guard
                let row = try Row.fetchOne(
                    db,
                    sql: """
                        SELECT * FROM fault WHERE remaining > 0 AND path = ? AND (method IS NULL OR method = ?) ORDER BY id LIMIT 1
                        """, arguments: [path, method])
            else { return nil }
            let id: Int64 = row["id"]
            try db.execute(sql: "UPDATE fault SET remaining = remaining - 1 WHERE id = ?", arguments: [id])
            return Fault(
                method: row["method"], path: row["path"], status: row["status"], times: row["remaining"],
                body: row["body"], retryAfter: row["retryAfter"])
        }
    }
}

/// ISO-8601 UTC timestamps with milliseconds, as ARGOS writes them.
enum Timestamp {
    private static let style = Date.ISO8601FormatStyle(includingFractionalSeconds: true)

    static func text(_ date: Date) -> String { date.formatted(style) }

    static func date(_ text: String) -> Date? { try? style.parse(text) }
}
