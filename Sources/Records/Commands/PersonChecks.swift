import Catalog

/// Checks of the person data every register shares.
func requireName(_ name: PersonName, record: String) throws(RuleViolation) {
    guard !name.last.isEmpty, !name.first.isEmpty else {
        throw RuleViolation(.invalidInput, record: record, detail: "the last or first name is empty",
                            remedy: "Give the last name and the first name (and the patronymic, if any).")
    }
}

/// SNILS: 11 digits whose last two are a checksum of the first nine.
func requireSNILS(_ snils: String, record: String) throws(RuleViolation) {
    let digits = snils.filter(\.isNumber).compactMap { $0.wholeNumberValue }
    guard digits.count == 11 else {
        throw RuleViolation(.invalidInput, record: record, detail: "SNILS \"\(snils)\" does not have 11 digits",
                            remedy: "Write SNILS as 123-456-789 01.")
    }
    var sum = 0
    for i in 0..<9 { sum += digits[i] * (9 - i) }
    var check = sum % 101
    if check == 100 { check = 0 }
    guard check == digits[9] * 10 + digits[10] else {
        throw RuleViolation(.invalidInput, record: record, detail: "SNILS \(snils) has a wrong check number",
                            remedy: "Check the SNILS against the person's document.")
    }
}

/// Whether two SNILS are the same number however they are written.
func sameSNILS(_ a: String, _ b: String) -> Bool {
    let digits = { (s: String) in s.filter(\.isNumber) }
    return !digits(a).isEmpty && digits(a) == digits(b)
}
