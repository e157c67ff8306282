// Generator: batched decoding of a `Seq2SeqLM` (or any `NextTokenSource`) with the KV cache, under
// `withNoGrad`: greedy, sampling (paltrain's seeded `RandomGenerator`) and beam search, with
// HuggingFace's `generate` semantics (transformers 4.46) so that greedy and beam search reproduce
// HF's ids. The first ids can be forced (the gold strategy) or chosen by argmax among a set (strategy
// prediction); a per-step logits adjustment is a hook for callers (PAL's strategy-based control is a
// `NextTokenSource` instead: `StrategyControlledSource`).
// Shapes: the legend of docs/tensorcore.md.
import Foundation
import TensorCore

/// What a logits adjustment sees besides the logits.
public struct DecodingStep {
    /// 0 for the first generated token.
    public let step: Int
    /// Each live row's decoder ids so far, start token first (R rows).
    public let sequences: [[Int32]]
    /// The input batch row of each live row (finished rows are dropped in greedy decoding and
    /// sampling; beam search has K rows per batch row, row b·K + k).
    public let batchRows: [Int]
}

/// Changes next-token logits (R, V) in place, before any logits processor (and, in beam search,
/// before the log-softmax).
public typealias LogitsAdjustment = (_ step: DecodingStep, _ logits: Tensor) -> Void

/// How the first generated ids are chosen, when not by the decoding rule.
public enum DecoderPrefix {
    /// Decode from the start token.
    case none
    /// Per batch row, ids forced at the first steps (every row the same count), e.g. the gold strategy.
    /// Equivalent to HF `generate` with `decoder_input_ids = [start] + ids`: the forced ids count
    /// toward `maxLength` / `minLength`, the repetition penalty sees them, and in beam search they add
    /// nothing to the score and count as prompt (not as generated length).
    case forced([[Int32]])
    /// The first id is the argmax of the first step's logits (after `adjustLogits`, before any
    /// processor) among `among`, e.g. the 8 strategy tokens; then as `.forced`.
    case argmaxFirst(among: [Int32])

    /// One forced first id per batch row.
    public static func forcedFirst(_ ids: [Int32]) -> DecoderPrefix { .forced(ids.map { [$0] }) }
}

/// Per-call controls that are not decoding settings.
public struct GenerationOptions {
    public var prefix: DecoderPrefix = .none
    public var adjustLogits: LogitsAdjustment?
    /// Keep the processed scores of every step (greedy decoding and sampling only), as HF's `output_scores`.
    public var recordScores = false

    public init(prefix: DecoderPrefix = .none, adjustLogits: LogitsAdjustment? = nil, recordScores: Bool = false) {
        self.prefix = prefix
        self.adjustLogits = adjustLogits
        self.recordScores = recordScores
    }
}

/// The result of `Generator.generate`.
public struct GenerationOutput {
    /// Per batch row: the generated ids without the start token (prefix ids included), ending with
    /// end-of-sequence when the row finished before `maxLength`.
    public var sequences: [[Int32]]
    /// (B, V): the first step's logits after `adjustLogits`, before any processor (e.g. the strategy
    /// distribution at the first decoder step).
    public var firstStepLogits: Tensor
    /// Beam search: each row's best hypothesis score (sum log-probability / length^lengthPenalty).
    public var sequenceScores: [Double]?
    /// With `recordScores`: `scores[b][step]` is row b's processed scores (V) at that step (at forced
    /// steps, what the processors gave before the id was forced); a finished row has no further steps.
    public var scores: [[[Float]]]?
}

public enum Generator {
    /// The generated ids per batch row (without the start token) for `inputs` (their decoder ids are
    /// not used), decoded as `config` says; `forcedFirstTokens` (one per row) fixes the first id,
    /// `adjustLogits` changes each step's logits first.
    public static func generate(model: Seq2SeqLM, inputs: Seq2SeqInputs, config: GenerationConfig,
                                forcedFirstTokens: [Int32]? = nil, adjustLogits: LogitsAdjustment? = nil) -> [[Int32]] {
        generateWithDetails(model: model, inputs: inputs, config: config,
                            options: GenerationOptions(prefix: forcedFirstTokens.map { .forcedFirst($0) } ?? .none,
                                                       adjustLogits: adjustLogits)).sequences
    }

    /// `generate` with every control and the full output; `cached: false` recomputes the decoder over
    /// all positions at each step instead of using the KV cache (for checking it).
    public static func generateWithDetails(model: Seq2SeqLM, inputs: Seq2SeqInputs, config: GenerationConfig,
                                           options: GenerationOptions = GenerationOptions(), cached: Bool = true) -> GenerationOutput {
        let source = Seq2SeqStepSource(model: model, inputs: inputs, cached: cached)
        return generate(source: source, batchSize: inputs.inputIds.shape[0],
                        config: ResolvedGenerationConfig(config, model: model.config), options: options)
    }

