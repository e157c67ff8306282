// ByteLevelBPETrainer: learns a byte-level BPE vocabulary (GPT-2 pre-tokenization, 256 byte symbols,
// most frequent pair merged first) from texts, and writes vocab.json + merges.txt that
// ByteLevelBPETokenizer and HF `tokenizers` / transformers' BartTokenizer load.
import Foundation

/// Trains byte-level BPE merges from a corpus.
///
/// Words are GPT-2 pre-tokens counted once per distinct word; every adjacent symbol pair is counted
/// with its word's frequency; the most frequent pair is merged into a new symbol, and only the words
/// that contain it are re-counted (a max-heap with lazy updates finds the next pair). **Tie-break:**
/// among pairs with equal counts, the pair whose left symbol's bytes are lexicographically smallest
/// wins, then the right symbol's bytes (plain byte order, independent of ids), so training is
/// deterministic. This is not HF's trainer merge-for-merge (HF breaks ties by its internal ids).
public struct ByteLevelBPETrainer: Sendable {
    /// The size of the learned vocabulary: special tokens + 256 bytes + merges.
    public var vocabularySize: Int
    /// Pairs seen fewer times than this are never merged (HF's `min_frequency`, default 2 there too).
    public var minimumFrequency: Int
    /// Ids 0, 1, 2, …: `<s> <pad> </s> <unk>` (as BART) then the extras given to `init`.
    public var specialTokens: [String]

    /// A trainer for a vocabulary of `vocabularySize` entries whose first ids are `<s> <pad> </s> <unk>`
    /// and then `extraSpecialTokens` (e.g. `<mask>`, `<persona>`).
    public init(vocabularySize: Int, extraSpecialTokens: [String] = [], minimumFrequency: Int = 2) {
        self.vocabularySize = vocabularySize
        self.minimumFrequency = max(1, minimumFrequency)
        var specials = ["<s>", "<pad>", "</s>", "<unk>"]
        for token in extraSpecialTokens where !specials.contains(token) { specials.append(token) }
        self.specialTokens = specials
    }

    /// A trained vocabulary: tokens in id order and merges in rank order.
    public struct Result: Sendable, Equatable {
        /// `tokens[id]`: special tokens, the 256 byte symbols (GPT-2 alphabet order), then one per merge.
        public var tokens: [String]
        /// The merges, as the two symbol strings, in the order learned.
        public var merges: [Merge]

        /// One merge: two symbols (in the byte alphabet) that become one.
        public struct Merge: Sendable, Equatable {
            public var left: String
            public var right: String

            public init(left: String, right: String) {
                self.left = left
                self.right = right
            }
        }

        public init(tokens: [String], merges: [Merge]) {
            self.tokens = tokens
            self.merges = merges
        }

        /// vocab.json bytes: `{"<s>":0,…}` in id order.
        public var vocabularyJSON: Data { BPEVocabularyFile.vocabularyJSON(tokens) }

        /// merges.txt bytes: `#version: 0.2` then `left right` per line.
        public var mergesText: Data {
            var text = "#version: 0.2\n"
            for merge in merges { text += merge.left + " " + merge.right + "\n" }
            return Data(text.utf8)
        }

        /// Writes `vocab.json` and `merges.txt` into `directory` (created if needed).
        public func write(to directory: URL) throws {
            try FileAccess.createFolder(directory)
            try FileAccess.write(vocabularyJSON, to: directory.appendingPathComponent("vocab.json"))
            try FileAccess.write(mergesText, to: directory.appendingPathComponent("merges.txt"))
        }
    }

    // MARK: - Training

