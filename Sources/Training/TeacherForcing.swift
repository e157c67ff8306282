// TeacherForcing: one pass of a model over encoded examples with the gold decoder inputs — the summed
// token negative log-likelihood (perplexity), on request each example's own, and the first decoder
// step's logits over the strategy tokens (strategy accuracy). The trainer's validation, the evaluator
// and the persona-use test all score this way.
import Evaluation
import Models
import NN
import TensorCore
import TextData

/// What a teacher-forced pass measured.
public struct TeacherForcedScores {
    /// Summed token negative log-likelihood (natural log) and the number of target tokens.
    public var nll: Double
    public var tokens: Int
    /// Per example: the logits of the strategy tokens at the first decoder step (empty without strategy tokens).
    public var strategyLogits: [[Float]]
    /// Per example, in scoring order: its summed target negative log-likelihood (empty unless asked for).
    public var exampleNLL: [Double] = []

    /// Token-weighted mean cross-entropy.
    public var meanLoss: Double { nll / Double(max(tokens, 1)) }
    public var perplexity: Double { Perplexity.perplexity(totalNLL: nll, tokenCount: max(tokens, 1)) }

    /// Per example, the strategy indices from most to least likely (ties: the lower index first).
    public var rankedStrategies: [[Int]] { strategyLogits.map(Self.ranking) }

    /// The indices of `scores` from highest to lowest, ties broken by the lower index.
    public static func ranking(_ scores: [Float]) -> [Int] {
        scores.indices.sorted { scores[$0] > scores[$1] || (scores[$0] == scores[$1] && $0 < $1) }
    }
}

public enum TeacherForcing {
    /// Scores `examples` in consecutive batches of `batchSize` (or only `batches`, whose examples'
    /// strategy logits then come in their order); `strategyTokenIds` (in `Strategy` order) selects
    /// the first-step logits kept; `perExample` also keeps each example's summed NLL. `eachBatch` sees
    /// every batch and its inputs (e.g. to run a second branch on them).
    public static func score(_ model: Seq2SeqLM, _ examples: [EncodedExample], batchSize: Int, padId: Int32, strategyTokenIds: [Int32],
                             batches: [[Int]]? = nil, perExample: Bool = false,
                             eachBatch: ((_ indices: [Int], _ inputs: Seq2SeqInputs) -> Void)? = nil) -> TeacherForcedScores {
        let context = ForwardContext(training: false)
        let v = model.config.vocabSize
        var scores = TeacherForcedScores(nll: 0, tokens: 0, strategyLogits: [])
        for indices in batches ?? Batcher.sequential(count: examples.count, batchSize: batchSize) {
            let batch = Batcher.collate(examples, indices: indices, padId: padId)
            let inputs = Seq2SeqInputs(batch)
            let (loss, logits) = withNoGrad { model.loss(inputs, context: context) }     // logits (B, T, V)
            scores.nll += Double(loss.item) * Double(batch.targetTokenCount)
            scores.tokens += batch.targetTokenCount
            if perExample {
                let logProbs = withNoGrad { logits.logSoftmax() }
                for (row, index) in indices.enumerated() {
                    let rowLogProbs = logProbs.data + row * batch.targetLength * v
                    scores.exampleNLL.append(-examples[index].labels.enumerated().reduce(0) { $0 + Double(rowLogProbs[$1.offset * v + Int($1.element)]) })
                }
            }
            if !strategyTokenIds.isEmpty {
                for row in indices.indices {
                    let first = logits.data + row * batch.targetLength * v
                    scores.strategyLogits.append(strategyTokenIds.map { first[Int($0)] })
                }
            }
            eachBatch?(indices, inputs)
        }
        return scores
    }
}