    /// Decodes `batchSize` rows from `source` (which holds one row per batch row on entry).
    public static func generate(source: NextTokenSource, batchSize: Int, config: ResolvedGenerationConfig,
                                options: GenerationOptions = GenerationOptions()) -> GenerationOutput {
        do { try config.settings.validate() } catch { preconditionFailure("\(error)") }
        precondition(batchSize > 0, "generate: an empty batch")
        if case .forced(let ids) = options.prefix {
            precondition(ids.count == batchSize, "forced prefix has \(ids.count) rows for a batch of \(batchSize)")
            precondition(Set(ids.map(\.count)).count == 1, "forced prefixes must have one length in every row")
            precondition(1 + ids[0].count <= config.settings.maxLength, "forced prefix longer than max_length")
        }
        return withNoGrad {
            config.settings.numBeams > 1
                ? beamSearch(source: source, batchSize: batchSize, config: config, options: options)
                : greedyOrSample(source: source, batchSize: batchSize, config: config, options: options)
        }
    }

    // MARK: - Greedy decoding and sampling

    private static func greedyOrSample(source: NextTokenSource, batchSize: Int, config: ResolvedGenerationConfig,
                                       options: GenerationOptions) -> GenerationOutput {
        let settings = config.settings
        let processors = LogitsProcessorList(config)
        var rng = RandomGenerator(seed: settings.seed)
        var sequences = Array(repeating: [config.decoderStartTokenId], count: batchSize)   // start token first
        var live = Array(0..<batchSize)                                                   // batch rows still decoding
        var scores: [[[Float]]]? = options.recordScores ? Array(repeating: [], count: batchSize) : nil
        var firstStepLogits: Tensor?
        var forced = forcedPrefix(options.prefix)
        var step = 0
        while sequences[live[0]].count < settings.maxLength {
            let logits = source.next(IndexTensor(shape: [live.count, 1], values: live.map { sequences[$0].last! }))   // (R, V)
            let v = logits.shape[1]
            options.adjustLogits?(DecodingStep(step: step, sequences: live.map { sequences[$0] }, batchRows: live), logits)
            if step == 0 {
                firstStepLogits = logits.detached()
                if case .argmaxFirst(let among) = options.prefix { forced = argmaxAmong(logits, among).map { [$0] } }
            }
            let forcing = forced.map { step < $0[0].count } ?? false
            var next: [Int32]
            if forcing && !options.recordScores {
                next = live.map { forced![$0][step] }
            } else {
                processors(logits, sequences: live.map { sequences[$0] })
                if scores != nil {
                    for (r, b) in live.enumerated() { scores![b].append(Array(UnsafeBufferPointer(start: logits.data + r * v, count: v))) }
                }
                next = forcing ? live.map { forced![$0][step] }
                    : (0..<live.count).map { r in
                        let row = UnsafeBufferPointer(start: logits.data + r * v, count: v)
                        return settings.doSample ? sample(row, rng: &rng) : argmax(row)
                    }
            }
            for (r, b) in live.enumerated() { sequences[b].append(next[r]) }
            step += 1
            // A row is finished when it generates end-of-sequence (forced prefix ids never finish it).
            let keep = forcing ? Array(live.indices) : live.indices.filter { next[$0] != config.eosTokenId }
            if keep.isEmpty { break }
            if keep.count < live.count {
                live = keep.map { live[$0] }
                source.selectRows(keep)
            }
        }
        return GenerationOutput(sequences: sequences.map { Array($0.dropFirst()) }, firstStepLogits: firstStepLogits!,
                                sequenceScores: nil, scores: scores)
    }

    // MARK: - Beam search

