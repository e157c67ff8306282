// Metric tests: BLEU, Distinct, EAD, ROUGE-L, F1, accuracy and perplexity against the numbers nltk and
// PAL's metric code produced (scripts/make_metric_fixtures.py), to 1e-6 (relative above 1).
import Evaluation
import Foundation
import PythonSemantics
import TextData
import XCTest

final class MetricTests: XCTestCase {
    /// Counts compared values and remembers mismatches.
    final class Tally {
        var compared = 0, bitExact = 0
        var worst = (difference: 0.0, what: "")
        var failures: [String] = []

        func check(_ got: Double, _ expected: Double, _ what: @autoclosure () -> String) {
            compared += 1
            if got == expected || (got.isNaN && expected.isNaN) { bitExact += 1; return }
            let difference = abs(got - expected) / max(1, abs(expected))
            if !(difference <= worst.difference) { worst = (difference, what()) }
            if abs(got - expected) <= 1e-6 * max(1, abs(expected)) { return }
            failures.append("\(what()): swift \(got), reference \(expected)")
        }
    }

    // MARK: - Fixture (JSONDecoder parses doubles exactly; JSONSerialization on Linux does not)

    struct Fixture: Decodable {
        struct Corpus: Decodable {
            struct Expected: Decodable {
                var bleuPal, bleuUniform, distinctExact, distinctReference: [Double]
                var eadReference, eadTokens: [Double?]  // null: PAL's cal_EAD divides by zero
                var rougeL, f1, length: Double
                var rougeLScores, f1Scores: [Double]
            }
            var name: String
            var hypotheses, references: [String]
            var expected: Expected
        }
        struct Classification: Decodable {
            var labels, predictions: [Int]
            var top3: [[Int]]
            var accuracy, top1Accuracy, top3Accuracy: Double
        }
        struct PerplexityCase: Decodable {
            var nllSums: [Double]
            var tokenCounts: [Int]
            var perplexity: Double
            var samplePerplexities: [Double]
        }
        var nltkVersion: String
        var vocabularySize: Int
        var corpora: [Corpus]
        var classification: Classification
        var perplexity: PerplexityCase

        static func load() throws -> Fixture {
            let decoder = JSONDecoder()
            decoder.keyDecodingStrategy = .convertFromSnakeCase
            return try decoder.decode(Fixture.self, from: Data(contentsOf: TestData.fixtures.appendingPathComponent("metric_cases.json")))
        }
    }

    // MARK: - Corpora

