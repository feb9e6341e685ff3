import Foundation
import FuzzDriver

/// libFuzzer's callback: the bytes of one input.
public typealias FuzzBody = @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt

/// Runs libFuzzer's driver with `body`. SwiftPM links an executable's entry point
/// as `<Target>_main` (and defines `main` as it), so each target's entry point
/// starts the driver itself instead of linking libFuzzer's own `main`.
public func runFuzzer(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?, _ body: FuzzBody) -> CInt {
    var argc = argc
    var argv = argv
    return LLVMFuzzerRunDriver(&argc, &argv, body)
}

/// The fuzzer's input as bytes (libFuzzer may pass a null pointer for no bytes).
public func fuzzInput(_ start: UnsafePointer<UInt8>?, _ count: Int) -> [UInt8] {
    guard let start, count > 0 else { return [] }
    return Array(UnsafeBufferPointer(start: start, count: count))
}

/// A property every accepted input must keep: when it does not, the input is a
/// finding. Aborting makes libFuzzer save it as a crash (crash-<sha1>).
public func require(_ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String,
                    file: StaticString = #fileID, line: UInt = #line) {
    if !condition() {
        FileHandle.standardError.write(Data("fuzz property failed at \(file):\(line): \(message())\n".utf8))
        abort()
    }
}
