// The trainer on a tiny model and synthetic examples: it learns, keeps the best checkpoint, logs
// every step, and stops on a non-finite loss without writing a poisoned checkpoint.
import Checkpoint
import Foundation
import Models
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

    private func trainer(lr: Double, run: URL) -> Trainer {
        let config = Seq2SeqConfig(family: .blenderbotSmall, vocabSize: 24, dModel: 32, encoderLayers: 1, decoderLayers: 1, heads: 4,
                                   ffnDim: 64, maxPositionEmbeddings: 16, dropout: 0, scaleEmbedding: true, padTokenId: 0, bosTokenId: 1,
                                   eosTokenId: 2, decoderStartTokenId: 1, initStd: 0.1)
        var settings = TrainingSettings()
        settings.epochs = 12
        settings.batchSize = 8
        settings.lr = lr
        settings.warmupSteps = 5
        settings.logEvery = 1000
        let t = Trainer(model: Seq2SeqLM(config, seed: 1), train: examples(96, seed: 1), valid: examples(24, seed: 2), settings: settings,
                        run: run, tokenizerJSON: "{}")
        t.output = { _ in }
        return t
    }

    private func temporaryRun() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("paltrain-trainer-\(getpid())-\(UUID().uuidString)")
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

    func testNonFiniteLossStopsWithoutWritingIt() throws {
        let run = temporaryRun()
        defer { try? FileManager.default.removeItem(at: run) }
        XCTAssertThrowsError(try trainer(lr: 1e12, run: run).fit(resume: false)) { error in
            XCTAssertTrue("\(error)".contains("stopping; last.h5 still holds the last good state"), "\(error)")
        }
        if let last = try? CheckpointFile.read(from: run.appendingPathComponent("last.h5")) {
            XCTAssertTrue(last.tensors.allSatisfy { $0.tensor.toArray().allSatisfy(\.isFinite) }, "no checkpoint holds non-finite weights")
        }
    }
}
