import Audit
import Foundation
import Testing

/// A public key typed or pasted (`--public-key`, the district's register-school)
/// is read only when the text is exactly the key: found by the fuzzer of the
/// key reader (tools/fuzz, target digest).
@Suite struct PublicKeyReadingTests {
    /// Base64 whose last digit has bits to spare set stands for the same bytes as
    /// the canonical text; Foundation takes both, so two texts named one key.
    @Test func base64WithBitsToSpareIsNoKey() throws {
        let canonical = "3bDKnX3r5Cr6yU+x0Hm9VgYnmG7wWq3R3bW6J2Sgy04="
        let key = try #require(SchoolKeys.parsePublicKey(canonical))
        #expect(Data(key.rawRepresentation).base64EncodedString() == canonical)
        let spare = "3bDKnX3r5Cr6yU+x0Hm9VgYnmG7wWq3R3bW6J2Sgy07="
        #expect(Data(base64Encoded: spare) == Data(base64Encoded: canonical), "Foundation takes both")
        #expect(SchoolKeys.parsePublicKey(spare) == nil)
        let pem = SchoolKeys.pem(key)
        #expect(SchoolKeys.parsePublicKey(pem)?.rawRepresentation == key.rawRepresentation)
        let body = try #require(pem.split(separator: "\n").dropFirst().first)
        let last = body.last == "=" ? body.dropLast().last! : body.last!
        // The PEM body's last digit before its padding, with its spare bits set.
        let digits = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
        let index = digits.firstIndex(of: last)!
        let spared = pem.replacingOccurrences(of: String(body), with: String(body.dropLast(body.last == "=" ? 2 : 1))
                                              + String(digits[index | 0b11]) + (body.last == "=" ? "=" : ""))
        #expect(spared != pem)
        #expect(SchoolKeys.parsePublicKey(spared) == nil, "\(spared)")
    }
}
