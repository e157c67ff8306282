// Beam search bookkeeping with the semantics of HuggingFace's BeamSearchScorer and BeamHypotheses
// (transformers 4.46 `generation/beam_search.py`): finished hypotheses are scored
// sum log-prob / generated_length^length_penalty in double precision, the n-best list evicts its
// worst, and `early_stopping` true / false / "never" decides when a batch row is done.
// Shapes: the legend of docs/tensorcore.md.
import Foundation

/// The n-best finished hypotheses of one batch row (HF's BeamHypotheses).
struct BeamHypotheses {
    struct Hypothesis {
        var score: Double
        /// Decoder ids, start token included, end-of-sequence excluded.
        var tokens: [Int32]
        var endedWithEos: Bool
    }

    let numBeams: Int
    let lengthPenalty: Double
    let earlyStopping: EarlyStopping
    let maxLength: Int
    private(set) var beams: [Hypothesis] = []
    private(set) var worstScore = 1e9

    init(numBeams: Int, lengthPenalty: Double, earlyStopping: EarlyStopping, maxLength: Int) {
        self.numBeams = numBeams
        self.lengthPenalty = lengthPenalty
        self.earlyStopping = earlyStopping
        self.maxLength = maxLength
    }

    /// Adds a hypothesis whose log-probabilities sum to `sumLogprobs` over `generatedLength` ids
    /// (those after the prompt, end-of-sequence included) when the list has room or it beats the worst.
    mutating func add(_ tokens: [Int32], sumLogprobs: Double, generatedLength: Int, endedWithEos: Bool) {
        let score = sumLogprobs / pow(Double(generatedLength), lengthPenalty)
        guard beams.count < numBeams || score > worstScore else { return }
        beams.append(Hypothesis(score: score, tokens: tokens, endedWithEos: endedWithEos))
        if beams.count > numBeams {
            // HF sorts (score, index) pairs: the lowest score goes, the earliest among equals.
            let ranked = beams.indices.sorted { (beams[$0].score, $0) < (beams[$1].score, $1) }
            worstScore = beams[ranked[1]].score
            beams.remove(at: ranked[0])
        } else {
            worstScore = min(score, worstScore)
        }
    }

    /// Whether no running beam can improve the list, given the best running sum log-probability.
    func isDone(bestSumLogprobs: Double, currentLength: Int, promptLength: Int) -> Bool {
        guard beams.count >= numBeams else { return false }
        let highest: Double
        switch earlyStopping {
        case .true:
            return true
        case .false:
            highest = bestSumLogprobs / pow(Double(currentLength - promptLength), lengthPenalty)
        case .never:
            let length = lengthPenalty > 0 ? maxLength - promptLength : currentLength - promptLength
            highest = bestSumLogprobs / pow(Double(length), lengthPenalty)
        }
        return worstScore >= highest
    }

    /// The best hypothesis: HF sorts by score (stably) and pops the last, so among equal scores the
    /// latest added wins.
    var best: Hypothesis? {
        var winner: Hypothesis?
        for h in beams where winner == nil || h.score >= winner!.score { winner = h }
        return winner
    }
}

/// One beam-search step's choice for a batch row: the next K beams (HF's BeamSearchScorer.process).
struct BeamSearchScorer {
    let numBeams: Int
    let eosTokenId: Int32
    let padTokenId: Int32
    private(set) var hypotheses: [BeamHypotheses]
    private(set) var done: [Bool]

    init(batchSize: Int, numBeams: Int, lengthPenalty: Double, earlyStopping: EarlyStopping, maxLength: Int,
         eosTokenId: Int32, padTokenId: Int32) {
        self.numBeams = numBeams
        self.eosTokenId = eosTokenId
        self.padTokenId = padTokenId
        hypotheses = Array(repeating: BeamHypotheses(numBeams: numBeams, lengthPenalty: lengthPenalty,
                                                     earlyStopping: earlyStopping, maxLength: maxLength), count: batchSize)
        done = Array(repeating: false, count: batchSize)
    }

    var isDone: Bool { done.allSatisfy { $0 } }

    /// Candidates for batch row `b`, best first: (score, token, source row in 0..<B·K). Returns the
    /// next K beams' scores, tokens and source rows. A candidate ending in end-of-sequence among the
    /// top K becomes a finished hypothesis instead; `sequences` are the rows' ids before this step.
    mutating func process(batch b: Int, candidates: [(score: Float, token: Int32, row: Int)], sequences: [[Int32]],
                          promptLength: Int) -> [(score: Float, token: Int32, row: Int)] {
        let k = numBeams
        if done[b] {
            // HF pads a finished row's beams (score 0, pad token) and keeps decoding them unused.
            return (0..<k).map { (score: Float(0), token: padTokenId, row: b * k + $0) }
        }
        let currentLength = sequences[b * k].count + 1
        var next: [(score: Float, token: Int32, row: Int)] = []
        for (rank, c) in candidates.enumerated() {
            if c.token == eosTokenId {
                guard rank < k else { continue }
                hypotheses[b].add(sequences[c.row], sumLogprobs: Double(c.score), generatedLength: currentLength - promptLength,
                                  endedWithEos: true)
            } else {
                next.append(c)
            }
            if next.count == k { break }
        }
        precondition(next.count == k, "beam search: fewer than \(k) continuations that are not end-of-sequence")
        done[b] = hypotheses[b].isDone(bestSumLogprobs: Double(candidates[0].score), currentLength: currentLength,
                                       promptLength: promptLength)
        return next
    }

    /// Adds the running beams of rows not yet done (HF's finalize) and returns each row's best hypothesis.
    mutating func finalize(sequences: [[Int32]], scores: [Float], promptLength: Int) -> [BeamHypotheses.Hypothesis] {
        for b in hypotheses.indices where !done[b] {
            for row in (b * numBeams)..<((b + 1) * numBeams) {
                hypotheses[b].add(sequences[row], sumLogprobs: Double(scores[row]), generatedLength: sequences[row].count - promptLength,
                                  endedWithEos: false)
            }
        }
        return hypotheses.map { $0.best! }
    }
}
