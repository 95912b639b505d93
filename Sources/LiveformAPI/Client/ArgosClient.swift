public import AsyncHTTPClient
import Liveform

/// A client of the ARGOS Identity REST API (v3), with Secure Data Transfer on or off.
///
/// One client per API key; it is `Sendable` and meant to be shared by every task of a server.
/// Each call is typed: its request is checked before anything is sent (a refusal is
/// ``ArgosError/Kind/invalidParameter`` and no request is made), its answer is a value whose
/// every member stays reachable through its `json` property, and its failures are
/// ``ArgosError``s. Failed attempts are retried as ``RetryPolicy`` says.
///
/// ```swift
/// let client = try ArgosClient(apiKey: apiKey)                       // HTTPClient.shared
/// let submission = try await client.submission(id: "sub-1")
/// print(submission.kycStatus ?? "-")
/// ```
///
/// The client runs on an AsyncHTTPClient `HTTPClient`: `HTTPClient.shared` unless you pass
/// your own, which you keep and shut down yourself. ``withArgosClient(apiKey:configuration:_:)``
/// gives a client its own `HTTPClient` for the length of a closure and shuts it down after.
public final class ArgosClient: Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    /// How this client reaches the vendor.
    public let configuration: Configuration
    /// The HTTP client the requests go through.
    public let httpClient: HTTPClient

    /// The credential, sent as `x-api-key`; never printed (see ``description``).
    let apiKey: String
    /// Encrypts request bodies and decrypts response wrappers under Secure Data Transfer.
    let codec: APIBodyCodec
    /// The base URL without a trailing slash.
    let base: String

    /// Creates a client.
    ///
    /// - Parameters:
    ///   - apiKey: the project's API key, as issued: the `x-api-key` header and, under Secure
    ///     Data Transfer, the key the bodies are encrypted with.
    ///   - configuration: base URL, Secure Data Transfer, timeout, retries and logger.
    ///   - httpClient: the HTTP client to use; you keep it and shut it down yourself.
    /// - Throws: ``ArgosError/Kind/invalidKey`` when the key is empty or padded with whitespace;
    ///   ``ArgosError/Kind/invalidParameter`` when the base URL is not an `http` or `https` URL.
    public init(apiKey: String, configuration: Configuration = Configuration(), httpClient: HTTPClient = .shared) throws(ArgosError) {
        let key: AES256.Key
        do {
            key = try AES256.Key(credential: apiKey)
        } catch {
            throw ArgosError(.invalidKey, "the API key is empty or has leading or trailing whitespace")
        }
        var base = configuration.baseURL
        while base.hasSuffix("/") { base.removeLast() }
        guard base.hasPrefix("https://") || base.hasPrefix("http://"), !base.contains("?"), !base.contains("#") else {
            throw .invalidParameter("the base URL must be an http or https URL without a query")
        }
        self.apiKey = apiKey
        self.configuration = configuration
        self.httpClient = httpClient
        self.codec = APIBodyCodec(key: key, maxBodySize: configuration.maxResponseBodySize)
        self.base = base
    }

    /// Names the base URL and the mode; never the key.
    public var description: String {
        "ArgosClient(baseURL: \(base), secureDataTransfer: \(configuration.secureDataTransfer), apiKey: [redacted])"
    }

    /// The same as ``description``.
    public var debugDescription: String { description }
}

/// Runs `body` with a client that has an `HTTPClient` of its own, and shuts that HTTP client
/// down when `body` returns or throws (a command-line tool, a batch job). That HTTP client
/// follows no redirects, so the `x-api-key` header is only ever sent to the base URL's host.
///
/// ```swift
/// try await withArgosClient(apiKey: apiKey) { client in
///     _ = try await client.deleteSubmission(id: "sub-1", adminName: "dpo@example.com")
/// }
/// ```
///
/// - Throws: what ``ArgosClient/init(apiKey:configuration:httpClient:)`` and `body` throw.
public func withArgosClient<Result: Sendable>(
    apiKey: String, configuration: ArgosClient.Configuration = ArgosClient.Configuration(),
    _ body: (ArgosClient) async throws -> Result
) async throws -> Result {
    // No redirects: the x-api-key header must never follow one to another host.
    var httpConfiguration = HTTPClient.Configuration()
    httpConfiguration.redirectConfiguration = .disallow
    let httpClient = HTTPClient(eventLoopGroupProvider: .singleton, configuration: httpConfiguration)
    let result: Swift.Result<Result, any Error>
    do {
        let client = try ArgosClient(apiKey: apiKey, configuration: configuration, httpClient: httpClient)
        result = .success(try await body(client))
    } catch {
        result = .failure(error)
    }
    try? await httpClient.shutdown()
    return try result.get()
}
