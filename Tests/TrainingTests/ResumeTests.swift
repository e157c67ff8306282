// Interrupt a training run after k steps, checkpoint it (weights, AdamW moments, step, dropout RNG),
// resume in a fresh model from the file, and end with exactly the weights of an uninterrupted run.
import Checkpoint
import Foundation
import NN
import TensorCore
import Training
import XCTest

final class ResumeTests: XCTestCase {
    let vocab = 8, length = 5, batch = 8, steps = 12, interruptAt = 5

    /// A model, its optimizer and dropout context, ready to train from `seed`.
    private func fresh() -> (Reverser, ParameterBuffer, AdamW, ForwardContext) {
        var rng = RandomGenerator(seed: 21)
        let model = Reverser(vocab: vocab, length: length, dropout: 0.2, rng: &rng)
        let buffer = ParameterBuffer(model.namedParameters())
        return (model, buffer, AdamW(buffer, config: AdamWConfig(weightDecay: 0.01)), ForwardContext(training: true, seed: 9))
    }

    /// Trains steps `range`; each step's batch depends only on its index, like a seeded data order.
    private func train(_ m: (Reverser, ParameterBuffer, AdamW, ForwardContext), _ range: Range<Int>) {
        let schedule = LinearWarmupSchedule(peak: 5e-3, warmupSteps: 3, totalSteps: steps)
        for step in range {
            var data = RandomGenerator(seed: UInt64(1000 + step))
            let (ids, targets) = Reverser.batch(size: batch, vocab: vocab, length: length, data: &data)
            m.1.zeroGradients()
            m.0.loss(ids, targets: targets, context: m.3).backward()
            m.1.clipGradientNorm(1)
            m.2.step(lr: schedule.learningRate(at: step))
        }
    }

    func testResumedRunEndsWithIdenticalWeights() throws {
        let uninterrupted = fresh()
        train(uninterrupted, 0..<steps)

        let first = fresh()
        train(first, 0..<interruptAt)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("paltrain-resume-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("last.h5")
        let state = TrainingState(step: interruptAt, epoch: 0, batchInEpoch: interruptAt, dataOrderSeed: 1000,
                                  rngState: first.3.rng.stateWords, optimizerStep: first.2.stepCount)
        try CheckpointFile.write(CheckpointContents(tensors: first.0.namedParameters(), optimizerMoments: first.2.moments,
                                                    config: "{}", tokenizer: "{}", training: state), to: url)

        let resumed = fresh()
        let saved = try CheckpointFile.read(from: url)
        try resumed.0.load(saved.tensorsByName)
        let training = try XCTUnwrap(saved.training)
        try resumed.2.restore(XCTUnwrap(saved.optimizerMoments), stepCount: training.optimizerStep)
        resumed.3.rng = training.randomGenerator
        train(resumed, training.step..<steps)

        for (a, b) in zip(uninterrupted.0.namedParameters(), resumed.0.namedParameters()) {
            XCTAssertEqual(a.tensor.toArray(), b.tensor.toArray(), "\(a.name) differs after resume")
        }
        XCTAssertNotEqual(first.0.namedParameters()[0].tensor.toArray(), uninterrupted.0.namedParameters()[0].tensor.toArray(),
                          "the interrupted run really stopped early")
    }

    func testRestoreRejectsMismatchedMoments() {
        let (_, _, optimizer, _) = fresh()
        var moments = optimizer.moments
        moments.expAvg.removeFirst()
        moments.expAvgSq[1] = (name: moments.expAvgSq[1].name, tensor: Tensor(zeros: [3]))
        XCTAssertThrowsError(try optimizer.restore(moments, stepCount: 1)) { error in
            XCTAssertTrue("\(error)".contains("missing tensors: embed_tokens.weight"), "\(error)")
        }
    }
}
