// HuggingFace's logits processors (transformers 4.46 `generation/logits_process.py`), applied in
// place to next-token scores in the order `GenerationMixin._get_logits_processor` builds them:
// repetition penalty, no-repeat n-gram, bad words, min length, forced BOS, forced EOS, and, when
// sampling, temperature, top-k, top-p. Arithmetic is float32 where HF's is, so scores match.
// Shapes: the legend of docs/tensorcore.md.
import Foundation
import TensorCore

/// The processors a `GenerationConfig` turns on, for scores (R, V) and each row's decoder ids so far.
public struct LogitsProcessorList {
    public let config: ResolvedGenerationConfig
    /// HF keeps at least this many tokens in top-k / top-p when sampling (2 only in beam sampling,
    /// which paltrain does not implement).
    public let minTokensToKeep = 1
    /// `bad_words_ids` without single-token entries equal to end-of-sequence (HF drops those).
    private let badWords: [[Int32]]

    public init(_ config: ResolvedGenerationConfig) {
        self.config = config
        badWords = config.settings.badWordsIds.filter { $0 != [config.eosTokenId] }
    }

    /// Processes `scores` (R, V) in place; `sequences[r]` are row r's decoder ids so far, the start
    /// token included (HF's `input_ids`). Sampling warpers run only when `doSample` is set.
    public func callAsFunction(_ scores: Tensor, sequences: [[Int32]]) {
        let s = config.settings
        precondition(scores.rank == 2 && scores.shape[0] == sequences.count, "scores \(scores.shape) for \(sequences.count) rows")
        let v = scores.shape[1]
        for (r, ids) in sequences.enumerated() {
            let row = scores.data + r * v
            if s.repetitionPenalty != 1 { repetitionPenalty(row, ids: ids, penalty: s.repetitionPenalty) }
            if s.noRepeatNgramSize > 0 { noRepeatNgram(row, ids: ids, n: s.noRepeatNgramSize) }
            if !badWords.isEmpty { banBadWords(row, ids: ids) }
            if s.minLength > 0 && ids.count < s.minLength { row[Int(config.eosTokenId)] = -.infinity }
            if let bos = s.forcedBosTokenId, ids.count == 1 { force(row, v, token: bos) }
            if let eos = s.forcedEosTokenId, ids.count == s.maxLength - 1 { force(row, v, token: eos) }
            guard s.doSample else { continue }
            if s.temperature != 1 { for j in 0..<v { row[j] = row[j] / s.temperature } }
            if s.topK > 0 { topK(row, v, k: max(s.topK, minTokensToKeep)) }
            if s.topP < 1 { topP(row, v, p: s.topP) }
        }
    }

    // MARK: - Processors

    /// RepetitionPenaltyLogitsProcessor: each token already in `ids` (once, however often it
    /// occurs) has its score multiplied by the penalty when negative, divided by it otherwise.
    private func repetitionPenalty(_ row: UnsafeMutablePointer<Float>, ids: [Int32], penalty: Float) {
        for t in Set(ids) {
            let x = row[Int(t)]
            row[Int(t)] = x < 0 ? x * penalty : x / penalty
        }
    }

    /// NoRepeatNGramLogitsProcessor: bans every token that would complete an n-gram already in `ids`.
    private func noRepeatNgram(_ row: UnsafeMutablePointer<Float>, ids: [Int32], n: Int) {
        let len = ids.count
        guard len + 1 >= n else { return }
        let prefix = ids[(len + 1 - n)..<len]                        // the last n − 1 ids
        var start = 0
        while start + n <= len {
            if ids[start..<(start + n - 1)].elementsEqual(prefix) { row[Int(ids[start + n - 1])] = -.infinity }
            start += 1
        }
    }

    /// NoBadWordsLogitsProcessor: a banned sequence's last token is banned when the ids end with the
    /// rest of it (always, for a single-token entry).
    private func banBadWords(_ row: UnsafeMutablePointer<Float>, ids: [Int32]) {
        for word in badWords where word.count <= ids.count {
            if word.count == 1 || ids.suffix(word.count - 1).elementsEqual(word.dropLast()) {
                row[Int(word[word.count - 1])] = -.infinity
            }
        }
    }

    /// ForcedBOS/ForcedEOSTokenLogitsProcessor: every score −∞ but `token`'s, which becomes 0.
    private func force(_ row: UnsafeMutablePointer<Float>, _ v: Int, token: Int) {
        row.update(repeating: -.infinity, count: v)
        row[token] = 0
    }

    /// TopKLogitsWarper: scores below the k-th largest become −∞ (ties with it stay).
    private func topK(_ row: UnsafeMutablePointer<Float>, _ v: Int, k: Int) {
        let k = min(k, v)
        var largest: [Float] = []                      // the k largest so far, descending
        largest.reserveCapacity(k + 1)
        for j in 0..<v {
            let x = row[j]
            if largest.count == k, !(x > largest[k - 1]) { continue }
            var at = largest.count
            while at > 0 && largest[at - 1] < x { at -= 1 }
            largest.insert(x, at: at)
            if largest.count > k { largest.removeLast() }
        }
        let kth = largest[k - 1]
        for j in 0..<v where row[j] < kth { row[j] = -.infinity }
    }

    /// TopPLogitsWarper: sorted ascending, the tokens whose cumulative probability is ≤ 1 − p become −∞;
    /// the most likely `minTokensToKeep` always stay. As torch on the CPU: float32 softmax, cumsum
    /// accumulated in double and stored as float32, compared with 1 − p rounded to float32.
    private func topP(_ row: UnsafeMutablePointer<Float>, _ v: Int, p: Double) {
        // Tokens already at −∞ have probability 0: they sort first, add nothing to the cumulative sum
        // and would be removed anyway, so only the finite ones are sorted.
        let order = (0..<v).filter { row[$0] > -.infinity }.sorted { row[$0] < row[$1] || (row[$0] == row[$1] && $0 < $1) }
        let probabilities = Self.softmax(order.map { row[$0] })
        let threshold = Float(1 - p)
        var cumulative: Double = 0
        var remove: [Int] = []
        for (position, j) in order.enumerated() {
            cumulative += Double(probabilities[position])
            if Float(cumulative) <= threshold && position < order.count - minTokensToKeep { remove.append(j) }
        }
        for j in remove { row[j] = -.infinity }
    }

    /// softmax in float32 (max-shifted), as torch computes it.
    static func softmax(_ x: [Float]) -> [Float] {
        let m = x.max() ?? 0
        guard m > -.infinity else { return x.map { _ in 0 } }
        let e = x.map { Foundation.exp($0 - m) }
        let total = e.reduce(0, +)
        return e.map { $0 / total }
    }
}
