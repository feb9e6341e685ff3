import Audit
import EventLog
import Foundation
import FuzzSupport

/// Hex digests and public keys (PEM, base64, hex): no text crashes them, and
/// what they accept is exactly what was written.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzDigest(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let bytes = fuzzInput(start, count)
    let text = String(decoding: bytes, as: UTF8.self)
    if let digest = Digest32(hex: text) {
        require(digest.hex == text.lowercased(), "\(text.debugDescription) read as \(digest.hex)")
        require(Digest32(digest.bytes) == digest, "\(digest.hex): its bytes read back differently")
    }
    if let digest = Digest32(bytes) {
        require(Digest32(hex: digest.hex) == digest, "32 bytes: their hex \(digest.hex) reads back differently")
    }
    if let key = SchoolKeys.parsePublicKey(text) {
        let raw = Array(key.rawRepresentation)
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        let asHex = raw.map { String(format: "%02x", $0) }.joined()
        let asBase64 = Data(raw).base64EncodedString()
        // A PEM block may stand among other text (RFC 7468 §2); its body must be the key's.
        let pemBody = SchoolKeys.pem(key).split(separator: "\n")[1]
        require(trimmed.lowercased() == asHex || Data(base64Encoded: trimmed) == Data(raw)
                || (trimmed.contains("-----BEGIN PUBLIC KEY-----") && trimmed.filter { !$0.isWhitespace }.contains(pemBody)),
                "\(text.debugDescription) read as the key \(asBase64)")
        require(SchoolKeys.parsePublicKey(SchoolKeys.pem(key))?.rawRepresentation == key.rawRepresentation,
                "the key's PEM reads back as another key")
    }
    return 0
}

/// The entry point SwiftPM links for this executable: libFuzzer's driver.
@_cdecl("FuzzDigest_main")
public func fuzzDigestMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, fuzzDigest)
}
