// CopyBaseline: persona "inferred" with no model, the floor a persona extractor has to beat: entry k
// of `persona_list` is every first-person sentence of the seeker's utterances 1…k+3, in order,
// lower-cased, each once. Sentences are nltk's (`sent_tokenize` of each utterance as written, then
// lower-cased); a sentence is first-person when one of its words is in `firstPersonWords`.
import Evaluation
import Foundation
import PythonSemantics
import TextData

public enum CopyBaseline {
    /// The words that make a sentence first-person: "i", "me", "my", "myself" and the contractions
    /// of "i" (also as chat writes them, without the apostrophe: "im", "ive"). "id" and "ill" are
    /// left out: they are words of their own.
    public static let firstPersonWords: Set<String> = ["i", "i'm", "im", "i've", "ive", "i'd", "i'll", "me", "my", "myself"]

    /// The words `isFirstPerson` looks at: lower-cased runs of letters and apostrophes (’ read as ').
    public static func words(_ sentence: String) -> [String] {
        sentence.lowercased().replacingOccurrences(of: "\u{2019}", with: "'")
            .split(whereSeparator: { !($0.isLetter || $0 == "'") }).map(String.init)
    }

    /// Whether `sentence` speaks about the speaker: one of its words is in `firstPersonWords`.
    public static func isFirstPerson(_ sentence: String) -> Bool {
        words(sentence).contains(where: firstPersonWords.contains)
    }

    /// The first-person sentences of one utterance, lower-cased and whitespace-normalised.
    public static func sentences(of utterance: String, tokenizer: NLTKTokenizer) -> [String] {
        tokenizer.sentTokenize(utterance).map { normalizeWhitespace(PythonText.lowercased($0)) }.filter { !$0.isEmpty && isFirstPerson($0) }
    }

    /// The baseline's `persona_list` for `conversation` (one entry per seeker turn from the 3rd on,
    /// entry k from seeker utterances 1…k+3) and its `persona` (from all of them), as PESConv writes them.
    public static func personas(_ conversation: Conversation, tokenizer: NLTKTokenizer) -> (persona: String, personaList: [String]) {
        var sentences: [String] = [], list: [String] = []
        for (n, turn) in conversation.turns.filter({ $0.speaker == .seeker }).enumerated() {
            for sentence in self.sentences(of: turn.text, tokenizer: tokenizer) where !sentences.contains(sentence) { sentences.append(sentence) }
            if n + 1 >= 3 { list.append(PersonaEntry.make(sentences)) }
        }
        return (PersonaEntry.make(sentences), list)
    }

    /// `conversations` with `persona_list` (and `persona`, from all seeker utterances) made by the baseline.
    public static func annotate(_ conversations: [Conversation], tokenizer: NLTKTokenizer) -> [Conversation] {
        conversations.map { conversation in
            var copy = conversation
            (copy.persona, copy.personaList) = personas(conversation, tokenizer: tokenizer)
            return copy
        }
    }
}