    private static func beamSearch(source: NextTokenSource, batchSize: Int, config: ResolvedGenerationConfig,
                                   options: GenerationOptions) -> GenerationOutput {
        let settings = config.settings
        let k = settings.numBeams
        let processors = LogitsProcessorList(config)
        var scorer = BeamSearchScorer(batchSize: batchSize, numBeams: k, lengthPenalty: settings.lengthPenalty,
                                      earlyStopping: settings.earlyStopping, maxLength: settings.maxLength,
                                      eosTokenId: config.eosTokenId, padTokenId: config.padTokenId)
        // HF expands each batch row into K identical beams, all but the first scored −1e9 so that the
        // first step picks K different tokens.
        source.selectRows((0..<(batchSize * k)).map { $0 / k })
        var sequences = Array(repeating: [config.decoderStartTokenId], count: batchSize * k)
        var beamScores = (0..<(batchSize * k)).map { $0 % k == 0 ? Float(0) : -1e9 }
        var firstStepLogits: Tensor?
        var forced = forcedPrefix(options.prefix)
        var promptLength = 1 + (forced?[0].count ?? 0)
        var step = 0
        // Batch rows still decoding, in the source's row order (their beams are its rows i·K..<(i+1)·K).
        // HF keeps decoding a finished row's beams (pad tokens, unused); we drop them from the source
        // instead, which leaves every other row's result as it is (rows never interact).
        var live = Array(0..<batchSize)
        while sequences[live[0] * k].count < settings.maxLength {
            let rows = live.flatMap { ($0 * k)..<(($0 + 1) * k) }                                 // global rows, source order
            let logits = source.next(IndexTensor(shape: [rows.count, 1], values: rows.map { sequences[$0].last! }))   // (L·K, V)
            let v = logits.shape[1]
            options.adjustLogits?(DecodingStep(step: step, sequences: rows.map { sequences[$0] }, batchRows: rows.map { $0 / k }), logits)
            if step == 0 {
                firstStepLogits = logits.selectingRows((0..<batchSize).map { $0 * k })
                if case .argmaxFirst(let among) = options.prefix {
                    forced = argmaxAmong(firstStepLogits!, among).map { [$0] }
                    promptLength = 2
                }
            }
            if let forced, step < forced[0].count {
                // Prompt ids: every beam takes them and the scores do not change.
                for row in sequences.indices { sequences[row].append(forced[row / k][step]) }
                step += 1
                continue
            }
            let logProbs = logits.logSoftmax(axis: -1)                                            // (L·K, V)
            processors(logProbs, sequences: rows.map { sequences[$0] })
            let liveScores = rows.map { beamScores[$0] }
            var nextSequences = sequences, nextScores = beamScores
            var keep: [Int] = [], stillLive: [Int] = []                                            // source rows to keep, in order
            for (i, b) in live.enumerated() {
                let candidates = topCandidates(logProbs, rows: (i * k)..<((i + 1) * k), beamScores: liveScores, v: v, count: 2 * k)
                    .map { (score: $0.score, token: $0.token, row: rows[$0.row]) }
                let chosen = scorer.process(batch: b, candidates: candidates, sequences: sequences, promptLength: promptLength)
                for (j, c) in chosen.enumerated() {
                    nextSequences[b * k + j] = sequences[c.row] + [c.token]
                    nextScores[b * k + j] = c.score
                }
                if !scorer.done[b] {
                    stillLive.append(b)
                    keep += chosen.map { i * k + ($0.row - b * k) }
                }
            }
            sequences = nextSequences
            beamScores = nextScores
            step += 1
            if stillLive.isEmpty { break }
            live = stillLive
            source.selectRows(keep)
        }
        let best = scorer.finalize(sequences: sequences, scores: beamScores, promptLength: promptLength)
        return GenerationOutput(sequences: best.map { Array($0.tokens.dropFirst()) + ($0.endedWithEos ? [config.eosTokenId] : []) },
                                firstStepLogits: firstStepLogits!, sequenceScores: best.map(\.score), scores: nil)
    }

    /// The `count` best (score + beam score, token, row) over rows `rows` of `logProbs` (R, V), best
    /// first; HF takes torch.topk over the K·V flattened scores, computed in float32.
    private static func topCandidates(_ logProbs: Tensor, rows: Range<Int>, beamScores: [Float], v: Int,
                                      count: Int) -> [(score: Float, token: Int32, row: Int)] {
        var best: [(score: Float, token: Int32, row: Int)] = []
        best.reserveCapacity(count + 1)
        for row in rows {
            let p = logProbs.data + row * v, base = beamScores[row]
            for j in 0..<v {
                let s = p[j] + base
                if best.count == count, !(s > best[count - 1].score) { continue }
                // Insert after every candidate at least as good: equal scores keep the lower flat index first.
                var at = best.count
                while at > 0 && best[at - 1].score < s { at -= 1 }
                best.insert((s, Int32(j), row), at: at)
                if best.count > count { best.removeLast() }
            }
        }
        return best
    }

    // MARK: - Choices

    private static func forcedPrefix(_ prefix: DecoderPrefix) -> [[Int32]]? {
        if case .forced(let ids) = prefix { return ids }
        return nil
    }

    /// Per row of `logits` (R, V), the id in `among` with the largest logit (the first among equals).
    private static func argmaxAmong(_ logits: Tensor, _ among: [Int32]) -> [Int32] {
        precondition(!among.isEmpty, "argmaxFirst needs candidate ids")
        let v = logits.shape[1]
        return (0..<logits.shape[0]).map { r in
            among.max { logits.data[r * v + Int($0)] < logits.data[r * v + Int($1)] }!
        }
    }

    /// torch.argmax: the first index of the largest value.
    private static func argmax(_ row: UnsafeBufferPointer<Float>) -> Int32 {
        var best = 0
        for j in 1..<row.count where row[j] > row[best] { best = j }
        return Int32(best)
    }

    /// A draw from softmax(row) with `rng` (−∞ scores are never drawn).
    private static func sample(_ row: UnsafeBufferPointer<Float>, rng: inout RandomGenerator) -> Int32 {
        let m = row.max()!
        let weights = row.map { $0 == -.infinity ? 0 : Foundation.exp(Double($0 - m)) }
        let total = weights.reduce(0, +)
        let u = Double(rng.next() >> 11) * 0x1p-53 * total
        var cumulative: Double = 0
        var last = 0
        for (j, w) in weights.enumerated() where w > 0 {
            cumulative += w
            last = j
            if u < cumulative { return Int32(j) }
        }
        return Int32(last)
    }
}
