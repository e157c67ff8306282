// TrainingState: where a run stood when its checkpoint was written, enough to resume it exactly
// (same data order, same random draws). Stored as JSON in the root attribute `training_state`.
import Foundation
import TensorCore

/// The position of a training run, saved so that a resumed run continues exactly where it stopped.
public struct TrainingState: Codable, Equatable {
    /// Optimizer updates taken by the trainer so far (global step).
    public var step: Int
    /// The current epoch, counting from 0.
    public var epoch: Int
    /// Batches of the current epoch already consumed, i.e. the position in the epoch's data order.
    public var batchInEpoch: Int
    /// Seed from which each epoch's data order is derived.
    public var dataOrderSeed: UInt64
    /// The four state words of the training `RandomGenerator` (dropout and sampling draws).
    public var rngState: [UInt64]
    /// The best validation loss seen so far, or `nil` before the first validation.
    public var bestValidationLoss: Double?
    /// AdamW's step count `t`, used for bias correction (may differ from `step` after a reset).
    public var optimizerStep: Int
    /// The validation loss before the first step, and the strategy accuracy of the best checkpoint
    /// (nil when not measured), so a resumed run reports them as an uninterrupted one does.
    public var initialValidationLoss: Double?
    public var bestValidationAccuracy: Double?
    /// What identifies the run's training (a digest of its recipe), so a resume refuses another
    /// run's checkpoint; nil when the writer did not say.
    public var runIdentity: String?
    /// For a data-parallel run (docs/distributed.md): how many ranks trained, and each rank's
    /// random state in rank order; nil for one process. A resume needs the same number of ranks.
    public var worldSize: Int?
    public var rankRandomStates: [[UInt64]]?

    /// Creates a training state; `rngState` must hold four words.
    public init(step: Int, epoch: Int, batchInEpoch: Int, dataOrderSeed: UInt64, rngState: [UInt64],
                bestValidationLoss: Double? = nil, optimizerStep: Int) {
        self.step = step
        self.epoch = epoch
        self.batchInEpoch = batchInEpoch
        self.dataOrderSeed = dataOrderSeed
        self.rngState = rngState
        self.bestValidationLoss = bestValidationLoss
        self.optimizerStep = optimizerStep
    }

    /// The generator that continues the saved random stream.
    public var randomGenerator: RandomGenerator { RandomGenerator(state: rngState) }

    // Snake-case keys, so the JSON reads like the rest of the (HuggingFace-style) file.
    enum CodingKeys: String, CodingKey {
        case step, epoch
        case batchInEpoch = "batch_in_epoch"
        case dataOrderSeed = "data_order_seed"
        case rngState = "rng_state"
        case bestValidationLoss = "best_validation_loss"
        case optimizerStep = "optimizer_step"
        case initialValidationLoss = "initial_validation_loss", bestValidationAccuracy = "best_validation_accuracy"
        case runIdentity = "run_identity"
        case worldSize = "world_size", rankRandomStates = "rank_rng_states"
    }
}

// MARK: - JSON

extension TrainingState {
    /// Non-finite losses are spelled as strings, since JSON has no infinity or NaN.
    private static let nonFinite = (positive: "Infinity", negative: "-Infinity", nan: "NaN")

    /// The JSON text stored in the `training_state` attribute (keys sorted, so files diff cleanly).
    public func jsonString() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: Self.nonFinite.positive, negativeInfinity: Self.nonFinite.negative, nan: Self.nonFinite.nan)
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }

    /// Decodes the `training_state` attribute's JSON text.
    public static func decode(jsonString: String) throws -> TrainingState {
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(
            positiveInfinity: nonFinite.positive, negativeInfinity: nonFinite.negative, nan: nonFinite.nan)
        return try decoder.decode(TrainingState.self, from: Data(jsonString.utf8))
    }
}
