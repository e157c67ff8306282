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
        let folder = spec == blenderbotSmallName ? data.appendingPathComponent("vocab/blenderbot_small-90M") : URL(fileURLWithPath: spec)
        let vocabulary = folder.appendingPathComponent("vocab.json")
        guard FileManager.default.fileExists(atPath: vocabulary.path),
              FileManager.default.fileExists(atPath: folder.appendingPathComponent("merges.txt").path) else {
            let hint = spec == blenderbotSmallName ? "run `make data`, which installs it" : "give `\(blenderbotSmallName)` or a folder with vocab.json and merges.txt"
            throw DataError(file: folder.path, "no tokenizer here (vocab.json and merges.txt): \(hint)")
        }
        if try Data(contentsOf: vocabulary).range(of: Data("\"__start__\"".utf8)) != nil {
            return try BlenderbotSmallTokenizer(directory: folder, addedTokens: addedTokens)
        }
        let specialsFile = folder.appendingPathComponent(specialTokensFile)
        guard FileManager.default.fileExists(atPath: specialsFile.path) else {
            return try ByteLevelBPETokenizer(directory: folder, addedTokens: addedTokens)
        }
        guard let specials = try JSONSerialization.jsonObject(with: Data(contentsOf: specialsFile)) as? [String] else {
            throw DataError(file: specialsFile.path, "expected a JSON array of token strings")
        }
        return try ByteLevelBPETokenizer(directory: folder, addedTokens: addedTokens, specialTokens: specials)
    }
}