    func testCorpusMetricsMatchNLTKAndPAL() throws {
        let tokenizer = try TestData.tokenizer()
        let fixture = try Fixture.load()
        let v = fixture.vocabularySize
        XCTAssertEqual(v, Distinct.palVocabularySize)
        let tally = Tally()
        var pairs = 0
        for corpus in fixture.corpora {
            let name = corpus.name, expected = corpus.expected
            var metrics = ResponseMetrics(tokenizer: tokenizer)
            for (h, r) in zip(corpus.hypotheses, corpus.references) { metrics.add(hypothesis: h, reference: r) }
            pairs += corpus.hypotheses.count
            XCTAssertEqual(expected.bleuPal.count, 4)

            for (k, value) in expected.bleuPal.enumerated() {
                tally.check(metrics.bleu(k + 1), value, "\(name) BLEU-\(k + 1) (PAL weights)")
            }
            for (k, value) in expected.bleuUniform.enumerated() {
                let got = CorpusBLEU.score(references: metrics.referenceTokens, hypotheses: metrics.hypothesisTokens,
                                           weights: CorpusBLEU.uniformWeights(k + 1))
                tally.check(got, value, "\(name) BLEU-\(k + 1) (uniform weights)")
            }
            for (k, value) in expected.distinctExact.enumerated() {
                tally.check(metrics.distinct(k + 1), value, "\(name) Distinct-\(k + 1)")
            }
            for (k, value) in expected.distinctReference.enumerated() {
                tally.check(metrics.distinct(k + 1, counting: .palReference), value, "\(name) Distinct-\(k + 1) (PAL count)")
            }
            for (k, value) in expected.eadReference.enumerated() {
                // nil: PAL's cal_EAD divides by zero (no n-gram); the Swift function returns 0 there.
                tally.check(metrics.expectationAdjustedDistinct(k + 1, vocabularySize: v), value ?? 0, "\(name) EAD-\(k + 1) (PAL)")
            }
            for (k, value) in expected.eadTokens.enumerated() {
                tally.check(Distinct.expectationAdjusted(metrics.hypothesisTokens, n: k + 1, vocabularySize: v), value ?? 0,
                            "\(name) EAD-\(k + 1) (lower-cased tokens)")
            }
            let rouge = metrics.rougeLScores(), f1 = metrics.unigramF1Scores()
            XCTAssertEqual(rouge.count, expected.rougeLScores.count)
            for (i, value) in expected.rougeLScores.enumerated() { tally.check(rouge[i], value, "\(name) ROUGE-L of pair \(i)") }
            for (i, value) in expected.f1Scores.enumerated() { tally.check(f1[i], value, "\(name) F1 of pair \(i)") }
            let report = metrics.report(vocabularySize: v)
            tally.check(report.rougeL / 100, expected.rougeL, "\(name) ROUGE-L")
            tally.check(report.f1 / 100, expected.f1, "\(name) F1")
            tally.check(report.length, expected.length, "\(name) length")
        }
        print("Metric corpora: \(fixture.corpora.count) (\(pairs) pairs, nltk \(fixture.nltkVersion)); \(tally.compared) values compared, \(tally.compared - tally.failures.count) within 1e-6, \(tally.bitExact) bit-exact; largest difference \(tally.worst.difference) (\(tally.worst.what))")
        XCTAssertGreaterThan(tally.compared, 1_000)
        XCTAssertTrue(tally.failures.isEmpty, "\(tally.failures.count) mismatches:\n" + tally.failures.prefix(30).joined(separator: "\n"))
    }

    // MARK: - Accuracy and perplexity

    func testAccuracyAndPerplexityMatchNumpy() throws {
        let fixture = try Fixture.load()
        let c = fixture.classification, p = fixture.perplexity
        let tally = Tally()
        tally.check(StrategyAccuracy.accuracy(labels: c.labels, predictions: c.predictions), c.accuracy, "ACC")
        tally.check(StrategyAccuracy.topNAccuracy(labels: c.labels, rankedPredictions: c.predictions.map { [$0] }), c.top1Accuracy, "top-1 ACC")
        tally.check(StrategyAccuracy.topNAccuracy(labels: c.labels, rankedPredictions: c.top3), c.top3Accuracy, "top-3 ACC")
        tally.check(Perplexity.perplexity(nllSums: p.nllSums, tokenCounts: p.tokenCounts), p.perplexity, "corpus PPL")
        for (i, value) in p.samplePerplexities.enumerated() {
            tally.check(Perplexity.perplexity(totalNLL: p.nllSums[i], tokenCount: p.tokenCounts[i]), value, "PPL of sample \(i)")
        }
        print("Accuracy/perplexity: \(tally.compared) values compared, \(tally.bitExact) bit-exact; largest difference \(tally.worst.difference) (\(tally.worst.what))")
        XCTAssertTrue(tally.failures.isEmpty, tally.failures.joined(separator: "\n"))
    }

    // MARK: - Known values

