// Trainer: one training run on one screen — epochs over seeded, length-bucketed batches; AdamW with
// linear warmup/decay and clipping; validation at each epoch's end (and every N steps); `best.h5`
// (lowest validation loss) beside `last.h5`; a JSON-lines log; progress on a terminal or plain
// lines; NaN/∞ stops without touching the last good checkpoint; SIGINT/SIGTERM saves and exits;
// `resume` continues from `last.h5` to the weights an uninterrupted run would reach.
import Checkpoint
import Foundation
import Models
import NN
import TensorCore
import TextData

/// Set by SIGINT/SIGTERM; the trainer saves and stops at the next step boundary.
nonisolated(unsafe) var interruptRequested = false

public final class Trainer {
    public let model: Seq2SeqLM
    public let train: [EncodedExample]
    public let valid: [EncodedExample]
    public let settings: TrainingSettings
    public let run: URL
    let tokenizerJSON: String
    let padId: Int32
    let parameters: ParameterBuffer
    let optimizer: AdamW
    let lengths: [Int]
    /// Stops (as an interrupt does) after this many steps of this process; for tests and demos.
    public var stopAfterSteps: Int?
    /// Progress output (a terminal gets a live bar).
    public var output: (String) -> Void = { print($0) }

    public struct Summary {
        public var steps: Int
        public var initialValidationLoss: Double?
        public var finalValidationLoss: Double?
        public var bestValidationLoss: Double?
        public var interrupted: Bool
        public var seconds: Double
    }

    public init(model: Seq2SeqLM, train: [EncodedExample], valid: [EncodedExample], settings: TrainingSettings,
                run: URL, tokenizerJSON: String) {
        self.model = model
        self.train = train
        self.valid = valid
        self.settings = settings
        self.run = run
        self.tokenizerJSON = tokenizerJSON
        padId = Int32(model.config.padTokenId)
        parameters = ParameterBuffer(model.namedParameters())
        optimizer = AdamW(parameters, config: AdamWConfig(weightDecay: settings.weightDecay))
        lengths = train.map(\.length)
    }

    var last: URL { run.appendingPathComponent("last.h5") }
    var best: URL { run.appendingPathComponent("best.h5") }
    var log: URL { run.appendingPathComponent("log.jsonl") }

    private var batchesPerEpoch: Int {
        Batcher.bucketed(lengths: lengths, batchSize: settings.batchSize, bucketBatches: settings.bucketBatches,
                         seed: settings.seed, epoch: 0, dropIncomplete: settings.dropIncomplete).batches.count
    }

    /// Optimizer steps of the whole run.
    public var totalSteps: Int {
        let all = settings.epochs * batchesPerEpoch
        return settings.maxSteps > 0 ? min(settings.maxSteps, all) : all
    }

    /// Trains from the start, or from `last.h5` when `resume` is set.
    public func fit(resume: Bool) throws -> Summary {
        guard !train.isEmpty else { throw DataError(file: run.path, "no training examples") }
        try FileManager.default.createDirectory(at: run, withIntermediateDirectories: true)
        let schedule = LinearWarmupSchedule(peak: settings.lr, warmupSteps: settings.warmupSteps, totalSteps: totalSteps)
        let context = ForwardContext(training: true, seed: settings.seed)
        var state = TrainingState(step: 0, epoch: 0, batchInEpoch: 0, dataOrderSeed: settings.seed,
                                  rngState: context.rng.stateWords, optimizerStep: 0)
        var summary = Summary(steps: 0, interrupted: false, seconds: 0)
        if resume {
            state = try restore()
            context.rng = state.randomGenerator
            output("resuming \(run.path) at step \(state.step) (epoch \(state.epoch + 1), batch \(state.batchInEpoch))")
        } else {
            try? FileManager.default.removeItem(at: log)
            let initial = try validate()
            summary.initialValidationLoss = initial
            try append(["step": 0, "valid_loss": initial, "valid_ppl": Foundation.exp(initial)])
            output(String(format: "validation loss before training: %.4f (ppl %.2f)", initial, Foundation.exp(initial)))
        }
        summary.bestValidationLoss = state.bestValidationLoss
        installSignalHandlers()
        let start = Date()
        var stepsThisRun = 0, tokensSeen = 0
        let progress = Progress(total: totalSteps, output: output)

        training: while state.epoch < settings.epochs && state.step < totalSteps {
            let (batches, dropped) = Batcher.bucketed(lengths: lengths, batchSize: settings.batchSize, bucketBatches: settings.bucketBatches,
                                                      seed: state.dataOrderSeed, epoch: state.epoch, dropIncomplete: settings.dropIncomplete)
            if dropped > 0 && state.batchInEpoch == 0 { output("epoch \(state.epoch + 1): dropped \(dropped) examples in incomplete batches") }
            while state.batchInEpoch < batches.count && state.step < totalSteps {
                let batch = Batcher.collate(train, indices: batches[state.batchInEpoch], padId: padId)
                parameters.zeroGradients()
                let loss = model.loss(Seq2SeqInputs(batch), context: context).loss
                guard loss.item.isFinite else { throw stop("the loss is \(loss.item) at step \(state.step + 1)", state) }
                loss.backward()
                let norm = settings.maxGradNorm > 0 ? parameters.clipGradientNorm(settings.maxGradNorm) : parameters.gradientNorm()
                guard norm.isFinite else { throw stop("the gradient norm is \(norm) at step \(state.step + 1)", state) }
                let lr = schedule.learningRate(at: state.step)
                optimizer.step(lr: lr)
                state.step += 1
                state.batchInEpoch += 1
                stepsThisRun += 1
                tokensSeen += batch.targetTokenCount + batch.attentionMask.reduce(0) { $0 + Int($1) }
                let rate = Double(tokensSeen) / Date().timeIntervalSince(start)
                try append(["step": state.step, "epoch": state.epoch + 1, "loss": Double(loss.item), "lr": lr,
                            "grad_norm": norm, "tokens_per_s": rate])
                progress.update(step: state.step, loss: Double(loss.item), lr: lr, tokensPerSecond: rate,
                                logEvery: settings.logEvery, elapsed: Date().timeIntervalSince(start), stepsThisRun: stepsThisRun)
                if settings.evalEvery > 0 && state.step % settings.evalEvery == 0 {
                    try validateAndKeepBest(&state, &summary)
                }
                if interruptRequested || stopAfterSteps.map({ stepsThisRun >= $0 }) == true {
                    state.rngState = context.rng.stateWords
                    state.optimizerStep = optimizer.stepCount
                    try save(last, state: state, withOptimizer: true)
                    output("\ninterrupted at step \(state.step): saved \(last.path); continue with --resume \(run.path)")
                    summary.interrupted = true
                    break training
                }
            }
            if state.batchInEpoch >= batches.count {
                state.epoch += 1
                state.batchInEpoch = 0
            }
            try validateAndKeepBest(&state, &summary)
            state.rngState = context.rng.stateWords
            state.optimizerStep = optimizer.stepCount
            try save(last, state: state, withOptimizer: true)
        }
        progress.finish()
        summary.steps = state.step
        summary.seconds = Date().timeIntervalSince(start)
        return summary
    }

