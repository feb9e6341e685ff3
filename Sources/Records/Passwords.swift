import _CryptoExtras
import Catalog
import Crypto
import Foundation

/// Password hashes: PBKDF2-HMAC-SHA256 with a 16-byte random salt. Only the
/// hash is kept, in the credentials table (never in the log); a temporary
/// password goes to its owner once, on a slip or by e-mail.
public struct PasswordHasher: Sendable {
    /// PBKDF2-SHA256 rounds. 600,000 is OWASP's current bar for PBKDF2-HMAC-SHA256
    /// (about 0.3 s of one core here). The demo's generated school uses fewer to
    /// create thousands of logins quickly; the number is part of every hash, so each
    /// hash is checked on its own terms, and one below the standard is replaced at
    /// its owner's next sign-in (`needsRehash`).
    public var rounds: Int

    public static let standardRounds = 600_000
    public static let standard = PasswordHasher(rounds: standardRounds)

    public init(rounds: Int) {
        self.rounds = rounds
    }

    /// `pbkdf2-sha256$<rounds>$<salt, base64>$<hash, base64>`, with a fresh salt.
    public func hash(_ password: String) -> String {
        var generator = SystemRandomNumberGenerator()
        return hash(password, using: &generator)
    }

    /// The same, with the salt drawn from `generator` (a seeded generator gives
    /// a reproducible hash, as a generated demo school needs).
    public func hash<G: RandomNumberGenerator>(_ password: String, using generator: inout G) -> String {
        let salt = (0..<16).map { _ in UInt8.random(in: 0...255, using: &generator) }
        return encode(password: password, salt: salt)
    }

    /// Whether `password` matches a hash made by `hash(_:)`, with that hash's
    /// rounds; the comparison takes the same time wherever the first difference is.
    public static func verify(_ password: String, against stored: String) -> Bool {
        let parts = stored.split(separator: "$").map(String.init)
        guard parts.count == 4, parts[0] == "pbkdf2-sha256", let rounds = Int(parts[1]), rounds > 0,
              let salt = Data(base64Encoded: parts[2]) else { return false }
        let computed = Array(PasswordHasher(rounds: rounds).encode(password: password, salt: Array(salt)).utf8)
        let expected = Array(stored.utf8)
        guard computed.count == expected.count else { return false }
        return zip(computed, expected).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }

    /// Whether a stored hash was made with fewer rounds than the standard's, and
    /// should be made again from the password at its owner's next sign-in.
    public static func needsRehash(_ stored: String, rounds wanted: Int = standardRounds) -> Bool {
        let parts = stored.split(separator: "$")
        guard parts.count == 4, let rounds = Int(parts[1]) else { return true }
        return rounds < wanted
    }

    /// A hash of nothing anyone has, at the standard rounds: checking a password
    /// against it for an unknown login takes as long as for a real one.
    public static let decoy = PasswordHasher.standard.hash(TemporaryPassword.generate())

    private func encode(password: String, salt: [UInt8]) -> String {
        let key = try! KDF.Insecure.PBKDF2.deriveKey(
            from: Array(password.utf8), salt: salt, using: .sha256, outputByteCount: 32, unsafeUncheckedRounds: rounds)
        let derived = key.withUnsafeBytes { Data($0) }
        return "pbkdf2-sha256$\(rounds)$\(Data(salt).base64EncodedString())$\(derived.base64EncodedString())"
    }
}

/// What a person's own password must be (OWASP ASVS 5.0 §6.2): at least 8
/// characters, up to 64, and not one of the most common passwords, nor the
/// login itself. No rules of composition: a long phrase is a good password.
public enum PasswordPolicy {
    public static let minimumLength = 8
    public static let maximumLength = 64

    /// The rule a new password breaks, if any.
    public static func check(_ password: String, login: String) throws(RuleViolation) {
        let record = "логин \(login)"
        let length = password.count
        if length < minimumLength {
            throw RuleViolation(.passwordPolicy, record: record,
                                detail: "в пароле \(length) симв., а нужно не меньше \(minimumLength)",
                                remedy: "Придумайте пароль подлиннее: например, фразу из нескольких слов.")
        }
        if length > maximumLength {
            throw RuleViolation(.passwordPolicy, record: record,
                                detail: "в пароле \(length) симв., а можно не больше \(maximumLength)",
                                remedy: "Придумайте пароль короче \(maximumLength + 1) символов.")
        }
        let lowered = password.lowercased()
        if lowered == login.lowercased() {
            throw RuleViolation(.passwordPolicy, record: record, detail: "пароль совпадает с логином",
                                remedy: "Придумайте пароль, не похожий на логин.")
        }
        if commonPasswords.contains(lowered) {
            throw RuleViolation(.passwordPolicy, record: record,
                                detail: "этот пароль слишком распространён, его подбирают первым",
                                remedy: "Придумайте другой пароль, который не используете на других сайтах.")
        }
    }
}

public enum TemporaryPassword {
    /// Ten characters without look-alikes (no 0/O, 1/l/I), easy to type from a slip.
    public static func generate<G: RandomNumberGenerator>(using generator: inout G) -> String {
        let alphabet = Array("abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789")
        return String((0..<10).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &generator)] })
    }

    public static func generate() -> String {
        var generator = SystemRandomNumberGenerator()
        return generate(using: &generator)
    }
}

/// Login names from Russian names: `ivanova.ms` (BGN/PCGN romanization).
enum LoginName {
    static func base(for name: PersonName) -> String {
        let last = romanize(name.last)
        let initials = [name.first, name.middle].compactMap { romanize($0).first.map(String.init) }.joined()
        let base = initials.isEmpty ? last : "\(last).\(initials)"
        return base.isEmpty ? "user" : base
    }

    static func romanize(_ text: String) -> String {
        let latin = text.applyingTransform(StringTransform("Russian-Latin/BGN"), reverse: false) ?? text
        let plain = latin.applyingTransform(.stripDiacritics, reverse: false) ?? latin
        return String(plain.lowercased().unicodeScalars.filter { ("a"..."z").contains($0) }.map(Character.init))
    }
}
