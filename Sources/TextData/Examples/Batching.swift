// Batching: the reference's bucket sampler (seeded shuffle, buckets of 100 batches sorted by length,
// shuffled batches) and the collation of examples into padded id matrices with attention masks. For
// PAL, dialogue and persona are padded to one common length, as the reference's co-attention needs.
import PythonSemantics

/// A padded batch of encoded examples. Matrices are row-major `[Int32]`: (B, S), (B, P), (B, T).
public struct Batch: Equatable, Sendable {
    public var size: Int
    /// Encoder input (B, S) and its mask (1 = token, 0 = padding).
    public var inputLength: Int
    public var inputIds: [Int32]
    public var attentionMask: [Int32]
    /// Persona input (B, P) and mask; P = 0 when the variant has no persona input.
    public var personaLength: Int
    public var personaIds: [Int32]
    public var personaMask: [Int32]
    /// Decoder input (B, T), padded with the pad id, and labels, padded with −100.
    public var targetLength: Int
    public var decoderInputIds: [Int32]
    public var labels: [Int32]
    /// Gold strategy index (0..<8) per example, −1 where there is none.
    public var strategies: [Int32]
    /// Positions of the examples in the list they were collated from.
    public var examples: [Int]

    /// Non-padding target tokens (the loss is averaged over these).
    public var targetTokenCount: Int { labels.reduce(0) { $0 + ($1 == Self.ignoreIndex ? 0 : 1) } }

    public static let ignoreIndex: Int32 = -100
}

/// How the persona input is padded.
public enum PersonaPadding: String, Codable, Sendable {
    /// Dialogue and persona share one length, max over the batch of max(dialogue, persona) (reference parity).
    case commonLength = "common-length"
    /// Each padded to its own longest.
    case separate
}

public enum Batcher {
    /// The reference's BucketSampler: shuffle, cut into buckets of `bucketBatches` batches, sort each
    /// bucket by length (longest first), cut into batches, optionally drop incomplete ones, shuffle
    /// the batches. Returns the batches (example indices) and how many examples were dropped.
    public static func bucketed(lengths: [Int], batchSize: Int, bucketBatches: Int = 100, seed: UInt64, epoch: Int,
                                dropIncomplete: Bool = false) -> (batches: [[Int]], dropped: Int) {
        precondition(batchSize > 0, "batch size must be positive")
        var rng = PythonRandom(seed: seed &+ UInt64(epoch) &* 0x9E37_79B9_7F4A_7C15)
        var ids = Array(lengths.indices)
        rng.shuffle(&ids)
        let bucketSize = bucketBatches * batchSize
        var batches: [[Int]] = []
        for start in stride(from: 0, to: ids.count, by: bucketSize) {
            // Stable sort, longest first, as Python's sorted(reverse=True) keeps ties in order.
            let bucket = ids[start..<min(start + bucketSize, ids.count)].enumerated()
                .sorted { lengths[$0.element] != lengths[$1.element] ? lengths[$0.element] > lengths[$1.element] : $0.offset < $1.offset }
                .map(\.element)
            for b in stride(from: 0, to: bucket.count, by: batchSize) {
                batches.append(Array(bucket[b..<min(b + batchSize, bucket.count)]))
            }
        }
        var dropped = 0
        if dropIncomplete {
            dropped = batches.filter { $0.count < batchSize }.reduce(0) { $0 + $1.count }
            batches.removeAll { $0.count < batchSize }
        }
        rng.shuffle(&batches)
        return (batches, dropped)
    }

    /// Consecutive batches in order (evaluation).
    public static func sequential(count: Int, batchSize: Int) -> [[Int]] {
        stride(from: 0, to: count, by: batchSize).map { Array($0..<min($0 + batchSize, count)) }
    }

    /// Pads `examples[indices]` into one batch, to the lengths the batch of `paddedLike` (default:
    /// `indices`) would have. A data-parallel rank pads its slice like the whole batch, because PAL's
    /// unmasked co-attention (the reference's) reads the padding too.
    public static func collate(_ examples: [EncodedExample], indices: [Int], padId: Int32,
                               personaPadding: PersonaPadding = .commonLength, paddedLike: [Int]? = nil) -> Batch {
        let chosen = indices.map { examples[$0] }, sizing = (paddedLike ?? indices).map { examples[$0] }
        let hasPersona = sizing.contains { !$0.personaIds.isEmpty }
        let longestInput = sizing.map(\.inputIds.count).max() ?? 0
        let longestPersona = hasPersona ? sizing.map(\.personaIds.count).max() ?? 0 : 0
        let common = max(longestInput, longestPersona)
        let inputLength = hasPersona && personaPadding == .commonLength ? common : longestInput
        let personaLength = hasPersona ? (personaPadding == .commonLength ? common : longestPersona) : 0
        let targetLength = sizing.map(\.labels.count).max() ?? 0

        func padded(_ rows: [[Int32]], to width: Int, with value: Int32) -> [Int32] {
            rows.flatMap { $0 + [Int32](repeating: value, count: width - $0.count) }
        }
        func mask(_ rows: [[Int32]], to width: Int) -> [Int32] {
            rows.flatMap { [Int32](repeating: 1, count: $0.count) + [Int32](repeating: 0, count: width - $0.count) }
        }
        let inputs = chosen.map(\.inputIds), personas = chosen.map(\.personaIds)
        return Batch(size: chosen.count, inputLength: inputLength,
                     inputIds: padded(inputs, to: inputLength, with: padId), attentionMask: mask(inputs, to: inputLength),
                     personaLength: personaLength,
                     personaIds: hasPersona ? padded(personas, to: personaLength, with: padId) : [],
                     personaMask: hasPersona ? mask(personas, to: personaLength) : [],
                     targetLength: targetLength,
                     decoderInputIds: padded(chosen.map(\.decoderInputIds), to: targetLength, with: padId),
                     labels: padded(chosen.map(\.labels), to: targetLength, with: Batch.ignoreIndex),
                     strategies: chosen.map { Int32($0.strategy?.index ?? -1) }, examples: indices)
    }
}
