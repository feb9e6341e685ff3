import EventLog
import Foundation
import Records
import Testing

/// Inputs the fuzzer of the register reader (tools/fuzz, target register) found,
/// kept as cases of their own.
@Suite struct RegisterReaderFindingsTests {
    /// Twenty-four NUL bytes before a UTF-8 header made the reader take the file
    /// for UTF-16 and keep every byte as one cell of unreadable characters, which
    /// no register can hold (written out as text, it reads as nothing at all).
    @Test func textHoldingNULIsNoRegister() throws {
        let header = Data("Фамилия;Имя;Отчество;Пол;Дата рождения\r\nАндреев;Борис;Ильич;м;14.03.2015;\r\n".utf8)
        for bytes in [Data(repeating: 0, count: 24) + header, Data("a;b\u{0}c;d\n".utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] })] {
            #expect(throws: ImportIssue.self) { try RegisterFile(data: bytes) }
            do {
                _ = try RegisterFile(data: bytes)
            } catch {
                #expect(error.line == 0 && error.reason.contains("символы с кодом 0"), "\(error)")
            }
        }
        // UTF-16 without NUL characters is read as before.
        let unicode = Data("Класс;Учебный год\n7Г;2024/2025\n".utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] })
        #expect(try RegisterFile(data: unicode).records.map(\.cells) == [["Класс", "Учебный год"], ["7Г", "2024/2025"]])
    }

    /// A date's numbers are digits 0-9: a sign is no digit, so «+999-01-01» is not
    /// the year 999 and «01.01.-999» not a year before Christ; each date the readers
    /// accept reads back from its ISO form as itself.
    @Test func datesAreDigitsWithoutSigns() {
        for text in ["+999-01-01", "2026-+9-01", "2026-09-+1"] { #expect(CivilDate(iso: text) == nil, "\(text)") }
        for text in ["01.01.-999", "01.01.+999", "+1.09.2026", "01.+9.2026", "+4600", "-4600 "] {
            #expect(FieldParsing.date(text) == nil, "\(text)")
        }
        for text in ["2026-09-01", "01.09.2026", "1.9.2026", "46000", "01.09.2026 10:00"] {
            let date = FieldParsing.date(text)
            #expect(date != nil && FieldParsing.date(date!.iso) == date, "\(text)")
        }
    }

    /// «a,b» then «""pejips»: an empty quoted cell with text after its closing
    /// quote, which the CSV reader took for «"ejips», dropping the «p». Text after a
    /// closing quote is an error at its line; a doubled quote inside a quoted cell,
    /// and a quote inside an unquoted cell, are read as before.
    @Test func textAfterAClosingQuoteIsAnErrorNotLetters() throws {
        for text in ["a,b\n\"\"pejips\n", "Фамилия;Прибыл из\nИванов;\"Школа\" № 5\n"] {
            do {
                _ = try RegisterFile(data: Data(text.utf8))
                Issue.record("\(text.debugDescription) was read")
            } catch {
                #expect(error.line == 2 && error.reason.contains("после закрывающей кавычки"), "\(error)")
            }
        }
        let fine = try RegisterFile(data: Data("Фамилия;Прибыл из\nИванов;\"Гимназия \"\"Эрудит\"\"\"\nПетров;\"\"\n".utf8))
        #expect(fine.records.map(\.cells) == [["Фамилия", "Прибыл из"], ["Иванов", "Гимназия \"Эрудит\""], ["Петров", ""]])
    }

    /// A quote (or a delimiter) followed by a combining mark is one Character to
    /// Swift, but a quote to the CSV reader: the reader's own view decides, so a
    /// quote so marked and left open is still an error at its line, not the rows
    /// after it swallowed into one cell.
    @Test func aQuoteWithACombiningMarkIsStillAQuote() throws {
        let open = "Фамилия;Прибыл из\nИванов;\"\u{0301}Школа № 5\nПетров;Лицей\nСидоров;Гимназия\n"
        do {
            let file = try RegisterFile(data: Data(open.utf8))
            Issue.record("read as \(file.records.map(\.cells))")
        } catch {
            #expect(error.line == 2 && error.reason.contains("не закрыта до конца файла"), "\(error)")
        }
        // The delimiter with a combining mark after it still delimits.
        let marked = try RegisterFile(data: Data("Фамилия;Имя\nИванов;\u{0301}Пётр\n".utf8))
        #expect(marked.delimiter == ";" && marked.records[1].cells == ["Иванов", "\u{0301}Пётр"], "\(marked.records)")
    }
}
