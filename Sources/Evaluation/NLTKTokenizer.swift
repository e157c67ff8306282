// NLTKTokenizer: `nltk.sent_tokenize` and `nltk.word_tokenize` (English Punkt, then the improved
// Treebank tokenizer on each sentence), the tokenization PAL's BLEU, Distinct-n, EAD and ROUGE-L use.
import Foundation
import PythonSemantics

/// nltk's `sent_tokenize` and `word_tokenize` for English.
public struct NLTKTokenizer: Sendable {
    public let sentenceTokenizer: PunktSentenceTokenizer
    public let wordTokenizer: NLTKWordTokenizer

    public init(parameters: PunktParameters) {
        sentenceTokenizer = PunktSentenceTokenizer(parameters: parameters)
        wordTokenizer = NLTKWordTokenizer()
    }

    /// Loads the Punkt tables from `<nltkData>/tokenizers/punkt_tab/<language>/` (in this repository:
    /// `data/nltk_data`, installed by `make data`).
    public init(nltkData: URL, language: String = "english") throws {
        self.init(parameters: try PunktParameters.load(nltkData: nltkData, language: language))
    }

    /// `nltk.sent_tokenize(text)`.
    public func sentTokenize(_ text: String) -> [String] {
        sentenceTokenizer.tokenize(text)
    }

    /// `nltk.word_tokenize(text, preserve_line=preserveLine)`: sentences first (unless
    /// `preserveLine`), then each sentence's Treebank tokens.
    public func wordTokenize(_ text: String, preserveLine: Bool = false) -> [String] {
        let s = PythonText.scalars(text)
        if preserveLine { return PythonText.split(wordTokenizer.transform(s, convertParentheses: false)) }
        var out: [String] = []
        for span in sentenceTokenizer.spans(s, realignBoundaries: true) {
            out += PythonText.split(wordTokenizer.transform(Array(s[span]), convertParentheses: false))
        }
        return out
    }

    /// `nltk.word_tokenize(text.lower())`, the tokens PAL's metrics compare.
    public func lowercasedWords(_ text: String) -> [String] {
        wordTokenize(PythonText.lowercased(text))
    }
}
