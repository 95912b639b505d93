import Foundation
import Hummingbird
import Liveform

extension Sandbox {
    // MARK: GET /

    func liveformPage(_ request: Request) async throws -> Response {
        // Only to find the project: the SDK decodes the whole query with its keys below.
        guard let pid = request.uri.queryParameters["pid"].map(String.init), let project = configuration.project(pid: pid) else {
            return Self.html(
                .notFound, Self.page(title: "Unknown project", body: "<p>No project with this <code>pid</code> is configured in the sandbox.</p>"))
        }
        let decoder = LiveformURLDecoder(
            keys: project.liveformEncryption == .none ? [] : project.urlKeys,
            mode: project.liveformEncryption == .gcm ? .gcm : .ecb,
            encryptionOnly: project.encryptionOnly)
        let decoded: DecodedLiveformURL
        do {
            decoded = try decoder.decode(request.uri.description)
        } catch {
            // The category only: a reason could help someone probe the key.
            return Self.html(
                .badRequest,
                Self.page(
                    title: "Invalid Liveform URL",
                    body: "<p>The URL cannot be read: <code>\(escape(error.code.description))</code>.</p>"))
        }
        let now = clock()
        // What the form takes: encrypted parameters, and plain ones it does not ignore.
        var taken = JSONObject()
        var rows: [(name: String, value: JSONValue, origin: String)] = []
        var warnings = decoded.warnings.map(\.description)
        for (name, value) in decoded.parameters {
            let encrypted = decoded.encryptedNames.contains(name)
            if !encrypted, project.encryptionOnly {
                rows.append((name, value, "plain (ignored)"))
            } else if !encrypted, project.liveformEncryption != .none, LiveformParameters.encryptedOnlyNames.contains(name) {
                rows.append((name, value, "plain (ignored)"))
                warnings.append("'\(name)' is accepted only encrypted; the form ignores it")
            } else {
                rows.append((name, value, encrypted ? "encrypted" : "plain"))
                taken[name] = value
            }
        }
        let parameters = LiveformParameters(taken.map { ($0.key, $0.value) })
        if let start = parameters.startValidUntil, start < now {
            return Self.redirect("/error-page/expired-start-valid-until")
        }
        if project.privateMode {
            guard let token = parameters.token else { return Self.redirect("/error-page/invalid-token") }
            let expiredEvent: (@Sendable (Date) -> JSONObject)? =
                project.webhookURL == nil
                ? nil
                : { @Sendable expiredAt in
                    SandboxEvents.tokenExpired(tokenId: token, expiredAt: expiredAt)
                }
            switch try await store.checkToken(pid: pid, tokenId: token, now: now, lifetime: tokenLifetime, expiredEvent: expiredEvent) {
            case .valid: break
            case .unknown: return Self.redirect("/error-page/invalid-token")
            case .expired(let notified):
                if notified { wakeDeliveries() }
                return Self.redirect("/error-page/expired-token")
            }
        }
        let session = try await store.createSession(pid: pid, lang: decoded.lang, parameters: taken, now: now)
        return Self.html(.ok, Self.liveformHTML(pid: pid, lang: decoded.lang, rows: rows, warnings: warnings, session: session))
    }

