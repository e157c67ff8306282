// BPEMergeTable: the ranked merges of a BPE model over integer symbol ids, and the merge loop that
// GPT-2's `bpe()` and `tokenizers`' `Word::merge_all` both implement.

/// Ranked pair merges: `(left, right)` → rank (lower merges first) and the merged symbol's id.
struct BPEMergeTable: Sendable {
    struct Merge: Sendable {
        var rank: Int32
        var merged: Int32
    }

    private(set) var pairs: [UInt64: Merge] = [:]

    init() {}

    @inline(__always) static func key(_ left: Int32, _ right: Int32) -> UInt64 {
        UInt64(UInt32(bitPattern: left)) << 32 | UInt64(UInt32(bitPattern: right))
    }

    /// Records a merge; a pair given twice keeps the later rank (as Python's `dict(zip(merges, range))`).
    mutating func add(_ left: Int32, _ right: Int32, rank: Int32, merged: Int32) {
        pairs[Self.key(left, right)] = Merge(rank: rank, merged: merged)
    }

    var count: Int { pairs.count }

    /// Merges `word` until no adjacent pair has a rank: each round takes the lowest-ranked pair and merges
    /// all its non-overlapping occurrences left to right. (`tokenizers` merges one occurrence at a time
    /// from a priority queue of (rank, position); with merges whose parts come earlier than themselves,
    /// as in every trained merges file, the two give the same symbols.)
    func merge(_ word: [Int32]) -> [Int32] {
        var word = word
        while word.count > 1 {
            var best: Merge?
            var bestIndex = -1
            for k in 0..<(word.count - 1) {
                if let m = pairs[Self.key(word[k], word[k + 1])], best == nil || m.rank < best!.rank {
                    best = m
                    bestIndex = k
                }
            }
            guard let merge = best else { break }
            let left = word[bestIndex], right = word[bestIndex + 1]
            var out = Array(word[..<bestIndex])
            out.reserveCapacity(word.count - 1)
            var k = bestIndex
            while k < word.count {
                if k + 1 < word.count, word[k] == left, word[k + 1] == right {
                    out.append(merge.merged)
                    k += 2
                } else {
                    out.append(word[k])
                    k += 1
                }
            }
            word = out
        }
        return word
    }
}
