// EvaluationSplit: which examples an evaluation reads — ESConv from the data folder, with a PESConv
// file's personas when given, split by the seed (13 = the paper's split), its test or valid part,
// built into examples exactly as for training under a persona condition, the first `limit` of them,
// and how many of each example's tokens the models read (as trained unless given).
import Foundation
import TextData

public struct EvaluationSplit: Sendable {
    /// The data folder that `make data` fills.
    public var data: URL
    /// A PESConv file with personas for every conversation (nil: the published annotations).
    public var pesconv: String?
    /// `test` or `valid`.
    public var name: String
    /// The split's seed; it also seeds the shuffled personas.
    public var seed: UInt64
    /// Only the first N examples (0 = all).
    public var limit: Int
    /// Input and decoder lengths instead of those each checkpoint was trained with.
    public var lengths: LengthOverride

    public init(data: URL, pesconv: String?, name: String, seed: UInt64, limit: Int, lengths: LengthOverride = LengthOverride()) {
        self.data = data
        self.pesconv = pesconv
        self.name = name
        self.seed = seed
        self.limit = limit
        self.lengths = lengths
    }

    /// `checkpoint` as a dialogue model that reads this split's examples (`weights` as `DialogueModel` takes them).
    public func model(_ checkpoint: String, weights: WeightPrecision = .f32) throws -> DialogueModel {
        try DialogueModel(checkpoint: checkpoint, data: data, weights: weights, lengths: lengths)
    }

    /// The split's conversations, and the corpus's notes on what it read.
    public func conversations() throws -> (conversations: [Conversation], notes: [String]) {
        var corpus = try ESConvCorpus.load(data: data)
        if let pesconv { try corpus.attachPersonas(from: URL(fileURLWithPath: pesconv)) }
        let parts = corpus.parts(corpus.split(seed: seed))
        return (name == "test" ? parts.test : parts.valid, corpus.notes)
    }

    /// The first `limit` examples of `conversations` with their personas as `condition` says, and the
    /// inferred persona's text in each example (which Cos-Sim compares against).
    public func examples(of conversations: [Conversation], persona condition: PersonaCondition,
                         turns: ExampleTurns = .everySupporterTurn) throws -> [DialogueExample] {
        let made = try DialogueExamples.make(from: condition.apply(to: conversations, seed: seed), file: name, turns: turns, persona: .inferred).examples
        return limit > 0 ? Array(made.prefix(limit)) : made
    }
}