    static func liveformHTML(
        pid: String, lang: String?, rows: [(name: String, value: JSONValue, origin: String)],
        warnings: [String], session: String
    ) -> String {
        var body = "<dl><dt>pid</dt><dd id=\"pid\">\(escape(pid))</dd><dt>lang</dt><dd id=\"lang\">\(escape(lang ?? "(none)"))</dd></dl>\n"
        body += "<h2>Parameters</h2>\n"
        if rows.isEmpty {
            body += "<p>None.</p>\n"
        } else {
            body += "<table><thead><tr><th scope=\"col\">name</th><th scope=\"col\">value</th><th scope=\"col\">came</th></tr></thead><tbody>\n"
            for row in rows {
                body += "<tr><td>\(escape(row.name))</td><td>\(escape(row.value.plainText))</td><td>\(escape(row.origin))</td></tr>\n"
            }
            body += "</tbody></table>\n"
        }
        body += "<h2>Warnings</h2>\n"
        body += warnings.isEmpty ? "<p>None.</p>\n" : "<ul>\n" + warnings.map { "<li>\(escape($0))</li>\n" }.joined() + "</ul>\n"
        body += """
            <h2>Complete the verification</h2>
            <form method="post" action="/_sandbox/complete">
            <input type="hidden" name="session" value="\(escape(session))">
            <p><label for="fullName">Full name</label> <input id="fullName" name="fullName" type="text"></p>
            <p><label for="birthDate">Birth date (YYYY-MM-DD)</label> <input id="birthDate" name="birthDate" type="text" pattern="[0-9]{4}-[0-9]{2}-[0-9]{2}"></p>
            <p><label for="nationality">Nationality (ISO alpha-3)</label> <input id="nationality" name="nationality" type="text" maxlength="3"></p>
            <p><button type="submit" name="decision" value="approved">Approve</button>
            <button type="submit" name="decision" value="rejected">Reject</button>
            <button type="submit" name="decision" value="pending">Leave pending</button></p>
            </form>

            """
        return page(title: "Liveform", body: body)
    }

    // MARK: POST /_sandbox/complete

    func complete(_ request: Request) async throws -> Response {
        var request = request
        let body = try await request.collectBody(upTo: Self.maxBodySize)
        guard let form = FormFields(body.readableBytesView) else {
            return Self.html(.badRequest, Self.page(title: "Bad form", body: "<p>The form body is not URL-encoded text.</p>"))
        }
        func refuse(_ message: String) -> Response {
            Self.html(.badRequest, Self.page(title: "Bad form", body: "<p>\(escape(message))</p>"))
        }
        guard let sessionId = form["session"], let session = try await store.session(id: sessionId),
            let project = configuration.project(pid: session.pid)
        else {
            return refuse("Unknown or missing session: open the Liveform URL again.")
        }
        guard let decision = form["decision"], ["approved", "rejected", "pending"].contains(decision) else {
            return refuse("decision must be approved, rejected or pending.")
        }
        var data = JSONObject()
        do {
            data = try Self.applicantData(fullName: form["fullName"], birthDate: form["birthDate"], nationality: form["nationality"])
        } catch let refusal as Refusal {
            return refuse(refusal.message)
        }
        let (submission, returnURL) = try await createSubmission(
            project: project, parameters: session.parameters,
            decision: decision, data: data)
        guard let returnURL else {
            return Self.html(
                .ok,
                Self.page(
                    title: "Verification complete",
                    body: Self.resultSummary(submission)
                        + "<p>The project has no Return URL.</p>\n"))
        }
        if project.skipResultPage { return Self.redirect(returnURL) }
        let link = escape(returnURL)
        return Self.html(
            .ok,
            Self.page(
                title: "Verification complete",
                body: Self.resultSummary(submission)
                    + "<p>Redirecting in 5 seconds… <a id=\"return\" href=\"\(link)\">Return to the site</a></p>\n",
                head: "<meta http-equiv=\"refresh\" content=\"5;url=\(link)\">\n"))
    }

    static func resultSummary(_ submission: SandboxStore.Submission) -> String {
        "<dl><dt>submission_id</dt><dd id=\"submissionId\">\(escape(submission.id))</dd><dt>result</dt><dd id=\"result\">\(escape(submission.status))</dd></dl>\n"
    }

    /// The optional fields of a completion, checked; empty ones are left out.
    static func applicantData(fullName: String?, birthDate: String?, nationality: String?) throws -> JSONObject {
        var data = JSONObject()
        if let fullName, !fullName.isEmpty { data["fullName"] = .string(fullName) }
        if let birthDate, !birthDate.isEmpty {
            guard birthDate.utf8.count == 10, (try? Date.ISO8601FormatStyle().year().month().day().parse(birthDate)) != nil else {
                throw Refusal(.badRequest, "birthDate must be a date YYYY-MM-DD")
            }
            data["birthDate"] = .string(birthDate)
        }
        if let nationality, !nationality.isEmpty {
            guard CountryCodes.alpha3.contains(nationality) else {
                throw Refusal(.badRequest, "nationality must be an ISO 3166-1 alpha-3 code such as KOR")
            }
            data["nationality"] = .string(nationality)
        }
        return data
    }