    func testBLEUHandComputedValues() {
        // Identical pairs: every precision 1, no brevity penalty.
        let sentence = ["i", "hear", "you", "."]
        XCTAssertEqual(CorpusBLEU.score(references: [[sentence]], hypotheses: [sentence], weights: CorpusBLEU.palWeights(4)), 1)
        // One word against itself: p1 = 1, p2 = 0/1 smoothed to 1/2 → BLEU-2 = sqrt(1/2).
        XCTAssertEqual(CorpusBLEU.score(references: [[["wow"]]], hypotheses: [["wow"]], weights: CorpusBLEU.palWeights(2)), 0.5.squareRoot(), accuracy: 1e-15)
        // No unigram match: nltk returns 0.
        XCTAssertEqual(CorpusBLEU.score(references: [[["a"]]], hypotheses: [["b"]], weights: CorpusBLEU.palWeights(1)), 0)
        // An empty hypothesis still counts one in each denominator (max(1, 0)) and shortens the corpus:
        // p1 = 1/2, BP = exp(1 - 2/1).
        XCTAssertEqual(CorpusBLEU.score(references: [[["a"]], [["b"]]], hypotheses: [[], ["b"]], weights: CorpusBLEU.palWeights(1)),
                       exp(1 - 2.0) * 0.5, accuracy: 1e-15)
        XCTAssertEqual(CorpusBLEU.score(references: [[["a"]]], hypotheses: [[]], weights: CorpusBLEU.palWeights(4)), 0)
    }

    func testDistinctCountsAndEAD() {
        let sentences = [["a", "b", "a", "b"], ["a"]]
        // exact bigrams: ab, ba, ab → 2 unique / 3; PAL's count drops each last bigram: ab, ba → 2 / 2.
        XCTAssertEqual(Distinct.distinct(sentences, n: 2), 2.0 / 3.0)
        XCTAssertEqual(Distinct.distinct(sentences, n: 2, counting: .palReference), 1)
        XCTAssertEqual(Distinct.distinct(sentences, n: 1, counting: .palReference), 2.0 / 3.0)  // a b a | (none)
        XCTAssertEqual(Distinct.distinct([[]], n: 1), 0)
        // EAD: N / (V (1 - ((V-1)/V)^C)); with V = 2, C = 3, N = 2: 2 / (2 · (1 − 1/8)) = 8/7.
        XCTAssertEqual(Distinct.expectationAdjusted(sentences, n: 2, vocabularySize: 2), 8.0 / 7.0, accuracy: 1e-15)
        XCTAssertEqual(Distinct.expectationAdjusted([["x"]], n: 2), 0, "no bigram: PAL divides by zero, we return 0")
    }

    func testRougeLAndF1HandComputedValues() {
        // LCS("a b c d", "a c e") = 2: P = 2/3, R = 2/4.
        let p = 2.0 / 3.0, r = 0.5, b2 = 1.2 * 1.2
        XCTAssertEqual(RougeL.score(hypothesis: ["a", "c", "e"], reference: ["a", "b", "c", "d"]), (1 + b2) * p * r / (r + b2 * p), accuracy: 1e-15)
        XCTAssertEqual(RougeL.score(hypothesis: [], reference: ["a"]), 0)
        XCTAssertEqual(RougeL.lcsLength(["x", "y", "z"], ["y", "x", "z"]), 2)
        XCTAssertEqual(UnigramF1.score(hypothesis: ["a", "a", "b"], reference: ["a", "c"]), 2 * (1.0 / 3.0) * 0.5 / (1.0 / 3.0 + 0.5), accuracy: 1e-15)
    }

    func testTokensCompareByCodePoints() {
        // "é" precomposed and decomposed are different tokens to Python (and equal to Swift's String ==).
        XCTAssertEqual(Distinct.distinct([["caf\u{E9}", "cafe\u{301}"]], n: 1), 1)
        XCTAssertEqual(CorpusBLEU.score(references: [[["caf\u{E9}"]]], hypotheses: [["cafe\u{301}"]], weights: CorpusBLEU.palWeights(1)), 0)
    }

    func testPythonLowercasing() {
        XCTAssertEqual(PythonText.lowercased("ΟΔΟΣ ΚΑΛΗ"), "οδος καλη")  // final sigma
        XCTAssertEqual(Array(PythonText.lowercased("İ").unicodeScalars).map(\.value), [0x69, 0x307])
        XCTAssertEqual(PythonText.lowercased("Dr. SMITH"), "dr. smith")
    }
}
