// The trainer on a tiny model and synthetic examples: it learns, keeps the best checkpoint, logs
// every step, and stops on a non-finite loss without writing a poisoned checkpoint.
import Checkpoint
import Foundation
import Models
import NN
import PythonSemantics
import TensorCore
import TextData
import Training
import XCTest

final class TrainerTests: XCTestCase {
    /// Copy task: the target repeats the input.
    private func examples(_ count: Int, seed: UInt64) -> [EncodedExample] {
        var rng = PythonRandom(seed: seed)
        return (0..<count).map { i in
            let ids = (0..<(3 + rng.randbelow(4))).map { _ in Int32(4 + rng.randbelow(20)) }
            let labels = ids + [2]
            return EncodedExample(inputIds: ids, personaIds: [], decoderInputIds: [1] + labels.dropLast(), labels: labels,
                                  strategy: nil, conversation: i, turn: 0)
        }
    }

    /// Strategy task: one of 8 cue tokens (24…31) sits somewhere in the input among filler tokens;
    /// the target is the cue's strategy token (32…39), then the filler. Only a model whose first
    /// decoder step reads the encoder can beat the 1/8 of a constant prediction.
    private func strategyExamples(_ count: Int, seed: UInt64) -> [EncodedExample] {
        var rng = PythonRandom(seed: seed)
        return (0..<count).map { i in
            let strategy = rng.randbelow(8)
            var ids = (0..<(4 + rng.randbelow(4))).map { _ in Int32(4 + rng.randbelow(20)) }
            ids.insert(Int32(24 + strategy), at: rng.randbelow(ids.count + 1))
            let labels = [Int32(32 + strategy)] + ids.filter { $0 < 24 }.prefix(3) + [2]
            return EncodedExample(inputIds: ids, personaIds: [], decoderInputIds: [1] + labels.dropLast(), labels: labels,
                                  strategy: Strategy.allCases[strategy], conversation: i, turn: 0)
        }
    }

    /// A 1+1-layer BlenderbotSmall-shaped config; heads and FFN follow the width.
    private func tinyConfig(vocabulary: Int, width: Int, dropout: Float = 0) -> Seq2SeqConfig {
        Seq2SeqConfig(family: .blenderbotSmall, vocabSize: vocabulary, dModel: width, encoderLayers: 1, decoderLayers: 1, heads: width / 8,
                      ffnDim: 2 * width, maxPositionEmbeddings: 16, dropout: dropout, scaleEmbedding: true, padTokenId: 0, bosTokenId: 1,
                      eosTokenId: 2, decoderStartTokenId: 1, initStd: 0.1)
    }

    private func quietSettings(epochs: Int, batchSize: Int, lr: Double, warmupSteps: Int) -> TrainingSettings {
        var settings = TrainingSettings()
        settings.epochs = epochs
        settings.batchSize = batchSize
        settings.lr = lr
        settings.warmupSteps = warmupSteps
        settings.logEvery = 1000
        return settings
    }

    private func trainer(lr: Double, run: URL) -> Trainer {
        let config = tinyConfig(vocabulary: 24, width: 32)
        let settings = quietSettings(epochs: 12, batchSize: 8, lr: lr, warmupSteps: 5)
        let t = Trainer(model: Seq2SeqLM(config, seed: 1), train: examples(96, seed: 1), valid: examples(24, seed: 2), settings: settings,
                        run: run, tokenizerJSON: "{}")
        t.output = { _ in }
        return t
    }

