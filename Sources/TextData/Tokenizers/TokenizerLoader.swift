// TokenizerLoader: a tokenizer from a name or a folder. `blenderbot-small` is the BlenderbotSmall-90M
// vocabulary that `make data` installs; a folder holds `vocab.json` + `merges.txt`, either
// BlenderbotSmall's (it has `__start__`) or a byte-level BPE (BART's, or one that `paltrain
// tokenizer train` wrote, whose `special_tokens.json` lists its special tokens).
import Foundation

public enum TokenizerLoader {
    public static let blenderbotSmallName = "blenderbot-small"
    /// Written beside a trained byte-level vocabulary: its special tokens, in id order.
    public static let specialTokensFile = "special_tokens.json"

    /// Loads `spec` (a name or a folder, relative paths from the working directory), adding `addedTokens`.
    public static func load(_ spec: String, data: URL, addedTokens: [String]) throws -> Tokenizer {
        let folder = folder(of: spec, data: data)
        let vocabulary = folder.appendingPathComponent("vocab.json")
        guard FileManager.default.fileExists(atPath: vocabulary.path),
              FileManager.default.fileExists(atPath: folder.appendingPathComponent("merges.txt").path) else {
            let hint = spec == blenderbotSmallName ? "run `make data`, which installs it" : "give `\(blenderbotSmallName)` or a folder with vocab.json and merges.txt"
            throw DataError(file: folder.path, "no tokenizer here (vocab.json and merges.txt): \(hint)")
        }
        if try FileAccess.read(vocabulary).range(of: Data("\"__start__\"".utf8)) != nil {
            return try BlenderbotSmallTokenizer(directory: folder, addedTokens: addedTokens)
        }
        let specialsFile = folder.appendingPathComponent(specialTokensFile)
        guard FileManager.default.fileExists(atPath: specialsFile.path) else {
            return try ByteLevelBPETokenizer(directory: folder, addedTokens: addedTokens)
        }
        let specialsData = try FileAccess.read(specialsFile)
        guard let specials = try? JSONSerialization.jsonObject(with: specialsData) as? [String] else {
            throw DataError(file: specialsFile.path, "expected a JSON array of token strings")
        }
        return try ByteLevelBPETokenizer(directory: folder, addedTokens: addedTokens, specialTokens: specials)
    }

    /// The folder `spec` names: the installed BlenderbotSmall vocabulary for its name, else `spec` itself.
    public static func folder(of spec: String, data: URL) -> URL {
        spec == blenderbotSmallName ? data.appendingPathComponent("vocab/blenderbot_small-90M") : URL(fileURLWithPath: spec)
    }

    /// The tokenizer a checkpoint names: loaded from `override` when given, else from where it was
    /// loaded at training time, and checked against the recorded file hashes and added tokens.
    public static func load(_ reference: TokenizerReference, data: URL, override: String? = nil) throws -> Tokenizer {
        let source = override ?? reference.source
        let tokenizer = try load(source, data: data, addedTokens: reference.identity.addedTokens)
        guard tokenizer.identity == reference.identity else {
            throw DataError(file: source, "this tokenizer is not the one the checkpoint was made with (recorded \(reference.identity), found \(tokenizer.identity)): pass the right folder with --tokenizer")
        }
        return tokenizer
    }
}

/// How a checkpoint names its tokenizer: where it was loaded from and what it was.
public struct TokenizerReference: Codable, Equatable, Sendable {
    /// `blenderbot-small` or the folder given when the checkpoint was made.
    public var source: String
    public var identity: TokenizerIdentity

    public init(source: String, identity: TokenizerIdentity) {
        self.source = source
        self.identity = identity
    }

    /// The JSON stored in a checkpoint's `tokenizer` attribute.
    public func jsonString() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }

    /// The reference stored in a checkpoint, or nil when it names none (`{}`).
    public static func decode(_ json: String) -> TokenizerReference? {
        try? JSONDecoder().decode(TokenizerReference.self, from: Data(json.utf8))
    }
}
