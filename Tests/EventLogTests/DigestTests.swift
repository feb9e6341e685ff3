import Testing
@testable import EventLog

/// A digest read from text an auditor or a stranger typed: 64 hex digits or nothing, never a crash.
@Suite struct DigestTests {
    @Test func sixtyFourHexDigitsReadEitherCaseAndAnythingElseIsNotADigest() {
        let hex = "50d858e0985ecc7f60418aaf0cc5ab587f42c2570a884095a9e8ccacd0f6545c"
        let digest = Digest32(hex: hex)
        #expect(digest?.bytes.first == 0x50 && digest?.bytes.last == 0x5c)
        #expect(Digest32(hex: hex.uppercased()) == digest)
        let sixtyTwo = String(hex.prefix(62))
        for bad in [sixtyTwo + "é", sixtyTwo + "+f", sixtyTwo + "-1", sixtyTwo + "0x", sixtyTwo + " f", "é" + sixtyTwo + "0",
                    sixtyTwo, hex + "00", "", String(repeating: "я", count: 32), String(repeating: "g", count: 64)] {
            #expect(Digest32(hex: bad) == nil, "read «\(bad)» as a digest")
        }
    }
}
