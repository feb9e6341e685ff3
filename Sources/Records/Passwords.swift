import _CryptoExtras
import Catalog
import Crypto
import Foundation

/// Temporary passwords and their hashes. Only the hash is ever recorded; the
/// password goes to the person once, on a slip or by e-mail.
public struct PasswordHasher: Sendable {
    /// PBKDF2-SHA256 rounds. 210,000 is OWASP's floor for PBKDF2-SHA256; the demo's
    /// generated school uses fewer to create thousands of logins quickly, and the
    /// number is part of every hash, so each hash can be checked on its own terms.
    public var rounds: Int

    public static let standard = PasswordHasher(rounds: 210_000)

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

    /// Whether `password` matches a hash made by `hash(_:)`, with that hash's rounds.
    public static func verify(_ password: String, against stored: String) -> Bool {
        let parts = stored.split(separator: "$").map(String.init)
        guard parts.count == 4, parts[0] == "pbkdf2-sha256", let rounds = Int(parts[1]),
              let salt = Data(base64Encoded: parts[2]) else { return false }
        return PasswordHasher(rounds: rounds).encode(password: password, salt: Array(salt)) == stored
    }

    private func encode(password: String, salt: [UInt8]) -> String {
        let key = try! KDF.Insecure.PBKDF2.deriveKey(
            from: Array(password.utf8), salt: salt, using: .sha256, outputByteCount: 32, unsafeUncheckedRounds: rounds)
        let derived = key.withUnsafeBytes { Data($0) }
        return "pbkdf2-sha256$\(rounds)$\(Data(salt).base64EncodedString())$\(derived.base64EncodedString())"
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