    private func temporaryRun() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("paltrain-trainer-\(getpid())-\(UUID().uuidString)")
    }

    func testTheRecipesOptimizerSettingsReachAdamW() throws {
        var settings = quietSettings(epochs: 1, batchSize: 8, lr: 1e-3, warmupSteps: 0)
        (settings.adamEpsilon, settings.weightDecay, settings.noDecay) = (1e-6, 0.01, ["q_proj"])
        let t = Trainer(model: Seq2SeqLM(tinyConfig(vocabulary: 24, width: 32), seed: 1), train: examples(8, seed: 1), valid: examples(8, seed: 2),
                        settings: settings, run: temporaryRun(), tokenizerJSON: "{}")
        XCTAssertEqual(t.optimizer.config, AdamWConfig(eps: 1e-6, weightDecay: 0.01))
        for (name, decays) in zip(t.optimizer.parameters.names, t.optimizer.decays) {
            XCTAssertEqual(decays, !name.contains("q_proj"), name)
        }
    }

    func testLearnsAndKeepsTheBestCheckpoint() throws {
        let run = temporaryRun()
        defer { try? FileManager.default.removeItem(at: run) }
        let summary = try trainer(lr: 1e-2, run: run).fit(resume: false)
        XCTAssertEqual(summary.steps, 144)
        let initial = try XCTUnwrap(summary.initialValidationLoss), best = try XCTUnwrap(summary.bestValidationLoss)
        XCTAssertLessThan(best, initial * 0.7, "validation loss falls well below its initial value")
        XCTAssertEqual(try CheckpointFile.read(from: run.appendingPathComponent("best.h5")).training?.bestValidationLoss, best)
        let lines = try String(contentsOf: run.appendingPathComponent("log.jsonl"), encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(lines.filter { $0.contains("\"loss\"") }.count, 144, "one log line per step")
        XCTAssertEqual(lines.filter { $0.contains("valid_loss") }.count, 13, "before training and after each of 12 epochs")
    }

    /// `eval_every` validates within epochs, an epoch that ends on such a step is validated once, and
    /// `validate_before_training: false` leaves out step 0 and nothing else.
    func testValidatesEveryNStepsAndOncePerStep() throws {
        for before in [true, false] {
            let run = temporaryRun()
            defer { try? FileManager.default.removeItem(at: run) }
            var settings = quietSettings(epochs: 2, batchSize: 8, lr: 1e-2, warmupSteps: 5)
            settings.evalEvery = 6                                   // 12 steps per epoch: steps 6, 12, 18, 24
            settings.validateBeforeTraining = before
            let t = Trainer(model: Seq2SeqLM(tinyConfig(vocabulary: 24, width: 32), seed: 1), train: examples(96, seed: 1),
                            valid: examples(24, seed: 2), settings: settings, run: run, tokenizerJSON: "{}")
            t.output = { _ in }
            let summary = try t.fit(resume: false)
            let lines = try String(contentsOf: run.appendingPathComponent("log.jsonl"), encoding: .utf8).split(separator: "\n")
            let validated = lines.filter { $0.contains("valid_loss") }.compactMap { line in
                (try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])?["step"] as? Int
            }
            XCTAssertEqual(validated, before ? [0, 6, 12, 18, 24] : [6, 12, 18, 24])
            XCTAssertEqual(summary.initialValidationLoss == nil, !before)
            XCTAssertNotNil(summary.bestValidationLoss)
        }
    }

    func testStrategyPredictionReadsTheContext() throws {
        let config = tinyConfig(vocabulary: 40, width: 32)
        var settings = quietSettings(epochs: 15, batchSize: 16, lr: 1e-2, warmupSteps: 10)
        settings.strategyLossWeight = 3
        let run = temporaryRun()
        defer { try? FileManager.default.removeItem(at: run) }
        let t = Trainer(model: Seq2SeqLM(config, seed: 3), train: strategyExamples(320, seed: 1), valid: strategyExamples(64, seed: 2),
                        settings: settings, run: run, tokenizerJSON: "{}", strategyTokenIds: (32..<40).map(Int32.init))
        t.output = { _ in }
        let before = try t.validate()
        let summary = try t.fit(resume: false)
        let after = try t.validate()
        XCTAssertLessThan(try XCTUnwrap(before.accuracy), 40)
        XCTAssertGreaterThan(try XCTUnwrap(after.accuracy), 90, "the first decoder step must read which cue the encoder saw")
        XCTAssertEqual(after.predictedStrategies.reduce(0, +), 64)
        XCTAssertEqual(after.predictedStrategies.filter { $0 > 0 }.count, 8, "every strategy is predicted for some input")
        XCTAssertNotNil(summary.bestValidationAccuracy)
        let log = try String(contentsOf: run.appendingPathComponent("log.jsonl"), encoding: .utf8)
        XCTAssertTrue(log.contains("valid_acc") && log.contains("valid_predicted_strategies"))
    }

    func testStrategyLossWeightIsTheWeightedTokenMean() throws {
        let config = tinyConfig(vocabulary: 40, width: 16)
        let model = Seq2SeqLM(config, seed: 5)
        let batch = Batcher.collate(strategyExamples(4, seed: 7), indices: [0, 1, 2, 3], padId: 0)
        let context = ForwardContext(training: false)
        let (plain, logits) = model.loss(Seq2SeqInputs(batch), context: context)
        let weights = batch.labels.map { $0 >= 32 ? Float(4) : 1 }
        let weighted = model.loss(Seq2SeqInputs(batch), context: context, labelWeights: weights).loss.item
        // Per-token cross-entropy by hand.
        let v = 40, values = logits.toArray()
        var sum = 0.0, weightSum = 0.0, plainSum = 0.0, count = 0.0
        for (r, label) in batch.labels.enumerated() where label >= 0 {
            let row = values[(r * v)..<((r + 1) * v)].map(Double.init)
            let m = row.max()!, lse = m + Foundation.log(row.map { Foundation.exp($0 - m) }.reduce(0, +))
            let ce = lse - row[Int(label)]
            sum += Double(weights[r]) * ce
            weightSum += Double(weights[r])
            plainSum += ce
            count += 1
        }
        XCTAssertEqual(Double(plain.item), plainSum / count, accuracy: 1e-4)
        XCTAssertEqual(Double(weighted), sum / weightSum, accuracy: 1e-4)
    }

    func testPerExampleNLLSumsToTheTeacherForcedTotalWhateverTheBatching() throws {
        let model = Seq2SeqLM(tinyConfig(vocabulary: 40, width: 16), seed: 5)
        let examples = strategyExamples(11, seed: 3)
        let whole = TeacherForcing.score(model, examples, batchSize: 4, padId: 0, strategyTokenIds: [], perExample: true)
        XCTAssertEqual(whole.exampleNLL.count, 11)
        XCTAssertEqual(whole.exampleNLL.reduce(0, +), whole.nll, accuracy: 1e-3 * whole.nll)
        // One example at a time (no padding): the same per-example sums, so padding rows add nothing.
        let alone = TeacherForcing.score(model, examples, batchSize: 1, padId: 0, strategyTokenIds: [], perExample: true)
        for (a, b) in zip(whole.exampleNLL, alone.exampleNLL) { XCTAssertEqual(a, b, accuracy: 1e-4 * b) }
        XCTAssertGreaterThan(Set(whole.exampleNLL.map { Int($0 * 1000) }).count, 5, "examples differ")
        XCTAssertTrue(TeacherForcing.score(model, examples, batchSize: 4, padId: 0, strategyTokenIds: []).exampleNLL.isEmpty, "only when asked")
    }

    func testEncoderDenoisingAddsTheMaskedTokenLoss() throws {
        let config = tinyConfig(vocabulary: 40, width: 16)
        let model = Seq2SeqLM(config, seed: 5)
        let inputs = Seq2SeqInputs(Batcher.collate(strategyExamples(3, seed: 7), indices: [0, 1, 2], padId: 0))
        let context = ForwardContext(training: false)
        let positions: [Int32] = [0, 3, 9], weight: Float = 0.5
        let targets = positions.map { inputs.inputIds.values[Int($0)] }
        let plain = model.loss(inputs, context: context).loss.item
        let withDenoising = model.loss(inputs, context: context,
                                       denoising: EncoderDenoising(positions: positions, targets: targets, weight: weight)).loss.item
        // By hand: the encoder's rows at the positions, through the tied projection, against the original ids.
        let encoded = model.model.encoder(inputs.inputIds, mask: inputs.attentionMask, context: context).reshaped(-1, 16)
        let rows = model.logits(Tensor.embedding(encoded, ids: IndexTensor(shape: [3], values: positions))).toArray()
        var ce = 0.0
        for (r, target) in targets.enumerated() {
            let row = rows[(r * 40)..<((r + 1) * 40)].map(Double.init)
            let m = row.max()!
            ce += m + Foundation.log(row.map { Foundation.exp($0 - m) }.reduce(0, +)) - row[Int(target)]
        }
        XCTAssertEqual(Double(withDenoising), Double(plain) + Double(weight) * ce / 3, accuracy: 1e-4)
    }

    func testDenoisingRunResumesToTheUninterruptedWeights() throws {
        let config = tinyConfig(vocabulary: 40, width: 16, dropout: 0.1)
        var settings = quietSettings(epochs: 2, batchSize: 8, lr: 1e-2, warmupSteps: 2)
        settings.encoderDenoisingWeight = 1
        settings.encoderMaskRate = 0.3
        func trainer(_ run: URL) -> Trainer {
            let t = Trainer(model: Seq2SeqLM(config, seed: 4), train: strategyExamples(48, seed: 1), valid: strategyExamples(8, seed: 2),
                            settings: settings, run: run, tokenizerJSON: "{}", strategyTokenIds: (32..<40).map(Int32.init), maskTokenId: 3)
            t.output = { _ in }
            return t
        }
        let whole = temporaryRun(), parts = temporaryRun()
        defer { for run in [whole, parts] { try? FileManager.default.removeItem(at: run) } }
        let uninterrupted = trainer(whole)
        _ = try uninterrupted.fit(resume: false)
        let first = trainer(parts)
        first.stopAfterSteps = 5
        XCTAssertTrue(try first.fit(resume: false).interrupted)
        let resumed = trainer(parts)
        _ = try resumed.fit(resume: true)
        for (a, b) in zip(uninterrupted.model.namedParameters(), resumed.model.namedParameters()) {
            XCTAssertEqual(a.tensor.toArray(), b.tensor.toArray(), "\(a.name) differs after resume")
        }
    }

    /// A run whose numbers go non-finite stops with an error that says truly what is on disk, whether
    /// the loss, the gradient or a validation goes first, and never writes the poisoned weights.
    func testNonFiniteNumbersStopTheRunAndSayWhatIsOnDisk() throws {
        let unsaved = temporaryRun()
        defer { try? FileManager.default.removeItem(at: unsaved) }
        XCTAssertThrowsError(try trainer(lr: 1e12, run: unsaved).fit(resume: false)) { error in
            XCTAssertTrue("\(error)".contains(": stopping; no last.h5 was written before it; lower the learning rate"), "\(error)")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: unsaved.appendingPathComponent("last.h5").path))

        let saved = temporaryRun()
        defer { try? FileManager.default.removeItem(at: saved) }
        let t = trainer(lr: 1e12, run: saved)
        var settings = t.settings
        (settings.saveEvery, settings.evalEvery) = (1, 1)
        let everyStep = Trainer(model: t.model, train: t.train, valid: t.valid, settings: settings, run: saved, tokenizerJSON: "{}")
        everyStep.output = { _ in }
        XCTAssertThrowsError(try everyStep.fit(resume: false)) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains("stopping; last.h5 holds the last good state (step "), text)
            let step = Int(text.components(separatedBy: "(step ").last!.prefix { $0.isNumber })
            let last = try? CheckpointFile.read(from: saved.appendingPathComponent("last.h5"))
            XCTAssertEqual(last?.training?.step, step, "the step named is the one on disk")
            XCTAssertTrue(last?.tensors.allSatisfy { $0.tensor.toArray().allSatisfy(\.isFinite) } ?? false, "no checkpoint holds non-finite weights")
        }
    }
}
