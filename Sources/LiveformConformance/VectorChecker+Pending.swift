import Liveform

// Kinds whose domain layer is still being written fail loudly rather than pass silently.
extension VectorChecker {
    func checkAPIBody(_ v: VectorReader, kind: String) throws { throw VectorFailure("kind \(kind) is not implemented yet") }
    func checkWebhook(_ v: VectorReader) throws { throw VectorFailure("kind webhook is not implemented yet") }
}
