// Trainer: one training run on one screen — epochs over seeded, length-bucketed batches; AdamW with
// linear warmup/decay and clipping; validation at each epoch's end (and every N steps); `best.h5`
// (lowest validation loss) beside `last.h5`, which is also written every N steps or minutes; a
// JSON-lines log; progress on a terminal or plain lines; NaN/∞ stops without touching the last good
// checkpoint; SIGINT/SIGTERM saves and exits; `resume` continues from `last.h5` (of this run only)
// to the weights an uninterrupted run would reach, dropping log lines the killed run wrote after it.
// Data-parallel under `mpirun -np N` (docs/distributed.md): each global batch is split by example
// across the ranks, every loss term is divided by the whole batch's normaliser, the gradients are
// summed, so N ranks take the step one process takes on the whole batch; validation is split and
// summed; rank 0 alone writes. Every decision (stop, save, best) is taken on summed numbers, so the
// ranks never disagree about when to communicate.
import Checkpoint
import DataParallel
import Evaluation
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
    /// The 8 strategy tokens' ids in `Strategy` order (empty for the extractor): validation measures
    /// strategy accuracy at the first decoder step, and `strategy_loss_weight` weighs these labels.
    public let strategyTokenIds: [Int32]
    /// What `encoder_denoising_weight` masks input tokens with (the tokenizer's unknown token).
    public let maskTokenId: Int32
    let tokenizerJSON: String
    /// The lengths the examples were cut to, recorded in every checkpoint (nil: not recorded).
    let inputLengths: EncodingLimits?
    /// A digest of the run's recipe, saved with the training state; a resume refuses a `last.h5`
    /// that carries another (nil: not checked).
    let runIdentity: String?
    let padId: Int32
    let parameters: ParameterBuffer
    public let optimizer: AdamW
    let lengths: [Int]
    /// The ranks this run trains on (one process without a launcher).
    public let world: Communicator
    /// Stops (as an interrupt does) after this many steps of this process; for tests and demos.
    public var stopAfterSteps: Int?
    /// Progress output (a terminal gets a live bar).
    public var output: (String) -> Void = { print($0) }
    /// The step `last.h5` holds when this process wrote or resumed it, and when it last wrote it.
    private var lastSavedStep: Int?
    private var lastSaveTime = Date()
    /// The step this process last validated at: an epoch that ends on an `eval_every` step is not validated twice.
    private var validatedStep: Int?

    public struct Summary {
        public var steps: Int
        public var initialValidationLoss: Double?
        public var finalValidationLoss: Double?
        public var bestValidationLoss: Double?
        /// Validation strategy accuracy (%) of the final and of the best checkpoint (nil without strategies).
        public var finalValidationAccuracy: Double?
        public var bestValidationAccuracy: Double?
        public var interrupted: Bool
        public var seconds: Double
        /// With several ranks: the largest |θ_r − θ_0| over ranks and weights at the end (0 when
        /// every rank holds rank 0's weights, as it must); nil for one process.
        public var rankDivergence: Double?
    }

    public init(model: Seq2SeqLM, train: [EncodedExample], valid: [EncodedExample], settings: TrainingSettings,
                run: URL, tokenizerJSON: String, inputLengths: EncodingLimits? = nil, strategyTokenIds: [Int32] = [], maskTokenId: Int32 = 3,
                runIdentity: String? = nil, world: Communicator = SingleProcess()) {
        self.model = model
        self.world = world
        self.strategyTokenIds = strategyTokenIds
        self.maskTokenId = maskTokenId
        self.train = train
        self.valid = valid
        self.settings = settings
        self.run = run
        self.tokenizerJSON = tokenizerJSON
        self.inputLengths = inputLengths
        self.runIdentity = runIdentity
        padId = Int32(model.config.padTokenId)
        parameters = ParameterBuffer(model.namedParameters())
        optimizer = AdamW(parameters, config: settings.adamW, decays: settings.decays)
        lengths = train.map(\.length)
    }

    var last: URL { run.appendingPathComponent("last.h5") }
    var best: URL { run.appendingPathComponent("best.h5") }
    var log: URL { run.appendingPathComponent("log.jsonl") }

    /// The training batches (example indices) of 0-based `epoch`, in order, and how many examples
    /// the epoch drops in incomplete batches.
    public func epochBatches(_ epoch: Int, seed: UInt64? = nil) -> (batches: [[Int]], dropped: Int) {
        Batcher.bucketed(lengths: lengths, batchSize: settings.batchSize, bucketBatches: settings.bucketBatches,
                         seed: seed ?? settings.seed, epoch: epoch, dropIncomplete: settings.dropIncomplete)
    }

    private var batchesPerEpoch: Int { epochBatches(0).batches.count }

    /// Optimizer steps of the whole run.
    public var totalSteps: Int {
        let all = settings.epochs * batchesPerEpoch
        return settings.maxSteps > 0 ? min(settings.maxSteps, all) : all
    }

    /// Trains from the start, or from `last.h5` when `resume` is set.
    public func fit(resume: Bool) throws -> Summary {
        guard !train.isEmpty else { throw DataError(file: run.path, "no training examples") }
        guard settings.batchSize >= world.size else {
            throw DataError(file: run.path, "training.batch_size \(settings.batchSize) is the global batch, split across the \(world.size) ranks: "
                            + "make it at least \(world.size), or start fewer ranks")
        }
        if world.isRoot {
            try FileManager.default.createDirectory(at: run, withIntermediateDirectories: true)
            let leftovers = CheckpointFile.removeStaleTemporaries(in: run)
            if !leftovers.isEmpty { say("removed \(leftovers.count) unfinished checkpoint file(s) a killed write left behind: \(leftovers.joined(separator: ", "))") }
        }
        let schedule = LinearWarmupSchedule(peak: settings.lr, warmupSteps: settings.warmupSteps, totalSteps: totalSteps)
        // Each rank draws its own dropout; one process keeps the stream it always had.
        let context = ForwardContext(training: true, seed: settings.seed &+ UInt64(world.rank) &* 0x9E37_79B9_7F4A_7C15)
        var state = TrainingState(step: 0, epoch: 0, batchInEpoch: 0, dataOrderSeed: settings.seed,
                                  rngState: context.rng.stateWords, optimizerStep: 0)
        state.runIdentity = runIdentity
        var summary = Summary(steps: 0, interrupted: false, seconds: 0)
        if resume {
            state = try restoreOnEveryRank()
            context.rng = world.size > 1 ? RandomGenerator(state: state.rankRandomStates![world.rank]) : state.randomGenerator
            lastSavedStep = state.step
            let dropped = world.isRoot ? try truncateLog(after: state.step) : 0
            say("resuming \(run.path) at step \(state.step) (epoch \(state.epoch + 1), batch \(state.batchInEpoch))"
                + (dropped > 0 ? "; dropped \(dropped) log line(s) written after that step by the run that stopped" : ""))
            if state.step >= totalSteps { say("the run already took its \(totalSteps) steps: raise --max-steps or --epochs to train on") }
        } else {
            if world.isRoot { try? FileManager.default.removeItem(at: log) }
            try world.broadcast(parameters.values.base, count: parameters.count)   // every rank starts from rank 0's weights
            if settings.validateBeforeTraining {
                let initial = try validate()
                guard initial.loss.isFinite else { throw stop("the validation loss before training is \(initial.loss)") }
                state.initialValidationLoss = initial.loss
                try append(initial.record(step: 0))
                say("validation before training: " + initial.description)
            }
        }
        summary.initialValidationLoss = state.initialValidationLoss
        summary.bestValidationLoss = state.bestValidationLoss
        summary.bestValidationAccuracy = state.bestValidationAccuracy
        lastSaveTime = Date()
        installSignalHandlers()
        let start = Date()
        var stepsThisRun = 0, tokensSeen = 0
        let progress = Progress(total: totalSteps, ranks: world.size, output: output, shown: world.isRoot)

        training: while state.epoch < settings.epochs && state.step < totalSteps {
            let (batches, dropped) = epochBatches(state.epoch, seed: state.dataOrderSeed)
            if dropped > 0 && state.batchInEpoch == 0 { say("epoch \(state.epoch + 1): dropped \(dropped) examples in incomplete batches") }
            while state.batchInEpoch < batches.count && state.step < totalSteps {
                let global = batches[state.batchInEpoch], share = self.share(of: global, step: state.step)
                parameters.zeroGradients()
                var loss: Tensor?
                if !share.indices.isEmpty {
                    var batch = Batcher.collate(train, indices: share.indices, padId: padId, paddedLike: global)
                    let denoising = maskInputs(&batch, step: state.step, skipping: share.inputTokensBefore)
                    loss = model.loss(Seq2SeqInputs(batch), context: context, labelWeights: labelWeights(batch),
                                      labelSmoothing: Float(settings.labelSmoothing), denoising: denoising, normalizers: share.normalizers).loss
                }
                // The whole batch's loss, and whether any rank was interrupted or is due to save.
                let stopping = interruptRequested || stopAfterSteps.map({ stepsThisRun + 1 >= $0 }) == true
                let agreed = try world.sum([Double(loss?.item ?? 0), stopping ? 1 : 0, periodicSaveIsDue(step: state.step + 1) ? 1 : 0])
                let lossValue = agreed[0]
                guard lossValue.isFinite else { throw stop("the loss is \(Float(lossValue)) at step \(state.step + 1)") }
                let norm: Double
                if world.size == 1, let loss {
                    norm = parameters.backwardWithGradientNorm(loss)
                } else {   // the norm of the ranks' summed gradients
                    loss?.backward()
                    try world.sum(parameters.gradients.base, count: parameters.count)
                    norm = parameters.gradientNorm()
                }
                guard norm.isFinite else { throw stop("the gradient norm is \(norm) at step \(state.step + 1)") }
                let lr = schedule.learningRate(at: state.step)
                optimizer.step(lr: lr, gradientScale: ParameterBuffer.clipCoefficient(norm: norm, maxNorm: settings.maxGradNorm))
                state.step += 1
                state.batchInEpoch += 1
                stepsThisRun += 1
                tokensSeen += global.reduce(0) { $0 + train[$1].labels.count + train[$1].inputIds.count }
                let rate = Double(tokensSeen) / Date().timeIntervalSince(start)
                try append(["step": state.step, "epoch": state.epoch + 1, "loss": lossValue, "lr": lr,
                            "grad_norm": norm, "tokens_per_s": rate])
                progress.update(step: state.step, loss: lossValue, lr: lr, tokensPerSecond: rate,
                                logEvery: settings.logEvery, elapsed: Date().timeIntervalSince(start), stepsThisRun: stepsThisRun)
                if settings.evalEvery > 0 && state.step % settings.evalEvery == 0 {
                    try validateAndKeepBest(&state, &summary)
                }
                if agreed[1] > 0 {
                    try saveLast(&state, context: context)
                    say("\ninterrupted at step \(state.step): saved \(last.path); continue with --resume \(run.path)")
                    summary.interrupted = true
                    break training
                }
                if agreed[2] > 0 { try saveLast(&state, context: context) }
            }
            if state.batchInEpoch >= batches.count {
                state.epoch += 1
                state.batchInEpoch = 0
            }
            try validateAndKeepBest(&state, &summary)
            try saveLast(&state, context: context)
        }
        progress.finish()
        summary.steps = state.step
        summary.seconds = Date().timeIntervalSince(start)
        if world.size > 1 {
            summary.rankDivergence = try rankDivergence()
            say("the \(world.size) ranks end with the same weights: the largest |θ_r − θ_0| is \(summary.rankDivergence!)")
        }
        return summary
    }

    /// What this rank trains on of one global batch.
    struct Share {
        /// This rank's examples: a contiguous slice of the global batch.
        var indices: [Int]
        /// Real input tokens of the global batch before the slice (the masking draws to skip).
        var inputTokensBefore: Int
        /// The whole batch's loss normalisers (nil in one process, where the batch is the whole).
        var normalizers: LossNormalizers?
    }

    /// Rank r of N takes examples [r·B/N, (r+1)·B/N) of the global batch of B; every loss term is
    /// divided by the whole batch's normaliser, computed here from the examples on every rank.
    func share(of global: [Int], step: Int) -> Share {
        guard world.size > 1 else { return Share(indices: global, inputTokensBefore: 0, normalizers: nil) }
        let lower = world.rank * global.count / world.size, upper = (world.rank + 1) * global.count / world.size
        let inputTokens = global.map { train[$0].inputIds.count }
        let totalLabelWeight = global.reduce(0.0) { total, i in
            train[i].labels.reduce(total) { $0 + ($1 == Batch.ignoreIndex ? 0 : Double(labelWeight($1))) }
        }
        var masked = 0
        if settings.encoderDenoisingWeight > 0 {
            var draws = maskDraws(step: step)
            for _ in 0..<inputTokens.reduce(0, +) where draws.nextFloat() < Float(settings.encoderMaskRate) { masked += 1 }
        }
        return Share(indices: Array(global[lower..<upper]), inputTokensBefore: inputTokens[..<lower].reduce(0, +),
                     normalizers: LossNormalizers(response: totalLabelWeight, denoising: Double(masked)))
    }

    // MARK: - Validation and checkpoints

    /// What one validation pass measured.
    public struct Validation {
        /// Token-weighted mean cross-entropy (plain: no label weights, no smoothing).
        public var loss: Double
        /// Strategy accuracy (%) at the first decoder step, teacher-forced argmax over the 8
        /// strategy tokens; nil when the examples carry no strategy.
        public var accuracy: Double?
        /// How many validation examples get each strategy (Strategy order) as the prediction: a
        /// model that ignores its input predicts one strategy for all.
        public var predictedStrategies: [Int]
        /// Standard deviation over the real tokens of the first validation batch of the memory the
        /// decoder reads, averaged over channels: near 0 when the encoder has collapsed to one
        /// vector for every token (then the decoder cannot read the input; docs/training.md).
        public var memorySpread: Double

        func record(step: Int) -> [String: Any] {
            var r: [String: Any] = ["step": step, "valid_loss": loss, "valid_ppl": Foundation.exp(loss), "memory_spread": memorySpread]
            if let accuracy {
                r["valid_acc"] = accuracy
                r["valid_predicted_strategies"] = predictedStrategies
            }
            return r
        }

        /// Memory spread below this is reported as a collapsed encoder.
        static let collapsedSpread = 0.05

        var description: String {
            String(format: "loss %.4f (ppl %.2f), memory spread %.3f%@", loss, Foundation.exp(loss), memorySpread,
                   memorySpread < Self.collapsedSpread ? " (collapsed: the decoder cannot read the input)" : "")
                + (accuracy.map { String(format: ", strategy ACC %.2f%% (%d strategies predicted)", $0, predictedStrategies.filter { $0 > 0 }.count) } ?? "")
        }
    }

    /// Validation loss and, for dialogue models, strategy accuracy.
    public func validate() throws -> Validation {
        guard !valid.isEmpty else { throw DataError(file: run.path, "no validation examples") }
        // Each rank scores a contiguous run of the batches one process scores (the same batches, so
        // the same padding); the sums make the whole split's numbers on every rank.
        let all = Batcher.sequential(count: valid.count, batchSize: settings.evalBatchSize)
        let mine = Array(all[world.rank * all.count / world.size..<(world.rank + 1) * all.count / world.size])
        let scores = TeacherForcing.score(model, valid, batchSize: settings.evalBatchSize, padId: padId, strategyTokenIds: strategyTokenIds, batches: mine)
        let spread = memorySpread(Batcher.collate(valid, indices: all[0], padId: padId), context: ForwardContext(training: false))
        // Strategy accuracy over the examples that have a gold strategy (all of PAL's, none of the extractor's).
        let scored = mine.flatMap { $0 }
        let judged = strategyTokenIds.isEmpty ? [] : scored.indices.filter { valid[scored[$0]].strategy != nil }
        let ranked = scores.rankedStrategies
        var predicted = [Int](repeating: 0, count: strategyTokenIds.count), correct = 0
        for i in judged {
            predicted[ranked[i][0]] += 1
            if ranked[i][0] == valid[scored[i]].strategy!.index { correct += 1 }
        }
        let totals = try world.sum([scores.nll, Double(scores.tokens), Double(correct), Double(judged.count)] + predicted.map(Double.init))
        let loss = totals[0] / max(totals[1], 1), judgedCount = totals[3]
        return Validation(loss: loss, accuracy: judgedCount == 0 ? nil : 100 * (totals[2] / judgedCount),
                          predictedStrategies: totals[4...].map { Int($0) }, memorySpread: spread)
    }

    /// For `encoder_denoising_weight`: replaces `encoder_mask_rate` of the batch's dialogue input
    /// tokens by the mask id and returns their positions and original ids; nil when off. The draw
    /// depends only on the seed and the step, so a resumed run masks what the uninterrupted one did;
    /// a rank holding part of the global batch first skips the draws of the `skipping` real tokens
    /// before its slice, so N ranks mask what one process masks.
    private func maskInputs(_ batch: inout Batch, step: Int, skipping: Int) -> EncoderDenoising? {
        guard settings.encoderDenoisingWeight > 0 else { return nil }
        var rng = maskDraws(step: step)
        for _ in 0..<skipping { _ = rng.nextFloat() }
        var positions: [Int32] = [], targets: [Int32] = []
        for i in batch.inputIds.indices where batch.attentionMask[i] != 0 && rng.nextFloat() < Float(settings.encoderMaskRate) {
            positions.append(Int32(i))
            targets.append(batch.inputIds[i])
            batch.inputIds[i] = maskTokenId
        }
        return EncoderDenoising(positions: positions, targets: targets, weight: Float(settings.encoderDenoisingWeight))
    }

    /// The masking draws of `step`, one per real input token of the global batch in order.
    private func maskDraws(step: Int) -> RandomGenerator { RandomGenerator(seed: settings.seed &+ 0x5DEE_CE66 &* UInt64(step + 1)) }

    /// See `Validation.memorySpread`.
    private func memorySpread(_ batch: Batch, context: ForwardContext) -> Double {
        let memory = withNoGrad { model.encode(Seq2SeqInputs(batch), context: context) }.toArray()
        let c = model.config.dModel
        let rows = batch.attentionMask.enumerated().filter { $0.element != 0 }.map(\.offset)
        guard rows.count > 1 else { return 0 }
        var total = 0.0
        for channel in 0..<c {
            let values = rows.map { Double(memory[$0 * c + channel]) }
            let mean = values.reduce(0, +) / Double(values.count)
            total += (values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(values.count - 1)).squareRoot()
        }
        return total / Double(c)
    }

    /// Per label of `batch` (B·T): `strategy_loss_weight` where the label is a strategy token, 1
    /// elsewhere; nil when no weighting is asked for.
    private func labelWeights(_ batch: Batch) -> [Float]? {
        guard settings.strategyLossWeight != 1, !strategyTokenIds.isEmpty else { return nil }
        return batch.labels.map(labelWeight)
    }

    /// The loss weight of one label: `strategy_loss_weight` for a strategy token, 1 otherwise.
    private func labelWeight(_ label: Int32) -> Float {
        strategyTokenIds.contains(label) ? Float(settings.strategyLossWeight) : 1
    }

    private func validateAndKeepBest(_ state: inout TrainingState, _ summary: inout Summary) throws {
        guard state.step != validatedStep else { return }
        validatedStep = state.step
        let result = try validate()
        guard result.loss.isFinite else { throw stop("the validation loss is \(result.loss) at step \(state.step)") }
        summary.finalValidationLoss = result.loss
        summary.finalValidationAccuracy = result.accuracy
        try append(result.record(step: state.step))
        var note = ""
        if state.bestValidationLoss.map({ result.loss < $0 }) ?? true {
            state.bestValidationLoss = result.loss
            state.bestValidationAccuracy = result.accuracy
            summary.bestValidationLoss = result.loss
            summary.bestValidationAccuracy = result.accuracy
            try save(best, state: state, withOptimizer: false)
            note = " (best so far: saved best.h5)"
        }
        say("\nstep \(state.step): validation " + result.description + note)
    }

    /// Rank 0 writes; the other ranks hold the same weights.
    private func save(_ url: URL, state: TrainingState, withOptimizer: Bool) throws {
        guard world.isRoot else { return }
        try ModelCheckpoint.save(model, tokenizer: tokenizerJSON, to: url, lengths: inputLengths, training: state, optimizer: withOptimizer ? optimizer : nil)
    }

    /// Writes `last.h5` with everything a resume needs (weights, moments, position, random state:
    /// with several ranks, every rank's, gathered to rank 0).
    private func saveLast(_ state: inout TrainingState, context: ForwardContext) throws {
        state.rngState = context.rng.stateWords
        if world.size > 1 {
            let words = context.rng.stateWords.flatMap { word in (0..<8).map { UInt8(truncatingIfNeeded: word >> (8 * $0)) } }
            state.rankRandomStates = try world.gather(words).map { bytes in
                (0..<bytes.count / 8).map { w in (0..<8).reduce(UInt64(0)) { $0 | UInt64(bytes[8 * w + $1]) << (8 * $1) } }
            }
            state.worldSize = world.size
        }
        state.optimizerStep = optimizer.stepCount
        try save(last, state: state, withOptimizer: true)
        lastSavedStep = state.step
        lastSaveTime = Date()
    }

    /// Whether `save_every` steps or `save_every_minutes` have passed since `last.h5` was written.
    private func periodicSaveIsDue(step: Int) -> Bool {
        (settings.saveEvery > 0 && step % settings.saveEvery == 0)
            || (settings.saveEveryMinutes > 0 && Date().timeIntervalSince(lastSaveTime) >= settings.saveEveryMinutes * 60)
    }

    /// Rewrites the log without the lines of steps after `step` (what a killed run wrote after its
    /// last save, which the resumed run writes again) and without a torn last line; returns how
    /// many lines it dropped.
    private func truncateLog(after step: Int) throws -> Int {
        guard let text = try? String(contentsOf: log, encoding: .utf8) else { return 0 }
        let lines = text.split(separator: "\n")
        let kept = lines.filter { line in
            guard let record = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                  let recordStep = record["step"] as? Int else { return false }
            return recordStep <= step
        }
        if kept.count < lines.count {
            try (kept.joined(separator: "\n") + (kept.isEmpty ? "" : "\n")).write(to: log, atomically: true, encoding: .utf8)
        }
        return lines.count - kept.count
    }

    private func restore() throws -> TrainingState {
        guard FileManager.default.fileExists(atPath: last.path) else {
            throw DataError(file: last.path, "nothing to resume: the run folder has no last.h5")
        }
        let contents = try CheckpointFile.read(from: last)
        guard let state = contents.training, let moments = contents.optimizerMoments else {
            throw DataError(file: last.path, "this checkpoint holds no training state or optimizer moments, so it cannot be resumed")
        }
        let savedRanks = state.worldSize ?? 1
        guard savedRanks == world.size, state.rankRandomStates?.count ?? 1 == savedRanks else {
            throw DataError(file: last.path, "was written by a run of \(savedRanks) rank(s), and this one has \(world.size): resume it "
                            + (savedRanks == 1 ? "without mpirun" : "with mpirun -np \(savedRanks)") + " (docs/distributed.md)")
        }
        if let runIdentity, let theirs = state.runIdentity, theirs != runIdentity {
            throw DataError(file: last.path, "belongs to another run: it was trained with another recipe than \(run.path)/config.yaml "
                            + "(beyond output and the keys a resume may change); resume the run it came from, or start afresh with another --output")
        }
        try model.load(contents.tensorsByName)
        try optimizer.restore(moments, stepCount: state.optimizerStep)
        return state
    }

    /// The largest |θ_r − θ_0| over the ranks r and every weight, on every rank.
    private func rankDivergence() throws -> Double {
        let reference = Storage(uninitializedCount: parameters.count)
        reference.base.update(from: parameters.values.base, count: parameters.count)
        try world.broadcast(reference.base, count: parameters.count)
        var largest: Double = 0
        for i in 0..<parameters.count { largest = max(largest, Double(abs(parameters.values.base[i] - reference.base[i]))) }
        return try world.gather(withUnsafeBytes(of: largest) { Array($0) }).map { $0.withUnsafeBytes { $0.load(as: Double.self) } }.max()!
    }

    /// `restore` on rank 0, whose training state, weights and optimizer moments every rank then takes.
    private func restoreOnEveryRank() throws -> TrainingState {
        guard world.size > 1 else { return try restore() }
        var restored: Result<TrainingState, Error> = .failure(CommunicationError("rank 0 stopped while reading last.h5; its message says why"))
        if world.isRoot { restored = Result { try restore() } }
        let text = try world.broadcast(world.isRoot ? Array(((try? restored.get().jsonString()).map { "1" + $0 } ?? "0").utf8) : [])
        guard text.first == UInt8(ascii: "1") else { return try restored.get() }   // rank 0 throws its error, the others say it stopped
        let state = try TrainingState.decode(jsonString: String(decoding: text.dropFirst(), as: UTF8.self))
        for buffer in [parameters.values, optimizer.exponentialAverage, optimizer.exponentialAverageSquared] {
            try world.broadcast(buffer.base, count: parameters.count)
        }
        optimizer.stepCount = state.optimizerStep
        return state
    }

    /// The error that stops a run whose numbers went non-finite, saying truly what is on disk.
    private func stop(_ what: String) -> DataError {
        let kept = lastSavedStep.map { "last.h5 holds the last good state (step \($0))" } ?? "no last.h5 was written before it"
        return DataError(file: run.path, "\(what): stopping; \(kept); lower the learning rate or check the data")
    }

    /// Rank 0's progress and messages (the other ranks say nothing).
    private func say(_ text: String) { if world.isRoot { output(text) } }

    private func append(_ record: [String: Any]) throws {
        guard world.isRoot else { return }
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
