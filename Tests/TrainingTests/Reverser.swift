// A toy model for training tests: reverse a token sequence, which one attention layer can learn.
import NN
import TensorCore

/// Token embedding + learned positions → one encoder layer → vocabulary projection.
final class Reverser: Module {
    let tokens: Embedding, positions: Embedding, layer: TransformerEncoderLayer, head: Linear

    init(vocab: Int, length: Int, dropout: Float = 0, rng: inout RandomGenerator) {
        let config = TransformerBlockConfig(width: 32, heads: 4, ffnWidth: 64, dropout: dropout, initStd: 0.1)
        tokens = Embedding(vocab, 32, std: 0.5, rng: &rng)
        positions = Embedding(length, 32, std: 0.5, rng: &rng)
        layer = TransformerEncoderLayer(config, rng: &rng)
        head = Linear(32, vocab, std: 0.1, rng: &rng)
    }

    var children: [(name: String, module: Module)] {
        [("embed_tokens", tokens), ("embed_positions", positions), ("layer", layer), ("lm_head", head)]
    }

    func loss(_ ids: IndexTensor, targets: IndexTensor, context: ForwardContext) -> Tensor {
        let b = ids.shape[0], t = ids.shape[1]
        let pos = IndexTensor(shape: [1, t], values: (0..<t).map(Int32.init))
        let h = tokens(ids) + positions(pos)                               // (B, T, C)
        let logits = head(layer(h, mask: nil, context: context))          // (B, T, V)
        return logits.reshaped(b * t, -1).crossEntropy(targets: targets)
    }

    /// A batch of random sequences and their reversals, drawn from `data`.
    static func batch(size: Int, vocab: Int, length: Int, data: inout RandomGenerator) -> (IndexTensor, IndexTensor) {
        var ids: [Int32] = [], targets: [Int32] = []
        for _ in 0..<size {
            let seq = (0..<length).map { _ in Int32(data.next() % UInt64(vocab)) }
            ids += seq
            targets += seq.reversed()
        }
        return (IndexTensor(shape: [size, length], values: ids), IndexTensor(shape: [size * length], values: targets))
    }
}
