import District
import EventLog
import Foundation
import FuzzSupport

/// The bundle reader (`letopis district import`): no file crashes it, and a file
/// it accepts is read to its last byte — magic, header, every event and the
/// digest, nothing skipped — with a header that writes back as itself.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzBundle(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let bytes = fuzzInput(start, count)
    guard let file = try? BundleFile(data: Data(bytes), path: "fuzz.bundle") else { return 0 }
    let magic = Array("letopis-bundle-v1\n".utf8)
    let headerLength = bytes[magic.count..<(magic.count + 4)].reduce(0) { $0 << 8 | Int($1) }
    var read = magic.count + 4 + headerLength
    var events: UInt64 = 0
    var expected = file.header.from
    file.forEachEvent { sequence, raw in
        require(sequence == expected, "event #\(sequence) where #\(expected) was due")
        expected += 1
        events += 1
        read += 4 + raw.count
    }
    require(events == file.header.eventCount, "\(events) events read of \(file.header.eventCount) the header names")
    require(read + 32 == bytes.count, "\(read + 32) bytes read of \(bytes.count)")
    let again = try? JSONDecoder().decode(BundleHeader.self, from: JSONEncoder().encode(file.header))
    require(again == file.header, "the header does not write back as itself")
    _ = try? file.header.signedBytes
    _ = file.fileDigest
    return 0
}

/// The entry point SwiftPM links for this executable: libFuzzer's driver.
@_cdecl("FuzzBundle_main")
public func fuzzBundleMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, fuzzBundle)
}
