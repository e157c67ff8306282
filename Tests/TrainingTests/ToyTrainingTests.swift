// One transformer layer learns a task that needs attention (reverse a token sequence) with AdamW,
// warmup/decay and clipping on the flat parameter buffer: the whole stack working together.
import NN
import TensorCore
import Training
import XCTest

final class ToyTrainingTests: XCTestCase {
    func testOneLayerLearnsToReverse() {
        let vocab = 10, length = 6, batch = 32, steps = 300
        var rng = RandomGenerator(seed: 3)
        let model = Reverser(vocab: vocab, length: length, rng: &rng)
        let buffer = ParameterBuffer(model.namedParameters())
        let optimizer = AdamW(buffer, config: AdamWConfig(weightDecay: 0.01))
        let schedule = LinearWarmupSchedule(peak: 1e-2, warmupSteps: 20, totalSteps: steps)
        let context = ForwardContext(training: true)
        var data = RandomGenerator(seed: 11)

        func batchOf() -> (IndexTensor, IndexTensor) { Reverser.batch(size: batch, vocab: vocab, length: length, data: &data) }

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
