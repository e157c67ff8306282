// ResponseMetrics: PAL's `Metric` (codes/metric/myMetrics.py) plus EAD (codes/get_EAD_score.py): collects
// (reference, generated response) pairs as nltk word tokens of the lower-cased text and computes the
// automatic metrics of the paper's Table 3.

/// Accumulates generated responses and their references and computes BLEU, Distinct, EAD, ROUGE-L and F1.
public struct ResponseMetrics: Sendable {
    public let tokenizer: NLTKTokenizer
    /// `word_tokenize(hypothesis.lower())` per added pair.
    public private(set) var hypothesisTokens: [[String]] = []
    /// `[word_tokenize(reference.lower())]` per added pair.
    public private(set) var referenceTokens: [[[String]]] = []
    /// The hypotheses as given (EAD tokenizes them again, without lower-casing, as PAL's script does).
    public private(set) var hypotheses: [String] = []

    public init(tokenizer: NLTKTokenizer) {
        self.tokenizer = tokenizer
    }

    /// PAL's `Metric.forword(refs, hyp)`.
    public mutating func add(hypothesis: String, references: [String]) {
        hypotheses.append(hypothesis)
        hypothesisTokens.append(tokenizer.lowercasedWords(hypothesis))
        referenceTokens.append(references.map(tokenizer.lowercasedWords))
    }

    public mutating func add(hypothesis: String, reference: String) {
        add(hypothesis: hypothesis, references: [reference])
    }

    // MARK: - Metrics (fractions, not ×100)

    /// BLEU-k, k in 1...4, with PAL's weights and smoothing method 3.
    public func bleu(_ k: Int) -> Double {
        CorpusBLEU.score(references: referenceTokens, hypotheses: hypothesisTokens, weights: CorpusBLEU.palWeights(k))
    }

    /// Distinct-k over the hypotheses.
    public func distinct(_ k: Int, counting: Distinct.Counting = .exact) -> Double {
        Distinct.distinct(hypothesisTokens, n: k, counting: counting)
    }

    /// EAD-n as PAL's `get_EAD_score.py`: each hypothesis split by `sent_tokenize`, each sentence by
    /// `word_tokenize` (original case), n-grams within sentences.
    public func expectationAdjustedDistinct(_ n: Int, vocabularySize: Int = Distinct.palVocabularySize) -> Double {
        let sentences = hypotheses.flatMap { tokenizer.sentTokenize($0).map { tokenizer.wordTokenize($0) } }
        return Distinct.expectationAdjusted(sentences, n: n, vocabularySize: vocabularySize)
    }

    /// ROUGE-L (β = 1.2) of each pair.
    public func rougeLScores(beta: Double = 1.2) -> [Double] {
        zip(hypothesisTokens, referenceTokens).map { RougeL.score(hypothesis: $0, references: $1, beta: beta) }
    }

    /// Unigram F1 of each pair.
    public func unigramF1Scores() -> [Double] {
        zip(hypothesisTokens, referenceTokens).map { UnigramF1.score(hypothesis: $0, references: $1) }
    }

    /// Mean number of hypothesis tokens.
    public var meanLength: Double { Self.mean(hypothesisTokens.map { Double($0.count) }) }

    /// `np.mean`: NaN for no value.
    static func mean(_ values: [Double]) -> Double {
        values.isEmpty ? .nan : values.reduce(0, +) / Double(values.count)
    }

    // MARK: - Report

    /// The Table 3 metrics, ×100 as the paper reports them (length in tokens).
    public struct Report: Sendable, Codable, Equatable {
        /// BLEU-1…4.
        public var bleu: [Double]
        /// Distinct-1…3, exact count.
        public var distinct: [Double]
        /// Distinct-1…3, PAL's count (each sentence's last n-gram dropped).
        public var distinctReference: [Double]
        /// EAD-1, EAD-2.
        public var ead: [Double]
        /// Mean ROUGE-L (β = 1.2).
        public var rougeL: Double
        /// Mean unigram F1.
        public var f1: Double
        /// Mean hypothesis length in tokens (not ×100).
        public var length: Double
    }

    public func report(vocabularySize: Int = Distinct.palVocabularySize) -> Report {
        Report(bleu: (1...4).map { 100 * bleu($0) },
               distinct: (1...3).map { 100 * distinct($0) },
               distinctReference: (1...3).map { 100 * distinct($0, counting: .palReference) },
               ead: (1...2).map { 100 * expectationAdjustedDistinct($0, vocabularySize: vocabularySize) },
               rougeL: 100 * Self.mean(rougeLScores()),
               f1: 100 * Self.mean(unigramF1Scores()),
               length: meanLength)
    }
}
