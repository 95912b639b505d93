import HTTPTypes
import Hummingbird
import Liveform
import LiveformAPI
import LiveformHummingbird
import NIOCore

/// What the routes share: the SDK's objects (all `Sendable`, made once) and the event store.
struct Backend: Sendable {
    let urlBuilder: LiveformURLBuilder
    let returnURLDecoder: ReturnURLDecoder
    let api: ArgosClient
    let events: EventStore

    func addRoutes(to router: Router<WebhookRequestContext>, webhookDecoder: WebhookDecoder) {
        router.get("/signup") { request, context in try signup(request, context: context) }
        router.get("/kyc/return") { request, _ in kycReturn(request) }
        // Answers 200 only once `save` has returned: if it throws, ARGOS gets a 500 and retries.
        router.webhook("/webhooks/argos", decoder: webhookDecoder) { event, _ in
            try await events.save(event)
        }
        router.get("/events") { _, _ in await events.all() }
        router.get("/status/:submissionId") { _, context in
            try await status(submissionId: context.parameters.require("submissionId"))
        }
    }

    // MARK: GET /signup?email=…&userid=…

    /// The query of `/signup`; `lang` is optional (`ko`, `en`, …).
    struct SignupQuery: Decodable {
        let email: String
        let userid: String
        let lang: String?
    }

    /// Sends the user to the Liveform with their email and user id inside `encrypted`, so
    /// nobody can change them on the way.
    func signup(_ request: Request, context: WebhookRequestContext) throws -> Response {
        let query = try request.uri.decodeQuery(as: SignupQuery.self, context: context)  // 400 when one is missing
        var parameters = LiveformParameters()
        parameters.email = query.email
        parameters.userid = query.userid
        let url: String
        do {
            url = try urlBuilder.url(for: parameters, lang: query.lang)
        } catch {
            // invalidParameter: the message names the parameter (never a key).
            throw HTTPError(.badRequest, message: error.reason)
        }
        return Response(status: .found, headers: [.location: url])
    }

    // MARK: GET /kyc/return?encrypted=…

    /// The page the user lands on after the form. The Return URL says how the verification
    /// went, but the browser brought it: treat it as a hint for the page you show, and decide
    /// (open the account, ship the order) on the webhook or the REST API.
    func kycReturn(_ request: Request) -> Response {
        let result: ReturnURLResult
        do {
            result = try returnURLDecoder.decode(request.uri.description)  // "/kyc/return?encrypted=…" is enough
        } catch {
            return html(.badRequest, title: "Something went wrong", body: "<p>This link cannot be read.</p>")
        }
        let rows = [("kycStatus", result.kycStatus?.rawValue), ("submissionId", result.submissionId), ("userid", result.userid)]
            .map { name, value in "<dt>\(name)</dt><dd id=\"\(name)\">\(escapeHTML(value ?? "-"))</dd>" }
            .joined(separator: "\n")
        return html(.ok, title: "Thank you", body: "<p>Your verification is done.</p>\n<dl>\n\(rows)\n</dl>")
    }

    // MARK: GET /status/{submissionId}

    /// What `/status/{submissionId}` answers, as JSON.
    struct SubmissionStatus: ResponseEncodable {
        let submissionId: String
        let kycStatus: String?
        let email: String?
        let userid: String?
        let createdAt: String?
    }

    /// Asks the REST API (with Secure Data Transfer, as the client is configured).
    func status(submissionId: String) async throws -> SubmissionStatus {
        do {
            let submission = try await api.submission(id: submissionId)
            return SubmissionStatus(
                submissionId: submission.id ?? submissionId, kycStatus: submission.kycStatus,
                email: submission.email, userid: submission.userid, createdAt: submission.createdAt)
        } catch  where error.kind == .notFound {
            throw HTTPError(.notFound, message: "no such submission")
        } catch {
            // The error's kind and status only; ArgosError never carries the key.
            throw HTTPError(.badGateway, message: "the ARGOS API failed: \(error.kind) \(error.status.map(String.init) ?? "")")
        }
    }

    // MARK: HTML

    func html(_ status: HTTPResponse.Status, title: String, body: String) -> Response {
        let page = """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>\(escapeHTML(title))</title></head>
            <body><h1>\(escapeHTML(title))</h1>
            \(body)
            </body></html>

            """
        return Response(
            status: status, headers: [.contentType: "text/html; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: page)))
    }
}

/// Text made safe inside HTML elements and attributes: the Return URL's values come from the
/// browser's address bar.
func escapeHTML(_ text: String) -> String {
    var out = ""
    for character in text {
        switch character {
        case "&": out += "&amp;"
        case "<": out += "&lt;"
        case ">": out += "&gt;"
        case "\"": out += "&quot;"
        case "'": out += "&#39;"
        default: out.append(character)
        }
    }
    return out
}
