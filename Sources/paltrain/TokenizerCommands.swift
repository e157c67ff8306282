// `paltrain tokenize` (text ↔ ids on stdin/stdout, to check our ids against another implementation)
// and `paltrain tokenizer train` (a byte-level BPE vocabulary learned from the training text).
import ArgumentParser
import Foundation
import PAL
import TextData

/// Which tokenizer, with which added tokens.
struct TokenizerOptions: ParsableArguments {
    @Option(help: "`blenderbot-small` or a folder with vocab.json and merges.txt.")
    var tokenizer = TokenizerLoader.blenderbotSmallName

    @Flag(inversion: .prefixedNo, help: "Add PAL's tokens (</s> <s> <persona> <input> and the 8 strategies) as single tokens.")
    var palTokens = true

    @Option(name: .customLong("added-token"), help: "A further token to keep whole (repeatable).")
    var addedTokens: [String] = []

    @Option(help: "The data folder that `make data` fills.")
    var data = "data"

    func load() throws -> Tokenizer {
        try TokenizerLoader.load(tokenizer, data: URL(fileURLWithPath: data), addedTokens: (palTokens ? PALTokens.added : []) + addedTokens)
    }
}

struct Tokenize: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Read lines on stdin, write one JSON array of token ids per line (or, with --decode, the reverse).")

    @OptionGroup var options: TokenizerOptions

    @Flag(help: "Read JSON arrays of ids and write the decoded text.")
    var decode = false

    @Flag(help: "With --decode, drop special and added tokens, as HF's skip_special_tokens.")
    var skipSpecialTokens = false

    func run() throws {
        let tokenizer = try options.load()
        var input = StandardInput()
        while let line = input.next() {
            if decode {
                guard let ids = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [Int] else {
                    throw DataError(file: "stdin", line: input.lineNumber, "expected a JSON array of integer ids")
                }
                if let outside = ids.firstIndex(where: { !(0..<tokenizer.vocabularySize).contains($0) }) {
                    throw DataError(file: "stdin", line: input.lineNumber, field: "[\(outside)]",
                                    "id \(ids[outside]) is outside this tokenizer's vocabulary 0..<\(tokenizer.vocabularySize)")
                }
                print(tokenizer.decode(ids.map(Int32.init), skipSpecialTokens: skipSpecialTokens))
            } else {
                print("[" + tokenizer.encode(line).map(String.init).joined(separator: ",") + "]")
            }
        }
    }
}

struct TokenizerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "tokenizer", abstract: "Build tokenizers.", subcommands: [Train.self])

    struct Train: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Learn a byte-level BPE vocabulary from the training text (ESConv train split, with its personas, and PERSONA-CHAT train).")

        @Option(help: "Entries in the vocabulary (special tokens + 256 bytes + merges).")
        var vocabSize: Int

        @Option(name: .shortAndLong, help: "Folder to write vocab.json, merges.txt and special_tokens.json into.")
        var output: String

        @Option(help: "The data folder that `make data` fills.")
        var data = "data"

        @Option(help: "Split seed (13 = the paper's split); only train conversations are read.")
        var seed: UInt64 = 13

        func validate() throws {
            guard vocabSize >= TokenizerSetup.learnedSpecialTokens.count + 256 else {
                throw ValidationError("--vocab-size must be at least \(TokenizerSetup.learnedSpecialTokens.count + 256) (special tokens + 256 bytes)")
            }
        }

        func run() throws {
            let start = Date()
            let result = try TokenizerSetup.learn(size: vocabSize, data: URL(fileURLWithPath: data), seed: seed, into: URL(fileURLWithPath: output))
            print(String(format: "learned %d tokens (%d merges) in %.1f s; wrote %@", result.tokens.count, result.merges.count,
                         Date().timeIntervalSince(start), output))
        }
    }
}
