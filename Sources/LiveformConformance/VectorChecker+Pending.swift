import Liveform

// Kinds whose domain layer is still being written fail loudly rather than pass silently.
extension VectorChecker {
    func checkLiveformURL(_ v: VectorReader) throws { throw VectorFailure("kind liveform-url is not implemented yet") }
    func checkReturnURL(_ v: VectorReader) throws { throw VectorFailure("kind return-url is not implemented yet") }
}
