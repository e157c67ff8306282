// One transformer layer learns a task that needs attention (reverse a token sequence) with AdamW,
// warmup/decay and clipping on the flat parameter buffer: the whole stack working together.
import NN
import TensorCore
import Training
import XCTest

final class ToyTrainingTests: XCTestCase {
    /// Token embedding + learned positions → one encoder layer → vocabulary projection.
    final class Reverser: Module {
        let tokens: Embedding, positions: Embedding, layer: TransformerEncoderLayer, head: Linear
        init(vocab: Int, length: Int, rng: inout RandomGenerator) {
            let config = TransformerBlockConfig(width: 32, heads: 4, ffnWidth: 64, dropout: 0, initStd: 0.1)
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
    }

    func testOneLayerLearnsToReverse() {
        let vocab = 10, length = 6, batch = 32, steps = 300
        var rng = RandomGenerator(seed: 3)
        let model = Reverser(vocab: vocab, length: length, rng: &rng)
        let buffer = ParameterBuffer(model.namedParameters())
        let optimizer = AdamW(buffer, config: AdamWConfig(weightDecay: 0.01))
        let schedule = LinearWarmupSchedule(peak: 1e-2, warmupSteps: 20, totalSteps: steps)
        let context = ForwardContext(training: true)
        var data = RandomGenerator(seed: 11)

        func batchOf() -> (IndexTensor, IndexTensor) {
            var ids: [Int32] = [], targets: [Int32] = []
            for _ in 0..<batch {
                let seq = (0..<length).map { _ in Int32(data.next() % UInt64(vocab)) }
                ids += seq
                targets += seq.reversed()
            }
            return (IndexTensor(shape: [batch, length], values: ids), IndexTensor(shape: [batch * length], values: targets))
        }

        var first: Float = 0, last: Float = 0
        for step in 0..<steps {
            let (ids, targets) = batchOf()
            buffer.zeroGradients()
            let loss = model.loss(ids, targets: targets, context: context)
            loss.backward()
            buffer.clipGradientNorm(1.0)
            optimizer.step(lr: schedule.learningRate(at: step))
            if step == 0 { first = loss.item }
            last = loss.item
        }
        let (ids, targets) = batchOf()
        let held = withNoGrad { model.loss(ids, targets: targets, context: ForwardContext(training: false)).item }
        print("toy reverse task: loss \(first) → \(last) (held-out batch \(held)) in \(steps) steps")
        XCTAssertGreaterThan(first, 2.0, "starts near ln(10)")
        XCTAssertLessThan(held, 0.05, "a fresh batch is reversed almost perfectly")
    }
}
