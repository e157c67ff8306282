// TokenizerSetup: the tokenizer a recipe names — `blenderbot-small`, `bpe-N` (learned from the
// training text on first use into data/tokenizers/bpe-N, deterministically), or a folder.
import Foundation
import TextData

public enum TokenizerSetup {
    /// BART's four, `<mask>`, then the extractor's and PAL's tokens, so one learned vocabulary serves every stage.
    public static let learnedSpecialTokens = ["<s>", "<pad>", "</s>", "<unk>", "<mask>", "<persona>", "<sep>", "<input>"]
        + Strategy.allCases.map(\.token)

    /// The training text a vocabulary is learned from: ESConv train utterances and personas (split
    /// `seed`) and the PERSONA-CHAT train sample (utterances and personas).
    public static func trainingTexts(data: URL, seed: UInt64) throws -> [String] {
        let corpus = try ESConvCorpus.load(data: data)
        let train = corpus.parts(corpus.split(seed: seed)).train
        if let note = corpus.verification.note { print("  " + note) }
        let rcdg = try PersonaChatReader.readRCDG(directory: data.appendingPathComponent("personachat/songhaoyu_RCDG"))
        var texts: [String] = train.flatMap { $0.turns.map(\.text) }
        texts += train.flatMap { $0.personaList ?? [] }
        for dialogue in rcdg.dialogues {
            texts += dialogue.utterances.map(\.text)
            texts += dialogue.firstPersona + dialogue.secondPersona
        }
        return texts
    }

    /// Learns a byte-level vocabulary of `size` entries into `folder` (vocab.json, merges.txt, special_tokens.json).
    @discardableResult
    public static func learn(size: Int, data: URL, seed: UInt64, into folder: URL) throws -> ByteLevelBPETrainer.Result {
        try FileAccess.checkOutputFolder(folder)
        let result = ByteLevelBPETrainer(vocabularySize: size, extraSpecialTokens: Array(learnedSpecialTokens.dropFirst(4)))
            .train(try trainingTexts(data: data, seed: seed))
        try result.write(to: folder)
        try FileAccess.write(JSONSerialization.data(withJSONObject: learnedSpecialTokens), to: folder.appendingPathComponent(TokenizerLoader.specialTokensFile))
        return result
    }

    /// The tokenizer `spec` names, with `addedTokens`, and the reference a checkpoint stores.
    public static func resolve(_ spec: String, data: URL, seed: UInt64, addedTokens: [String]) throws -> (Tokenizer, TokenizerReference) {
        var source = spec
        if spec.hasPrefix("bpe-"), let size = Int(spec.dropFirst(4)) {
            let folder = data.appendingPathComponent("tokenizers/\(spec)")
            if !FileManager.default.fileExists(atPath: folder.appendingPathComponent("merges.txt").path) {
                print("learning a \(size)-entry byte-level vocabulary into \(folder.path)")
                try learn(size: size, data: data, seed: seed, into: folder)
            }
            source = folder.path
        }
        let tokenizer = try TokenizerLoader.load(source, data: data, addedTokens: addedTokens)
        return (tokenizer, TokenizerReference(source: source, identity: tokenizer.identity))
    }
}
