import Foundation
import FuzzSupport
import Records

/// The register reader (encodings, delimiter, quotes, CSV): no input crashes it,
/// and a file it accepts keeps every character of its cells — nothing of the
/// text but delimiters, quotes and the spaces around cells is dropped, and the
/// records it read, written back as CSV, read again the same (or are refused).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRegister(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let bytes = fuzzInput(start, count)
    guard let file = try? RegisterFile(data: Data(bytes)) else { return 0 }
    var line = 0
    for record in file.records {
        require(record.line > line, "record lines go back: \(record.line) after \(line)")
        line = record.line
    }
    guard let (text, encoding) = try? RegisterFile.decode(bytes) else {
        require(false, "the file was read but its text cannot be decoded")
        return 0
    }
    require(encoding == file.encoding, "decoded as \(encoding), read as \(file.encoding)")

    // Every character of the text that is not syntax is in some cell, in order.
    let delimiter = file.delimiter.unicodeScalars.first!
    func content(_ scalars: some Sequence<Unicode.Scalar>) -> [Unicode.Scalar] {
        scalars.filter { $0 != "\"" && $0 != delimiter && !CharacterSet.whitespacesAndNewlines.contains($0) }
    }
    let inText = content(text.unicodeScalars)
    let inCells = content(file.records.flatMap(\.cells).joined().unicodeScalars)
    require(inText == inCells, "cells hold \(inCells.count) characters of the text's \(inText.count): "
            + "\(String(String.UnicodeScalarView(inText)).debugDescription) read as \(file.records.map(\.cells))")

    // Written back with every cell quoted, the records read the same. Quotes are
    // doubled by scalars: a quote with a combining mark is one Character to Swift.
    func quoted(_ cell: String) -> String {
        var out = String.UnicodeScalarView()
        out.append("\"")
        for scalar in cell.unicodeScalars {
            out.append(scalar)
            if scalar == "\"" { out.append("\"") }
        }
        out.append("\"")
        return String(out)
    }
    let written = file.records.map { record in
        record.cells.map(quoted).joined(separator: String(file.delimiter))
    }.joined(separator: "\r\n")
    // (A written form the reader refuses is no loss: the delimiter is guessed from
    // the first lines, which blank records written out can push the header past.)
    if let again = try? RegisterFile(data: Data(written.utf8)) {
        require(again.records.map(\.cells) == file.records.map(\.cells),
                "read \(file.records.map(\.cells)), written back and read again \(again.records.map(\.cells))")
    }
    return 0
}

/// The entry point SwiftPM links for this executable: libFuzzer's driver.
@_cdecl("FuzzRegister_main")
public func fuzzRegisterMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, fuzzRegister)
}
