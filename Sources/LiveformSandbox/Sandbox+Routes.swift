import Foundation
import Hummingbird
import HummingbirdCore
import Liveform
import Logging
import NIOCore

extension Sandbox {
    func makeRouter() -> Router<SandboxRequestContext> {
        let router = Router(context: SandboxRequestContext.self)
        router.add(middleware: SandboxGuard(logger: logger))
        router.get("/") { request, _ in try await self.liveformPage(request) }
        router.get("/error-page/:reason") { _, context in
            Self.errorPage(reason: context.parameters.get("reason") ?? "")
        }
        router.post("/_sandbox/complete") { request, _ in try await self.complete(request) }
        router.post("/_sandbox/submissions") { request, _ in try await self.controlSubmission(request) }
        router.post("/_sandbox/events") { request, _ in try await self.controlEvent(request) }
        router.post("/_sandbox/faults") { request, _ in try await self.controlFault(request) }
        router.get("/_sandbox/deliveries") { _, _ in Self.json(.ok, try await self.store.deliveriesJSON()) }
        router.post("/_sandbox/deliveries/:id/resend") { _, context in
            try await self.resend(id: context.parameters.get("id") ?? "")
        }
        for method in [HTTPRequest.Method.get, .post, .put, .patch, .delete] {
            router.on("/v3/**", method: method) { request, _ in try await self.rest(request) }
        }
        return router
    }

    // MARK: Answers

    static func json(_ status: HTTPResponse.Status, _ value: JSONValue) -> Response {
        Response(
            status: status, headers: [.contentType: "application/json"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: value.jsonText)))
    }

    static func html(_ status: HTTPResponse.Status, _ page: String) -> Response {
        Response(
            status: status, headers: [.contentType: "text/html; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: page)))
    }

    static func redirect(_ location: String) -> Response {
        Response(status: .found, headers: [.location: location])
    }

    /// The body of a control request: a JSON object of at most ``Sandbox/maxBodySize`` bytes.
    static func jsonObject(_ request: Request) async throws -> JSONObject {
        var request = request
        let body = try await request.collectBody(upTo: maxBodySize)
        let value: JSONValue
        do {
            value = try JSONValue(parsing: body.readableBytesView)
        } catch {
            throw Refusal(.badRequest, "the body is not JSON: \(error.reason)")
        }
        guard let object = value.objectValue else { throw Refusal(.badRequest, "the body must be a JSON object") }
        return object
    }
}

/// Every request: one log line (method, path, status; never the query, which may carry
/// tokens), the loopback rule for `/_sandbox/*`, and refusals written as JSON.
struct SandboxGuard: RouterMiddleware {
    typealias Context = SandboxRequestContext
    let logger: Logger

    func handle(
        _ request: Request, context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let path = request.uri.path
        let peer = context.remoteAddress?.ipAddress ?? "?"
        func log(_ status: HTTPResponse.Status) {
            logger.info("\(request.method) \(path) -> \(status.code) (\(peer))")
        }
        if path.hasPrefix("/_sandbox/"), path != "/_sandbox/complete", !Sandbox.isLoopback(context.remoteAddress) {
            log(.forbidden)
            return Sandbox.json(.forbidden, ["error": "the control API answers loopback addresses only"])
        }
        do {
            let response = try await next(request, context)
            log(response.status)
            return response
        } catch let refusal as Refusal {
            log(refusal.status)
            return Sandbox.json(refusal.status, ["error": .string(refusal.message)])
        } catch let error as any HTTPResponseError {
            log(error.status)
            throw error
        } catch {
            log(.internalServerError)
            logger.error("\(request.method) \(path) failed: \(type(of: error))")
            return Sandbox.json(.internalServerError, ["error": "internal error"])
        }
    }
}
