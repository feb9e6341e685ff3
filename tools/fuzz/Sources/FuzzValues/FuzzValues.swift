import Audit
import EventLog
import Foundation
import FuzzSupport
import Records

/// Dates, moments and values as people type them on the command line and in
/// registers: no text crashes their readers, and what the strict forms accept
/// is exactly what was written.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzValues(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let text = String(decoding: fuzzInput(start, count), as: UTF8.self)
    if let date = CivilDate(iso: text) {
        require(date.iso == text, "\(text.debugDescription) read as \(date.iso)")
    }
    if let date = FieldParsing.date(text) {
        require(FieldParsing.date(date.iso) == date, "\(text.debugDescription) read as \(date.iso), which reads differently")
    }
    if let moment = Timestamp(isoUTC: text) {
        require(Timestamp(isoUTC: moment.iso) == moment, "\(text.debugDescription) read as \(moment.iso), which reads differently")
    }
    for dayStart in [false, true] {
        if case .time(let moment) = AsOfPoint.parse(text, dayStart: dayStart) {
            require(Timestamp(isoUTC: moment.iso) == moment, "--as-of \(text.debugDescription) is \(moment.iso), which reads differently")
        }
    }
    if case .sequence(let n) = AsOfPoint.parse(text) {
        let digits = text.trimmingCharacters(in: .whitespaces).drop { $0 == "#" }
        require(UInt64(digits) == n, "--as-of \(text.debugDescription) read as #\(n)")
    }
    for offset in [-12, 0, 3, 14] { _ = Moments.parse(text, utcOffsetHours: offset, endOfDay: true) }
    if let (grade, letter) = FieldParsing.className(text) {
        require((1...11).contains(grade) && !letter.isEmpty, "\(text.debugDescription) read as the class \(grade)\(letter)")
    }
    if let year = FieldParsing.academicYear(text) {
        require((2000...2100).contains(year) && text.contains(String(year)), "\(text.debugDescription) read as the year \(year)")
    }
    let name = FieldParsing.personName(text)
    let words = text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
    require([name.last, name.first, name.middle].filter { !$0.isEmpty }.joined(separator: " ") == words,
            "\(text.debugDescription) read as the name \(name)")
    _ = FieldParsing.sex(text)
    _ = FieldParsing.relation(text)
    return 0
}

/// The entry point SwiftPM links for this executable: libFuzzer's driver.
@_cdecl("FuzzValues_main")
public func fuzzValuesMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, fuzzValues)
}
