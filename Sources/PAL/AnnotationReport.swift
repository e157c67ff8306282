// AnnotationReport: how an annotation of ESConv compares with the published PESConv, on PAL's test
// conversations apart from its validation ones (an in-domain extractor may have been trained on
// those), beside the copy baseline (CopyBaseline) on the same conversations, with the number of
// distinct persona sentences each one writes.
import Evaluation
import Foundation
import TextData

public struct AnnotationReport {
    /// One part of PAL's split.
    public struct Part {
        public var name: String
        /// Conversations compared: in the part, with a published persona_list and one of ours.
        public var conversations: Int
        public var ours: PersonaAgreement
        public var copy: PersonaAgreement
        /// Distinct persona sentences in the part's persona_list entries: ours, the copy baseline's, the published ones.
        public var distinctOurs: Int
        public var distinctCopy: Int
        public var distinctPublished: Int
    }

    public var test: Part
    public var valid: Part
    /// Distinct persona sentences in every persona_list entry of ours (all conversations annotated).
    public var distinctOverall: Int
    /// Conversations with a persona_list of ours.
    public var annotatedConversations: Int

    /// Distinct persona sentences (whitespace-normalised, exact) over the persona_list entries of `conversations`.
    public static func distinctSentences(_ conversations: [Conversation]) -> Int {
        Set(conversations.flatMap { ($0.personaList ?? []).flatMap(DialogueExamples.personaSentences) }).count
    }

    /// Compares `ours` with `published` (both in ESConv.json order, index for index) on the test and
    /// the validation conversations of `split`; conversations `ours` has no persona_list for are left
    /// out. The copy baseline is computed here from `published`'s seeker turns.
    public static func make(ours: [Conversation], published: [Conversation], split: DataSplit, tokenizer: NLTKTokenizer) -> AnnotationReport {
        precondition(ours.count == published.count, "ours has \(ours.count) conversations, published \(published.count)")
        func part(_ name: String, _ indices: [Int]) -> Part {
            let kept = indices.filter { ours[$0].personaList != nil && published[$0].personaList != nil }
            let mine = kept.map { ours[$0] }, theirs = kept.map { published[$0] }
            let copy = CopyBaseline.annotate(theirs, tokenizer: tokenizer)
            return Part(name: name, conversations: kept.count,
                        ours: PersonaAgreement.compare(ours: mine, published: theirs, tokenizer: tokenizer),
                        copy: PersonaAgreement.compare(ours: copy, published: theirs, tokenizer: tokenizer),
                        distinctOurs: distinctSentences(mine), distinctCopy: distinctSentences(copy), distinctPublished: distinctSentences(theirs))
        }
        let annotated = ours.filter { $0.personaList != nil }
        return AnnotationReport(test: part("test", split.test), valid: part("valid", split.valid),
                                distinctOverall: distinctSentences(annotated), annotatedConversations: annotated.count)
    }

    /// One part as a table: per seeker turn and overall, ours beside the copy baseline.
    public static func table(_ part: Part) -> String {
        var lines = ["seeker turns      pairs |   ours BLEU-2  ROUGE-L |   copy BLEU-2  ROUGE-L"]
        let copyRows = Dictionary(part.copy.rows.map { ($0.entry ?? -1, $0) }, uniquingKeysWith: { a, _ in a })
        func line(_ label: String, _ r: PersonaAgreement.Row, _ c: PersonaAgreement.Row?) -> String {
            label.padding(toLength: 14, withPad: " ", startingAt: 0)
                + String(format: "%9d | %13.2f %8.2f | %13.2f %8.2f", r.pairs, r.bleu2, r.rougeL, c?.bleu2 ?? .nan, c?.rougeL ?? .nan)
        }
        for r in part.ours.rows {
            let label = r.entry.map { $0 >= 10 ? "1…\($0 + 3)+" : "1…\($0 + 3)" } ?? "all"
            lines.append(line(label, r, copyRows[r.entry ?? -1]))
        }
        lines.append(line("overall", part.ours.overall, part.copy.overall))
        lines.append("distinct persona sentences: ours \(part.distinctOurs), copy \(part.distinctCopy), published \(part.distinctPublished)")
        return lines.joined(separator: "\n")
    }

    /// The report as `paltrain annotate` prints it: the test part first (the figures to quote), then validation.
    public func text() -> String {
        var lines: [String] = []
        if test.conversations > 0 {
            lines += ["agreement with the published PESConv on PAL's \(test.conversations) TEST conversations (BLEU-2, ROUGE-L; copy = the seeker's own first-person sentences so far):",
                      Self.table(test), ""]
        }
        if valid.conversations > 0 {
            lines += ["on PAL's \(valid.conversations) validation conversations (an in-domain extractor trains on these: not a measure of it):",
                      Self.table(valid), ""]
        }
        lines.append("distinct persona sentences over all \(annotatedConversations) annotated conversations: \(distinctOverall)")
        return lines.joined(separator: "\n")
    }
}
