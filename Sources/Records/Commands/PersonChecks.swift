import Catalog

/// Checks of the person data every register shares.
func requireName(_ name: PersonName, record: String) throws(RuleViolation) {
    guard !name.last.isEmpty, !name.first.isEmpty else {
        throw RuleViolation(.invalidInput, record: record, detail: "не заполнены фамилия или имя",
                            remedy: "Укажите фамилию и имя (и отчество, если оно есть).")
    }
    for part in [name.last, name.first, name.middle] {
        try requirePrintable(part, field: "ФИО", record: record)
    }
}

/// Names and ids are printed on slips, in journals and on terminals: a control
/// character (ESC, BEL) or an invisible direction override in one would clear a
/// screen or show a name reversed. Refused at the door.
func requirePrintable(_ text: String, field: String, record: String, allowFormat: Bool = false) throws(RuleViolation) {
    guard let code = unprintable(text, allowFormat: allowFormat) else { return }
    throw RuleViolation(.invalidInput, record: record, detail: "\(field): невидимый управляющий символ \(code)",
                        remedy: "Наберите значение заново, без скопированных служебных символов.")
}

/// The first control character (and, unless `allowFormat`, invisible format
/// character) of `text`, as `U+001B`; nil when there is none.
func unprintable(_ text: String, allowFormat: Bool = false) -> String? {
    let refused: Set<Unicode.GeneralCategory> = allowFormat ? [.control] : [.control, .format]
    guard let bad = text.unicodeScalars.first(where: { refused.contains($0.properties.generalCategory) }) else { return nil }
    return "U+" + String(bad.value, radix: 16, uppercase: true).leftPadded(to: 4)
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}

/// What is wrong with a SNILS: the rule below and the register import's
/// reports ask the same question.
enum SNILSProblem: Sendable {
    case digitCount, checkNumber
}

/// SNILS: 11 digits whose last two are a checksum of the first nine; nil when it is right.
func snilsProblem(_ snils: String) -> SNILSProblem? {
    let digits = snils.filter(\.isASCIIDigit).compactMap { $0.wholeNumberValue }
    guard digits.count == 11 else { return .digitCount }
    var sum = 0
    for i in 0..<9 { sum += digits[i] * (9 - i) }
    var check = sum % 101
    if check == 100 { check = 0 }
    return check == digits[9] * 10 + digits[10] ? nil : .checkNumber
}

func requireSNILS(_ snils: String, record: String) throws(RuleViolation) {
    switch snilsProblem(snils) {
    case nil:
        return
    case .digitCount:
        throw RuleViolation(.invalidInput, record: record, detail: "в СНИЛС «\(snils)» не 11 цифр",
                            remedy: "Запишите СНИЛС в виде 123-456-789 01.")
    case .checkNumber:
        throw RuleViolation(.invalidInput, record: record, detail: "в СНИЛС \(snils) неверное контрольное число",
                            remedy: "Сверьте СНИЛС с документом.")
    }
}

/// Whether two SNILS are the same number however they are written.
func sameSNILS(_ a: String, _ b: String) -> Bool {
    let digits = { (s: String) in s.filter(\.isASCIIDigit) }
    return !digits(a).isEmpty && digits(a) == digits(b)
}

extension Character {
    /// 0–9 and nothing else: codes, SNILS and phone numbers are written with
    /// these, not with any character Unicode counts as a number (٠, ½, ①).
    public var isASCIIDigit: Bool { isASCII && isNumber }
}
