import Audit
import EventLog
import Foundation
import FuzzSupport

/// The proof and checkpoint readers (`letopis verify-proof`, `--checkpoint`):
/// no document crashes them, and a checkpoint they accept is written back and
/// read as the same checkpoint.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzProof(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let data = Data(fuzzInput(start, count))
    let check = ProofVerifier.verify(json: data, publicKey: nil)
    require(!check.isValid || check.failed.isEmpty, "a proof holds with failures: \(check.failed)")
    if let checkpoint = try? SignedCheckpoint.parse(data) {
        let again = try? SignedCheckpoint.parse(Array(checkpoint.json().utf8))
        require(again == checkpoint, "the checkpoint \(checkpoint.json()) reads back as \(again.map { $0.json() } ?? "nothing")")
        _ = ProofVerifier.verify(json: data, checkpoint: checkpoint, publicKey: nil)
    }
    return 0
}

/// The entry point SwiftPM links for this executable: libFuzzer's driver.
@_cdecl("FuzzProof_main")
public func fuzzProofMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, fuzzProof)
}