    // MARK: - Validation and checkpoints

    /// Token-weighted mean cross-entropy over the validation examples.
    public func validate() throws -> Double {
        guard !valid.isEmpty else { throw DataError(file: run.path, "no validation examples") }
        let context = ForwardContext(training: false)
        var total = 0.0, tokens = 0
        for indices in Batcher.sequential(count: valid.count, batchSize: settings.evalBatchSize) {
            let batch = Batcher.collate(valid, indices: indices, padId: padId)
            let loss = withNoGrad { model.loss(Seq2SeqInputs(batch), context: context).loss.item }
            total += Double(loss) * Double(batch.targetTokenCount)
            tokens += batch.targetTokenCount
        }
        return total / Double(max(tokens, 1))
    }

    private func validateAndKeepBest(_ state: inout TrainingState, _ summary: inout Summary) throws {
        let loss = try validate()
        summary.finalValidationLoss = loss
        try append(["step": state.step, "valid_loss": loss, "valid_ppl": Foundation.exp(loss)])
        var note = ""
        if state.bestValidationLoss.map({ loss < $0 }) ?? true {
            state.bestValidationLoss = loss
            summary.bestValidationLoss = loss
            try save(best, state: state, withOptimizer: false)
            note = " (best so far: saved best.h5)"
        }
        output(String(format: "\nstep %d: validation loss %.4f (ppl %.2f)%@", state.step, loss, Foundation.exp(loss), note))
    }

    private func save(_ url: URL, state: TrainingState, withOptimizer: Bool) throws {
        try ModelCheckpoint.save(model, tokenizer: tokenizerJSON, to: url, training: state, optimizer: withOptimizer ? optimizer : nil)
    }

    private func restore() throws -> TrainingState {
        guard FileManager.default.fileExists(atPath: last.path) else {
            throw DataError(file: last.path, "nothing to resume: the run folder has no last.h5")
        }
        let contents = try CheckpointFile.read(from: last)
        guard let state = contents.training, let moments = contents.optimizerMoments else {
            throw DataError(file: last.path, "this checkpoint holds no training state or optimizer moments, so it cannot be resumed")
        }
        try model.load(contents.tensorsByName)
        try optimizer.restore(moments, stepCount: state.optimizerStep)
        return state
    }

    private func stop(_ what: String, _ state: TrainingState) -> DataError {
        DataError(file: run.path, "\(what): stopping; last.h5 still holds the last good state (step ≤ \(state.step)); lower the learning rate or check the data")
    }

    private func append(_ record: [String: Any]) throws {
        var line = try JSONSerialization.data(withJSONObject: record, options: [.sortedKeys])
        line.append(0x0A)
        if let handle = try? FileHandle(forWritingTo: log) {
            defer { try? handle.close() }
            try handle.seekToEnd()
            try handle.write(contentsOf: line)
        } else {
            try line.write(to: log)
        }
    }

    private func installSignalHandlers() {
        interruptRequested = false
        signal(SIGINT) { _ in interruptRequested = true }
        signal(SIGTERM) { _ in interruptRequested = true }
    }
}
