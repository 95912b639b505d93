import Liveform

extension Workloads {
    func runSecureDataTransfer(_ workload: String, key: AES256.Key) throws -> JSONValue {
        fail("\(workload) is not implemented yet")
    }
}