    /// Stores a completed verification with its webhooks, then builds its Return URL (nil
    /// when the project has none).
    func createSubmission(
        project: SandboxProject, parameters: JSONObject, decision: String,
        data: JSONObject
    ) async throws -> (SandboxStore.Submission, String?) {
        let now = clock()
        func text(_ name: String) -> String? {
            guard let value = parameters[name], !value.isNull else { return nil }
            if case .array = value { return nil }
            if case .object = value { return nil }
            return value.plainText
        }
        let submission = SandboxStore.Submission(
            id: Self.newSubmissionId(), pid: project.pid, status: decision, email: text("email"), userid: text("userid"),
            cf1: text("cf1"), cf2: text("cf2"), cf3: text("cf3"), tokenId: text("token"), data: data, createdAt: now)
        let events = project.webhookURL == nil ? [] : SandboxEvents.completion(submission)
        try await store.insert(submission, events: events, now: now)
        if !events.isEmpty { wakeDeliveries() }
        guard let returnURL = project.returnURL else { return (submission, nil) }
        var fields = JSONObject()
        for field in project.returnFields {
            let value: String? =
                switch field {
                case "kycStatus": decision
                case "userid": submission.userid
                case "email": submission.email
                case "submissionId": submission.id
                case "cf1": submission.cf1
                case "cf2": submission.cf2
                case "cf3": submission.cf3
                default: nil  // errorCode: none for a completed verification
                }
            if let value { fields[field] = .string(value) }
        }
        let builder = ReturnURLBuilder(returnURL: returnURL, key: project.returnEncrypted ? project.apiAESKey : nil)
        return (submission, try builder.url(for: fields))
    }

    /// A new submission id: 24 lowercase hex digits, unique in practice.
    static func newSubmissionId() -> String {
        String(UUID().uuidString.lowercased().filter { $0 != "-" }.prefix(24))
    }

    // MARK: Pages

    static func errorPage(reason: String) -> Response {
        let known = [
            "expired-start-valid-until": "The link is no longer valid (startValidUntil has passed).",
            "invalid-token": "The token is missing or not registered for this project.",
            "expired-token": "The token has expired.",
        ]
        guard let text = known[reason] else { return html(.notFound, page(title: "Not found", body: "<p>No such page.</p>")) }
        return html(.ok, page(title: "Cannot continue", body: "<p id=\"error\">\(escape(text))</p>\n"))
    }

    /// A whole page: plain HTML, no external assets, the sandbox banner first.
    static func page(title: String, body: String, head: String = "") -> String {
        """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        \(head)<title>\(escape(title)) — SANDBOX</title>
        </head>
        <body>
        <p role="note"><strong>SANDBOX — not ARGOS</strong></p>
        <main>
        <h1>\(escape(title))</h1>
        \(body)</main>
        </body>
        </html>

        """
    }
}

/// Text made safe inside HTML elements and double-quoted attributes.
func escape(_ text: String) -> String {
    var out = ""
    out.reserveCapacity(text.utf8.count)
    for character in text.unicodeScalars {
        switch character {
        case "&": out += "&amp;"
        case "<": out += "&lt;"
        case ">": out += "&gt;"
        case "\"": out += "&quot;"
        case "'": out += "&#39;"
        default: out.unicodeScalars.append(character)
        }
    }
    return out
}

/// The fields of an `application/x-www-form-urlencoded` body, as a browser sends a form
/// (`+` is a space); the first value of a repeated name wins.
struct FormFields {
    private var fields: [String: String] = [:]

    /// Nil when the body is not UTF-8 or has a bad percent escape.
    init?<Bytes: Collection<UInt8>>(_ body: Bytes) {
        guard let text = String(validating: Array(body), as: UTF8.self) else { return nil }
        for pair in text.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ part: Substring) -> String? {
                part.replacingOccurrences(of: "+", with: " ").removingPercentEncoding
            }
            guard let name = decode(parts[0]), let value = decode(parts.count > 1 ? parts[1] : "") else { return nil }
            if fields[name] == nil { fields[name] = value }
        }
    }

    subscript(name: String) -> String? { fields[name] }
}
