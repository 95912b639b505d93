public import Liveform

/// The pages of a list, fetched one request at a time as they are iterated: the first page
/// on the first `next()`, each later page only when the one before is used up.
///
/// ```swift
/// for try await page in client.submissionPages(SubmissionQuery(userid: "u-1")) {
///     print(page.submissions.count)
/// }
/// ```
public struct ArgosPages<Page: Sendable, Key: Sendable>: AsyncSequence, Sendable {
    /// One page.
    public typealias Element = Page
    /// Every failure is an ``ArgosError``.
    public typealias Failure = ArgosError

    let fetch: @Sendable (Key?) async throws(ArgosError) -> Page
    let nextKey: @Sendable (Page) -> Key?

    /// Starts the iteration; no request is made until `next()`.
    public func makeAsyncIterator() -> Iterator { Iterator(pages: self) }

    /// Fetches a page each `next()`.
    public struct Iterator: AsyncIteratorProtocol {
        let pages: ArgosPages
        var key: Key?
        var finished = false

        init(pages: ArgosPages) { self.pages = pages }

        /// The next page, or nil after the last one.
        public mutating func next() async throws(ArgosError) -> Page? {
            try await next(isolation: nil)
        }

        /// The next page, or nil after the last one.
        public mutating func next(isolation actor: isolated (any Actor)?) async throws(ArgosError) -> Page? {
            guard !finished else { return nil }
            let page: Page
            do {
                page = try await pages.fetch(key)
            } catch {
                finished = true
                throw error
            }
            key = pages.nextKey(page)
            finished = key == nil
            return page
        }
    }
}

/// The items of a list, one at a time, fetching the next page when the current one is used up.
///
/// ```swift
/// for try await submission in client.submissions(SubmissionQuery(userid: "u-1")) {
///     print(submission.id ?? "-")
/// }
/// ```
public struct ArgosItems<Page: Sendable, Key: Sendable, Item: Sendable>: AsyncSequence, Sendable {
    /// One item.
    public typealias Element = Item
    /// Every failure is an ``ArgosError``.
    public typealias Failure = ArgosError

    /// The pages the items come from.
    public let pages: ArgosPages<Page, Key>
    let items: @Sendable (Page) -> [Item]

    /// Starts the iteration; no request is made until `next()`.
    public func makeAsyncIterator() -> Iterator { Iterator(pages: pages.makeAsyncIterator(), items: items) }

    /// Hands out the items of the current page, then fetches the next.
    public struct Iterator: AsyncIteratorProtocol {
        var pages: ArgosPages<Page, Key>.Iterator
        let items: @Sendable (Page) -> [Item]
        var buffer: [Item] = []
        var index = 0

        init(pages: ArgosPages<Page, Key>.Iterator, items: @escaping @Sendable (Page) -> [Item]) {
            self.pages = pages
            self.items = items
        }

        /// The next item, or nil after the last one.
        public mutating func next() async throws(ArgosError) -> Item? {
            try await next(isolation: nil)
        }

        /// The next item, or nil after the last one.
        public mutating func next(isolation actor: isolated (any Actor)?) async throws(ArgosError) -> Item? {
            while index == buffer.count {
                guard let page = try await pages.next(isolation: actor) else { return nil }
                buffer = items(page)
                index = 0
            }
            defer { index += 1 }
            return buffer[index]
        }
    }
}

extension ArgosClient {
    /// Every page of submissions that match `query`, fetched on demand.
    ///
    /// The query is checked on the first `next()`: a bad one throws
    /// ``ArgosError/Kind/invalidParameter`` there, before any request.
    public func submissionPages(_ query: SubmissionQuery = SubmissionQuery()) -> ArgosPages<SubmissionPage, SubmissionPage.NextPage> {
        ArgosPages(fetch: { (key) throws(ArgosError) in try await self.submissionPage(query, after: key) }, nextKey: \.nextPage)
    }

    /// Every submission that matches `query`, one at a time, the pages fetched on demand.
    public func submissions(_ query: SubmissionQuery = SubmissionQuery()) -> ArgosItems<SubmissionPage, SubmissionPage.NextPage, Submission> {
        ArgosItems(pages: submissionPages(query), items: \.submissions)
    }

    /// Every page of the project's Private Mode tokens, fetched on demand.
    public func tokenPages() -> ArgosPages<TokenPage, TokenPage.NextPage> {
        ArgosPages(fetch: { (key) throws(ArgosError) in try await self.tokenPage(after: key) }, nextKey: \.nextPage)
    }

    /// Every Private Mode token of the project (`{"tokenId","updateTime"}` objects), the pages fetched on demand.
    public func tokens() -> ArgosItems<TokenPage, TokenPage.NextPage, JSONObject> {
        ArgosItems(pages: tokenPages(), items: \.tokens)
    }
}
