// Tokenization tests: nltk's sent_tokenize / word_tokenize against what nltk produced for every ESConv
// utterance and ~500 tricky strings (scripts/make_metric_fixtures.py), code point for code point.
import Evaluation
import Foundation
import PythonSemantics
import TextData
import XCTest

final class TokenizationTests: XCTestCase {
    // MARK: - Known values

    /// The example checked in ../shared/data/SOURCES.md.
    func testSourcesExample() throws {
        let tokenizer = try TestData.tokenizer()
        let text = "I'm sad. Dr. Smith said it's fine!! Don't worry... ok? My friend (a nurse) left at 5 p.m. yesterday."
        XCTAssertEqual(tokenizer.wordTokenize(text), [
            "I", "'m", "sad", ".", "Dr.", "Smith", "said", "it", "'s", "fine", "!", "!", "Do", "n't", "worry", "...", "ok", "?",
            "My", "friend", "(", "a", "nurse", ")", "left", "at", "5", "p.m.", "yesterday", ".",
        ])
        XCTAssertEqual(tokenizer.sentTokenize(text), ["I'm sad.", "Dr. Smith said it's fine!!", "Don't worry... ok?", "My friend (a nurse) left at 5 p.m. yesterday."])
    }

    func testPunktTablesLoadAsDocumented() throws {
        let parameters = try TestData.tokenizer().sentenceTokenizer.parameters
        XCTAssertEqual(parameters.abbreviations.count, 156)
        XCTAssertEqual(parameters.collocations.count, 37)
        XCTAssertEqual(parameters.sentenceStarters.count, 39)
        XCTAssertEqual(parameters.orthographicContextCount, 20_366)
        XCTAssertTrue(parameters.abbreviations.contains(". . "), "the entry with a trailing space must keep it")
        XCTAssertTrue(parameters.abbreviations.contains("u.s"))
        XCTAssertTrue(parameters.sentenceStarters.contains("however"))
        XCTAssertTrue(parameters.collocations.contains { $0.0 == "##number##" })
    }

    func testMissingTablesSayWhatToRun() {
        XCTAssertThrowsError(try NLTKTokenizer(nltkData: URL(fileURLWithPath: "/nonexistent"))) { error in
            XCTAssertTrue("\(error)".contains("make data"), "\(error)")
        }
    }

    func testWordTokenizerRulesDirectly() {
        let treebank = NLTKWordTokenizer()
        XCTAssertEqual(treebank.tokenize("Good muffins cost $3.88\nin New York.  Please buy me\ntwo of them.\nThanks."),
                       ["Good", "muffins", "cost", "$", "3.88", "in", "New", "York.", "Please", "buy", "me", "two", "of", "them.", "Thanks", "."])
        XCTAssertEqual(treebank.tokenize("Good muffins (roughly 3,36 euros)", convertParentheses: true),
                       ["Good", "muffins", "-LRB-", "roughly", "3,36", "euros", "-RRB-"])
        XCTAssertEqual(treebank.tokenize("\"I cannot,\" she said. 'Tis gonna be fine"),
                       ["``", "I", "can", "not", ",", "''", "she", "said.", "'", "Tis", "gon", "na", "be", "fine"])  // the quote rule splits "'Tis" before CONTRACTIONS3 can
    }

    // MARK: - ESConv

    func testEveryESConvUtteranceMatchesNLTK() throws {
        let tokenizer = try TestData.tokenizer()
        let texts = try TestData.esconvUtterances()
        let raw = try String(contentsOf: TestData.fixtures.appendingPathComponent("esconv_tokens.txt"), encoding: .utf8)
        let lines = raw.split(separator: "\n", omittingEmptySubsequences: false).dropFirst().filter { !$0.isEmpty }
        XCTAssertEqual(lines.count, texts.count, "fixture and data/esconv disagree on the number of utterances")
        var matched = (words: 0, lower: 0, sentences: 0)
        var failures: [String] = []
        for (text, line) in zip(texts, lines) {
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            XCTAssertEqual(fields.count, 3)
            guard fields.count == 3 else { continue }
            let textScalars = Array(text.unicodeScalars)
            // word_tokenize(text)
            let expected = try Self.tokens(applying: fields[0], to: textScalars)
            let got = tokenizer.wordTokenize(text)
            if TestData.same(got, expected) { matched.words += 1 } else {
                failures.append("word_tokenize(\(TestData.visible(text))):\n  nltk  \(expected)\n  swift \(got)")
            }
            // word_tokenize(text.lower())
            let lower = PythonText.lowercased(text)
            let expectedLower = try Self.tokens(applying: fields[1] == "=" ? fields[0] : fields[1], to: Array(lower.unicodeScalars))
            let gotLower = tokenizer.wordTokenize(lower)
            if TestData.same(gotLower, expectedLower) { matched.lower += 1 } else {
                failures.append("word_tokenize(lower(\(TestData.visible(text)))):\n  nltk  \(expectedLower)\n  swift \(gotLower)")
            }
            // sent_tokenize spans
            let expectedSpans = try Self.spans(fields[2], text: textScalars)
            let gotSpans = tokenizer.sentenceTokenizer.spanTokenize(text)
            let gotSentences = tokenizer.sentTokenize(text)
            let expectedSentences = expectedSpans.map { Self.string(textScalars[$0]) }
            if gotSpans == expectedSpans, TestData.same(gotSentences, expectedSentences) { matched.sentences += 1 } else {
                failures.append("sent_tokenize(\(TestData.visible(text))):\n  nltk  \(expectedSpans)\n  swift \(gotSpans)")
            }
        }
        print("ESConv utterances: \(texts.count); word_tokenize matched \(matched.words), word_tokenize(lower) matched \(matched.lower), sent_tokenize matched \(matched.sentences)")
        XCTAssertEqual(matched.words, texts.count)
        XCTAssertEqual(matched.lower, texts.count)
        XCTAssertEqual(matched.sentences, texts.count)
        if !failures.isEmpty { XCTFail("\(failures.count) mismatches, first ones:\n" + failures.prefix(15).joined(separator: "\n")) }
    }

