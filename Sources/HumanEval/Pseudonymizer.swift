// Pseudonymizer: a participant's typed ID → `p-` and 16 hex digits of HMAC-SHA256 under the study's
// secret key (`study/secret.key`, 32 random bytes, created once, mode 0600). The same ID always gives
// the same pseudonym in one study, so a participant can resume; no study record holds the ID, and
// without the key the pseudonyms cannot be tried against a list of names. Never share the key.
import Foundation
import TextData

public struct Pseudonymizer: Sendable {
    public static let keyFile = "secret.key"
    /// Longest participant ID accepted, in characters.
    public static let maxIDLength = 100
    private let key: [UInt8]

    public init(key: [UInt8]) {
        self.key = key.count > 64 ? SHA256.digest(key) : key
    }

    /// The study's key, read from `folder`, or made and written there when it has none.
    public static func load(folder: URL) throws -> Pseudonymizer {
        let url = folder.appendingPathComponent(keyFile)
        if FileManager.default.fileExists(atPath: url.path) {
            let hex = try TextLines.text(of: url).trimmingCharacters(in: .whitespacesAndNewlines)
            guard let key = bytes(hex: hex), key.count >= 16 else {
                throw StudyError(.storage, "\(url.path): not a study key (hex digits); restore it from a backup, or start a new --study folder")
            }
            return Pseudonymizer(key: key)
        }
        let key = (0..<32).map { _ in UInt8.random(in: .min ... .max) }
        let fd = open(url.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        let text = Array((key.map { String(format: "%02x", $0) }.joined() + "\n").utf8)
        guard fd >= 0, Glibc.write(fd, text, text.count) == text.count, fsync(fd) == 0 else {
            throw StudyError(.storage, "\(url.path): cannot be written (\(String(cString: strerror(errno)))): choose a --study folder you can write to")
        }
        close(fd)
        return Pseudonymizer(key: key)
    }

    /// The ID as typed, trimmed and case-folded, or an error when it is empty or too long.
    public static func normalized(_ id: String) throws -> String {
        let id = normalizeWhitespace(id).lowercased()
        guard !id.isEmpty else { throw StudyError(.badRequest, "enter your participant ID") }
        guard id.count <= maxIDLength else { throw StudyError(.badRequest, "a participant ID has at most \(maxIDLength) characters") }
        return id
    }

    /// The pseudonym of participant `id` (after `normalized`).
    public func pseudonym(_ id: String) throws -> String {
        "p-" + Self.hmac(key: key, message: Array(try Self.normalized(id).utf8)).prefix(8).map { String(format: "%02x", $0) }.joined()
    }

    /// HMAC-SHA256 (RFC 2104) of `message` under a key of at most 64 bytes.
    static func hmac(key: [UInt8], message: [UInt8]) -> [UInt8] {
        let block = key + [UInt8](repeating: 0, count: 64 - key.count)
        return SHA256.digest(block.map { $0 ^ 0x5c } + SHA256.digest(block.map { $0 ^ 0x36 } + message))
    }

    private static func bytes(hex: String) -> [UInt8]? {
        let digits = Array(hex.utf8)
        guard digits.count % 2 == 0 else { return nil }
        var bytes: [UInt8] = []
        for i in stride(from: 0, to: digits.count, by: 2) {
            guard let byte = UInt8(String(decoding: digits[i..<i + 2], as: UTF8.self), radix: 16) else { return nil }
            bytes.append(byte)
        }
        return bytes
    }
}
