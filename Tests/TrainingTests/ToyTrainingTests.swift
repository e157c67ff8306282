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

final class SteadyStateMemoryTests: XCTestCase {
    /// After the first steps, a training step of the same shapes takes every buffer from the pool,
    /// and inference without gradients holds no memory once its result is gone.
    func testTrainingStepAndInferenceReuseBuffers() {
        var rng = RandomGenerator(seed: 5)
        let model = Reverser(vocab: 10, length: 6, dropout: 0.1, rng: &rng)
        let buffer = ParameterBuffer(model.namedParameters())
        let optimizer = AdamW(buffer, config: AdamWConfig())
        let context = ForwardContext(training: true)
        var data = RandomGenerator(seed: 6)
        func step() {
            let (ids, targets) = Reverser.batch(size: 8, vocab: 10, length: 6, data: &data)
            buffer.zeroGradients()
            model.loss(ids, targets: targets, context: context).backward()
            optimizer.step(lr: 1e-3)
        }
        step(); step()
        let pool = BufferPool.shared
        let allocations = pool.freshAllocations, live = pool.liveBytes
        for _ in 0..<5 { step() }
        XCTAssertEqual(pool.freshAllocations, allocations, "steady-state steps allocate nothing new")
        XCTAssertEqual(pool.liveBytes, live, "no tensor memory outlives a step")

        let (ids, targets) = Reverser.batch(size: 8, vocab: 10, length: 6, data: &data)
        let eval = ForwardContext(training: false)
        for _ in 0..<5 { _ = withNoGrad { model.loss(ids, targets: targets, context: eval).item } }
        XCTAssertEqual(pool.liveBytes, live, "inference without gradients keeps nothing alive")
    }
}