    // MARK: - Tricky strings

    func testTrickyStringsMatchNLTK() throws {
        let tokenizer = try TestData.tokenizer()
        let fixture = try XCTUnwrap(TestData.json("tricky_tokens.json") as? [String: Any])
        let cases = try XCTUnwrap(fixture["cases"] as? [[String: Any]])
        XCTAssertGreaterThanOrEqual(cases.count, 500)
        var matched = 0
        var failures: [String] = []
        for item in cases {
            let text = try XCTUnwrap(item["text"] as? String)
            let words = try XCTUnwrap(item["words"] as? [String])
            let wordsLower = try XCTUnwrap(item["words_lower"] as? [String])
            let sentences = try XCTUnwrap(item["sents"] as? [String])
            let spans = try XCTUnwrap(item["spans"] as? [[Int]]).map { $0[0]..<$0[1] }
            let got = (words: tokenizer.wordTokenize(text), lower: tokenizer.wordTokenize(PythonText.lowercased(text)),
                       sentences: tokenizer.sentTokenize(text), spans: tokenizer.sentenceTokenizer.spanTokenize(text))
            if TestData.same(got.words, words), TestData.same(got.lower, wordsLower), TestData.same(got.sentences, sentences), got.spans == spans {
                matched += 1
            } else {
                failures.append("""
                    \(TestData.visible(text))
                      nltk  words \(words.map(TestData.visible)) lower \(wordsLower.map(TestData.visible)) sents \(sentences.map(TestData.visible)) \(spans)
                      swift words \(got.words.map(TestData.visible)) lower \(got.lower.map(TestData.visible)) sents \(got.sentences.map(TestData.visible)) \(got.spans)
                    """)
            }
        }
        print("Tricky strings: \(cases.count); all four tokenizations matched for \(matched)")
        XCTAssertEqual(matched, cases.count)
        if !failures.isEmpty { XCTFail("\(failures.count) mismatches, first ones:\n" + failures.prefix(20).joined(separator: "\n")) }
    }

    // MARK: - Fixture decoding

    static func string(_ scalars: ArraySlice<Unicode.Scalar>) -> String {
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars)
        return String(view)
    }

    /// Applies an edit script (`N` copy, `dN` skip, `_` space, `iL:S` insert) to `text`, then splits the
    /// result at single spaces.
    static func tokens(applying script: String, to text: [Unicode.Scalar]) throws -> [String] {
        let ops = Array(script.unicodeScalars)
        var out: [Unicode.Scalar] = []
        var position = 0, k = 0
        func number() throws -> Int {
            let start = k
            while k < ops.count, ops[k].properties.numericType == .decimal, ops[k].isASCII { k += 1 }
            return try XCTUnwrap(Int(string(ops[start..<k])), "bad script \(script)")
        }
        while k < ops.count {
            switch ops[k] {
            case "0"..."9":
                let n = try number()
                out += text[position..<position + n]
                position += n
            case "_":
                out.append(" ")
                k += 1
            case "d":
                k += 1
                position += try number()
            case "i":
                k += 1
                let n = try number()
                XCTAssertEqual(ops[k], ":")
                out += ops[k + 1..<k + 1 + n]
                k += 1 + n
            default:
                throw CocoaError(.coderReadCorrupt)
            }
            if k < ops.count {
                XCTAssertEqual(ops[k], ",", "bad script \(script)")
                k += 1
            }
        }
        XCTAssertEqual(position, text.count, "script \(script) does not cover the text")
        return out.isEmpty ? [] : out.split(separator: " ", omittingEmptySubsequences: false).map { string($0) }
    }

    /// The spans field: empty = one span up to `len(text.rstrip())`, `-` = none, else `s-e,...`.
    static func spans(_ field: String, text: [Unicode.Scalar]) throws -> [Range<Int>] {
        if field == "-" { return [] }
        if field.isEmpty {
            var end = text.count
            while end > 0, isPythonSpace(text[end - 1]) { end -= 1 }
            return [0..<end]
        }
        return try field.split(separator: ",").map { pair in
            let bounds = pair.split(separator: "-").compactMap { Int($0) }
            guard bounds.count == 2 else { throw CocoaError(.coderReadCorrupt) }
            return bounds[0]..<bounds[1]
        }
    }

    static func isPythonSpace(_ s: Unicode.Scalar) -> Bool {
        s.properties.isWhitespace || (0x1C...0x1F).contains(s.value)
    }
}
