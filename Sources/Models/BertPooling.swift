// BertPooling: sentence vectors from a BERT encoding, as the sentence encoders of PAL-SPEC §7 make them,
// and their cosine similarity:
//   pooler: tanh(dense(h[:, 0]))          SimCSE (`sup-simcse-bert-base-uncased`, pooler "cls")
//   cls:    h[:, 0]                        SimCSE's "cls_before_pooler"
//   mean:   Σ_s m_s h_s / max(Σ_s m_s, 1e-9)  sentence-transformers (all-MiniLM-L6-v2), then L2-normalised
// Shapes: the legend of docs/tensorcore.md.
import NN
import TensorCore

/// How one vector is made from a sentence's token states.
public enum BertPooling: String, CaseIterable, Sendable {
    /// The pooler's output, tanh(dense(first token)); needs a model with a pooler.
    case pooler
    /// The first ([CLS]) token's final state.
    case cls
    /// The mean of the final states over the attention mask.
    case mean
}

extension BertModel {
    /// One vector per sequence, (B, C), from `encoding` of ids with `attentionMask` (B, S).
    public func pool(_ encoding: BertEncoding, attentionMask: IndexTensor?, pooling: BertPooling) -> Tensor {
        let hidden = encoding.lastHiddenState
        let b = hidden.shape[0], c = hidden.shape[2]
        switch pooling {
        case .pooler:
            guard let pooled = encoding.poolerOutput else {
                preconditionFailure("pooling .pooler needs a model with a pooler (its checkpoint has no pooler.dense weights): use .cls or .mean")
            }
            return pooled
        case .cls:
            return hidden.slice(axis: 1, 0..<1).reshaped(b, c)                                  // (B, C)
        case .mean:
            return Self.meanPool(hidden, attentionMask: attentionMask)
        }
    }

    /// Σ_s m_s h_s / max(Σ_s m_s, 1e-9): hidden (B, S, C), mask (B, S) of 0/1 (nil: all 1) → (B, C).
    public static func meanPool(_ hidden: Tensor, attentionMask: IndexTensor?) -> Tensor {
        let b = hidden.shape[0], t = hidden.shape[1]
        let mask = attentionMask?.values.map(Float.init) ?? [Float](repeating: 1, count: b * t)
        precondition(mask.count == b * t, "attention mask of \(mask.count) values for hidden states \(hidden.shape)")
        let counts = (0..<b).map { row in max(mask[(row * t)..<((row + 1) * t)].reduce(0, +), 1e-9) }
        let summed = (hidden * Tensor(shape: [b, t, 1], values: mask)).sum(axes: [1])            // (B, C)
        return summed / Tensor(shape: [b, 1], values: counts)                                    // (B, C)
    }

    /// Sentence vectors of token-id sequences (each `[CLS] … [SEP]`, already truncated to the model's
    /// positions), `batchSize` at a time, longest first to pad little; returned in input order.
    /// With `normalize`, each vector has unit L2 norm (sentence-transformers' Normalize module).
    public func embed(_ sequences: [[Int32]], pooling: BertPooling = .mean, normalize: Bool = true,
                      batchSize: Int = 32) -> [[Float]] {
        precondition(batchSize > 0, "batchSize must be positive")
        let order = sequences.indices.sorted { sequences[$0].count > sequences[$1].count }
        var out = [[Float]](repeating: [], count: sequences.count)
        let context = ForwardContext(training: false)
        withNoGrad {
            for start in stride(from: 0, to: order.count, by: batchSize) {
                let batch = Array(order[start..<min(start + batchSize, order.count)])
                let (ids, mask) = Self.padded(batch.map { sequences[$0] }, padId: Int32(config.padTokenId))
                let encoding = self(ids, attentionMask: mask, context: context)
                let vectors = pool(encoding, attentionMask: mask, pooling: pooling).toArray()      // (B·C)
                let c = config.hiddenSize
                for (row, index) in batch.enumerated() {
                    var v = Array(vectors[(row * c)..<((row + 1) * c)])
                    if normalize {
                        // F.normalize: v / max(‖v‖, 1e-12)
                        let norm = max(v.reduce(0) { $0 + $1 * $1 }.squareRoot(), 1e-12)
                        v = v.map { $0 / norm }
                    }
                    out[index] = v
                }
            }
        }
        return out
    }

    /// `sequences` right-padded with `padId` to the longest: ids (B, S) and attention mask (B, S).
    public static func padded(_ sequences: [[Int32]], padId: Int32) -> (ids: IndexTensor, attentionMask: IndexTensor) {
        let t = max(sequences.map(\.count).max() ?? 0, 1)
        var ids: [Int32] = [], mask: [Int32] = []
        ids.reserveCapacity(sequences.count * t)
        mask.reserveCapacity(sequences.count * t)
        for s in sequences {
            ids += s + [Int32](repeating: padId, count: t - s.count)
            mask += [Int32](repeating: 1, count: s.count) + [Int32](repeating: 0, count: t - s.count)
        }
        return (IndexTensor(shape: [sequences.count, t], values: ids), IndexTensor(shape: [sequences.count, t], values: mask))
    }

    // MARK: - Cosine similarity

    /// a·b / (max(‖a‖, 1e-8) · max(‖b‖, 1e-8)), computed in Double.
    public static func cosineSimilarity(_ a: [Float], _ b: [Float]) -> Float {
        precondition(a.count == b.count, "cosine similarity of vectors of \(a.count) and \(b.count) values")
        var dot = 0.0, aa = 0.0, bb = 0.0
        for i in a.indices {
            dot += Double(a[i]) * Double(b[i])
            aa += Double(a[i]) * Double(a[i])
            bb += Double(b[i]) * Double(b[i])
        }
        return Float(dot / (max(aa.squareRoot(), 1e-8) * max(bb.squareRoot(), 1e-8)))
    }

    /// Row-wise cosine similarity (differentiable): a, b (B, C) → (B).
    public static func cosineSimilarity(_ a: Tensor, _ b: Tensor) -> Tensor {
        precondition(a.shape == b.shape && a.rank == 2, "cosine similarity of \(a.shape) and \(b.shape): expected two (B, C)")
        let dot = (a * b).sum(axes: [1])                                                          // (B)
        let norms = ((a * a).sum(axes: [1]) * (b * b).sum(axes: [1]) + 1e-16).sqrt()             // (B)
        return dot / norms
    }
}
