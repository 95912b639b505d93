import Liveform

extension Demo {
    /// Filled in with the Secure Data Transfer layer.
    func demoSecureDataTransfer(key: AES256.Key, section: (String) -> Void, line: (String, String) -> Void) throws {}
}
