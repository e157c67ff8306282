// PersonaAgreement: how close inferred personas are to the published PESConv annotations — BLEU-2
// (corpus, nltk smoothing method 3) and ROUGE-L (β 1.2, averaged) between our persona_list entries
// and theirs, per seeker turn (entry k = seeker turns 1…k+3) and overall, on lower-cased nltk words.
import Evaluation
import Foundation
import TextData

public struct PersonaAgreement {
    public struct Row {
        /// Entry index (0 = after the 3rd seeker turn), or nil for all entries.
        public var entry: Int?
        public var pairs: Int
        public var bleu2: Double
        public var rougeL: Double
    }

    public var rows: [Row]
    public var overall: Row

    /// Compares `ours` with `published` conversation by conversation (same order; conversations
    /// without a published persona_list are skipped). Entries beyond `perEntryRows` are pooled into one row.
    public static func compare(ours: [Conversation], published: [Conversation], tokenizer: NLTKTokenizer,
                               perEntryRows: Int = 10) -> PersonaAgreement {
        var byEntry: [Int: [(hypothesis: [String], reference: [String])]] = [:]
        for (mine, theirs) in zip(ours, published) {
            guard let reference = theirs.personaList, let hypothesis = mine.personaList else { continue }
            for (k, (h, r)) in zip(hypothesis, reference).enumerated() {
                let words = { (entry: String) in tokenizer.lowercasedWords(DialogueExamples.personaSentences(entry).joined(separator: " ")) }
                byEntry[min(k, perEntryRows), default: []].append((words(h), words(r)))
            }
        }
        func row(_ entry: Int?, _ pairs: [(hypothesis: [String], reference: [String])]) -> Row {
            let bleu = CorpusBLEU.score(references: pairs.map { [$0.reference] }, hypotheses: pairs.map(\.hypothesis),
                                        weights: CorpusBLEU.uniformWeights(2))
            let rouge = pairs.map { RougeL.score(hypothesis: $0.hypothesis, reference: $0.reference, beta: 1.2) }
            return Row(entry: entry, pairs: pairs.count, bleu2: bleu * 100, rougeL: rouge.reduce(0, +) / Double(max(rouge.count, 1)) * 100)
        }
        let rows = byEntry.keys.sorted().map { row($0, byEntry[$0]!) }
        return PersonaAgreement(rows: rows, overall: row(nil, byEntry.keys.sorted().flatMap { byEntry[$0]! }))
    }

    /// A table: one line per seeker turn, then the overall figures.
    public func table(perEntryRows: Int = 10) -> String {
        var lines = ["seeker turns      pairs   BLEU-2  ROUGE-L"]
        for r in rows {
            let label = r.entry.map { $0 >= perEntryRows ? "1…\($0 + 3)+" : "1…\($0 + 3)" } ?? "all"
            lines.append(label.padding(toLength: 14, withPad: " ", startingAt: 0) + String(format: "%9d %8.2f %8.2f", r.pairs, r.bleu2, r.rougeL))
        }
        lines.append("overall       " + String(format: "%9d %8.2f %8.2f", overall.pairs, overall.bleu2, overall.rougeL))
        return lines.joined(separator: "\n")
    }
}
