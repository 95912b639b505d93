// The entry point. The target is named by the environment variable LIVEFORM_FUZZ_TARGET
// (it survives libFuzzer re-running itself, e.g. with -fork).
//
// Tools/fuzz.sh builds this with `-sanitize=fuzzer,address -D LIVEFORM_FUZZING`. libFuzzer's
// own `main` is not the one that runs: SwiftPM links every Linux executable with
// `--defsym main=LiveformFuzz_main`, so our `@main` runs and hands over to libFuzzer with
// `LLVMFuzzerRunDriver`. In a plain `swift build` the same `main` replays saved inputs, so
// the package builds everywhere and a crasher reruns without the fuzzer:
//   LIVEFORM_FUZZ_TARGET=webhook swift run LiveformFuzz .build-fuzz/artifacts/webhook/crash-…
#if LIVEFORM_FUZZING
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

@_extern(c, "LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
    _ testOneInput: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
) -> CInt

/// libFuzzer's callback. The runtime's unused `main` refers to it by this name, so it must
/// exist under it even though `LLVMFuzzerRunDriver` is handed the pointer.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    selectedTarget(Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
}
#else
import Foundation
#endif

/// The target named by `LIVEFORM_FUZZ_TARGET`, read once.
let selectedTarget: @Sendable ([UInt8]) -> Void = {
    let name = getenv("LIVEFORM_FUZZ_TARGET").map { String(cString: $0) } ?? ""
    guard let target = FuzzTargets.all[name] else {
        print("set LIVEFORM_FUZZ_TARGET to one of: \(FuzzTargets.all.keys.sorted().joined(separator: " "))")
        exit(64)
    }
    return target
}()

@main
enum LiveformFuzzMain {
    static func main() throws {
        _ = selectedTarget
        #if LIVEFORM_FUZZING
        var argc = CommandLine.argc
        var argv = CommandLine.unsafeArgv
        exit(LLVMFuzzerRunDriver(&argc, &argv) { data, size in fuzzTestOneInput(data, size) })
        #else
        for path in CommandLine.arguments.dropFirst() {
            selectedTarget(Array(try Data(contentsOf: URL(fileURLWithPath: path))))
            print("\(path): ok")
        }
        #endif
    }
}