    /// Learns merges from `texts` until the vocabulary has `vocabularySize` entries, or no pair occurs
    /// `minimumFrequency` times (then the vocabulary is smaller). Special tokens inside the texts are
    /// skipped, not learned from.
    public func train(_ texts: [String]) -> Result {
        precondition(vocabularySize >= specialTokens.count + 256,
                     "vocabulary size \(vocabularySize) is below the \(specialTokens.count) special tokens + 256 bytes")
        // Symbols 0…255 are the bytes; merged symbols follow. `heap.bytesOf[symbol]` is its byte string.
        var heap = PairHeap(bytesOf: (0...255).map { [UInt8($0)] })

        // MARK: words and their counts
        var wordIndex: [[UInt8]: Int] = [:]
        var words: [[Int32]] = []
        var counts: [Int] = []
        var ranges: [Range<Int>] = []
        let specials = TokenizerAddedTokenTrie(specialTokens, semantics: .leftmostLongest)
        for text in texts {
            let scalars = Array(text.unicodeScalars)
            ranges.removeAll(keepingCapacity: true)
            // Special tokens in the text are cut out (as the tokenizer will), so no merge rebuilds one.
            for piece in specials.split(scalars) where !piece.isAddedToken {
                ByteLevelBPEPreTokenizer.split(scalars, piece.range, into: &ranges)
            }
            for range in ranges {
                let bytes = Array(String(String.UnicodeScalarView(scalars[range])).utf8)
                if let index = wordIndex[bytes] {
                    counts[index] += 1
                } else {
                    wordIndex[bytes] = words.count
                    words.append(bytes.map { Int32($0) })
                    counts.append(1)
                }
            }
        }

        // MARK: pair counts and where each pair occurs
        var pairCounts: [UInt64: Int] = [:]
        var pairWords: [UInt64: [Int32]] = [:]
        for (w, word) in words.enumerated() where word.count > 1 {
            for k in 0..<(word.count - 1) {
                let pair = BPEMergeTable.key(word[k], word[k + 1])
                pairCounts[pair, default: 0] += counts[w]
                if pairWords[pair]?.last != Int32(w) { pairWords[pair, default: []].append(Int32(w)) }
            }
        }
        for (pair, count) in pairCounts { heap.push(count: count, pair: pair) }

        // MARK: merge loop
        let wanted = vocabularySize - specialTokens.count - 256
        var merges: [Result.Merge] = []
        var seen = [Int](repeating: -1, count: words.count)
        while merges.count < wanted, let top = heap.pop() {
            let current = pairCounts[top.pair] ?? 0
            if current != top.count {  // stale entry: its count fell since it was pushed
                if current > 0 { heap.push(count: current, pair: top.pair) }
                continue
            }
            if current < minimumFrequency { break }
            let left = Int32(truncatingIfNeeded: top.pair >> 32), right = Int32(truncatingIfNeeded: top.pair & 0xFFFF_FFFF)
            let merged = Int32(heap.bytesOf.count)
            heap.bytesOf.append(heap.bytesOf[Int(left)] + heap.bytesOf[Int(right)])
            merges.append(Result.Merge(left: ByteLevelBPEAlphabet.symbol(heap.bytesOf[Int(left)]),
                                       right: ByteLevelBPEAlphabet.symbol(heap.bytesOf[Int(right)])))
            var newPairs: Set<UInt64> = []
            for w32 in pairWords[top.pair] ?? [] {
                let w = Int(w32)
                if seen[w] == merges.count { continue }
                seen[w] = merges.count
                let word = words[w]
                var out: [Int32] = []
                out.reserveCapacity(word.count)
                var k = 0
                var changed = false
                while k < word.count {
                    if k + 1 < word.count, word[k] == left, word[k + 1] == right {
                        out.append(merged)
                        k += 2
                        changed = true
                    } else {
                        out.append(word[k])
                        k += 1
                    }
                }
                guard changed else { continue }
                let count = counts[w]
                for k in 0..<(word.count - 1) {
                    let pair = BPEMergeTable.key(word[k], word[k + 1])
                    pairCounts[pair]! -= count
                }
                if out.count > 1 {
                    for k in 0..<(out.count - 1) {
                        let pair = BPEMergeTable.key(out[k], out[k + 1])
                        pairCounts[pair, default: 0] += count
                        if out[k] == merged || out[k + 1] == merged {
                            newPairs.insert(pair)
                            if pairWords[pair]?.last != w32 { pairWords[pair, default: []].append(w32) }
                        }
                    }
                }
                words[w] = out
            }
            pairCounts[top.pair] = nil
            pairWords[top.pair] = nil
            for pair in newPairs where (pairCounts[pair] ?? 0) > 0 { heap.push(count: pairCounts[pair]!, pair: pair) }
        }

        let byteTokens = ByteLevelBPEAlphabet.byteOrder.map { ByteLevelBPEAlphabet.symbol([$0]) }
        let mergedTokens = heap.bytesOf[256...].map { ByteLevelBPEAlphabet.symbol($0) }
        return Result(tokens: specialTokens + byteTokens + mergedTokens, merges: merges)
    }
}

// MARK: - A max-heap of pairs

/// Pairs ordered by count (highest first), then by the left symbol's bytes, then the right's (smallest first).
private struct PairHeap {
    var entries: [(count: Int, pair: UInt64)] = []
    var bytesOf: [[UInt8]]

    init(bytesOf: [[UInt8]]) { self.bytesOf = bytesOf }

    /// Whether `a` comes out before `b`.
    func before(_ a: (count: Int, pair: UInt64), _ b: (count: Int, pair: UInt64)) -> Bool {
        if a.count != b.count { return a.count > b.count }
        if a.pair == b.pair { return false }
        let al = bytesOf[Int(a.pair >> 32)], bl = bytesOf[Int(b.pair >> 32)]
        if al != bl { return al.lexicographicallyPrecedes(bl) }
        return bytesOf[Int(a.pair & 0xFFFF_FFFF)].lexicographicallyPrecedes(bytesOf[Int(b.pair & 0xFFFF_FFFF)])
    }

    mutating func push(count: Int, pair: UInt64) {
        entries.append((count, pair))
        var i = entries.count - 1
        while i > 0 {
            let parent = (i - 1) / 2
            guard before(entries[i], entries[parent]) else { break }
            entries.swapAt(i, parent)
            i = parent
        }
    }

    mutating func pop() -> (count: Int, pair: UInt64)? {
        guard let first = entries.first else { return nil }
        let last = entries.removeLast()
        if !entries.isEmpty {
            entries[0] = last
            var i = 0
            while true {
                let l = 2 * i + 1, r = l + 1
                var best = i
                if l < entries.count, before(entries[l], entries[best]) { best = l }
                if r < entries.count, before(entries[r], entries[best]) { best = r }
                if best == i { break }
                entries.swapAt(i, best)
                i = best
            }
        }
        return first
    }
}
