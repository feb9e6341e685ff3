import Catalog

/// Reading the person columns the registers share.
extension RowReader {
    /// The school's own id for a new person (`T0007`), when the file gives one.
    mutating func personCode(_ column: Column, prefix: String) -> String? {
        let value = text(column)
        guard !value.isEmpty else { return nil }
        let code = value.uppercased()
        guard code.hasPrefix(prefix), code.count > prefix.count, code.dropFirst(prefix.count).allSatisfy(\.isASCIIDigit) else {
            fail(column, "«\(value)» — не код; коды здесь вида \(prefix)0001, или оставьте пустым, и код присвоится сам")
            return nil
        }
        return code
    }

    mutating func name(last: Column, first: Column, middle: Column) -> PersonName? {
        let lastName = required(last)
        let firstName = required(first)
        guard let lastName, let firstName else { return nil }
        var name = PersonName()
        name.last = lastName
        name.first = firstName
        name.middle = text(middle)
        // The rules refuse a control character in a name too; here it is named by its column.
        var printable = true
        for (column, part) in [(last, name.last), (first, name.first), (middle, name.middle)] {
            if let bad = unprintable(part) {
                fail(column, "невидимый управляющий символ \(bad); наберите значение заново, без скопированных служебных символов")
                printable = false
            }
        }
        return printable ? name : nil
    }

    mutating func email(_ column: Column) -> String {
        let value = text(column)
        if !value.isEmpty {
            let parts = value.split(separator: "@", omittingEmptySubsequences: false)
            if parts.count != 2 || parts[0].isEmpty || !parts[1].contains(".") || value.contains(where: \.isWhitespace) {
                fail(column, "«\(value)» — не адрес электронной почты")
            }
        }
        return value
    }

    /// A SNILS that no earlier row of the file has; the rules check the rest.
    mutating func uniqueSNILS(_ column: Column, seen: inout [String: Int]) -> String {
        let value = text(column)
        let digits = value.filter(\.isASCIIDigit)
        guard !digits.isEmpty else { return value }
        if let earlier = seen[digits] {
            fail(column, "СНИЛС \(value) уже есть в строке \(earlier)")
        } else {
            seen[digits] = line
        }
        return value
    }
}
