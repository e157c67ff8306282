// TrainingSettings: the optimisation part of a recipe (paper values in recipes/*-paper.yaml).
import Models

public struct TrainingSettings: Codable, Equatable {
    public var epochs = 10
    public var batchSize = 4
    public var evalBatchSize = 16
    public var lr = 2.5e-5
    public var warmupSteps = 100
    public var weightDecay = 0.0
    /// AdamW's ε (torch's default; the reference PAL's `transformers` AdamW uses 1e-6).
    public var adamEpsilon = 1e-8
    /// Parameters left undecayed: those whose HuggingFace name (the name `paltrain export` writes)
    /// contains one of these. The default leaves out biases and every layer norm, as HF's Trainer
    /// does; the reference PAL uses `[bias, ln, LayerNorm.weight]` (only biases, with these names),
    /// the reference extractor `[]`.
    public var noDecay = ["bias", "norm"]
    /// Global gradient-norm clipping (0 = off).
    public var maxGradNorm = 1.0
    public var seed: UInt64 = 13
    /// Validate every N steps as well as at each epoch's end (0 = epoch ends only).
    public var evalEvery = 0
    /// Validate once before the first step as well (the run's `initial_valid_loss`). The pass only
    /// reports: step 0 is never kept as `best.h5`, so a recipe may skip it to save the time.
    public var validateBeforeTraining = true
    /// Stop after N optimizer steps (0 = run every epoch); the schedule spans the steps actually run.
    public var maxSteps = 0
    /// Batches per length bucket (the reference's bucket sampler uses 100).
    public var bucketBatches = 100
    /// Drop each epoch's incomplete batches, as the reference does (counted and reported).
    public var dropIncomplete = false
    /// Plain progress lines every N steps when the output is not a terminal.
    public var logEvery = 50
    /// Weight of the strategy token's term in the training loss (1 = the paper's plain token mean;
    /// the loss is the weighted mean over target tokens). Validation loss stays the plain mean.
    public var strategyLossWeight = 1.0
    /// Label smoothing ε of the training loss (0 = the paper's); validation loss is unsmoothed.
    public var labelSmoothing = 0.0
    /// Weight of the encoder's masked-token objective (0 = off, the paper's): `encoder_mask_rate`
    /// of the dialogue input tokens are replaced by the unknown token in training and predicted
    /// from the encoder's output there. Keeps a from-scratch encoder from collapsing (docs/training.md).
    public var encoderDenoisingWeight = 0.0
    public var encoderMaskRate = 0.15
    /// Also write `last.h5` every N steps (0 = not by steps) and every M minutes (0 = not by time),
    /// so a killed run (out of memory, preemption, power loss) loses at most that much; epoch ends
    /// and Ctrl-C always save.
    public var saveEvery = 0
    public var saveEveryMinutes = 5.0

    enum CodingKeys: String, CodingKey {
        case epochs, batchSize = "batch_size", evalBatchSize = "eval_batch_size", lr, warmupSteps = "warmup_steps"
        case weightDecay = "weight_decay", adamEpsilon = "adam_epsilon", noDecay = "no_decay", maxGradNorm = "max_grad_norm", seed, evalEvery = "eval_every", maxSteps = "max_steps"
        case validateBeforeTraining = "validate_before_training"
        case bucketBatches = "bucket_batches", dropIncomplete = "drop_incomplete", logEvery = "log_every"
        case strategyLossWeight = "strategy_loss_weight", labelSmoothing = "label_smoothing"
        case encoderDenoisingWeight = "encoder_denoising_weight", encoderMaskRate = "encoder_mask_rate"
        case saveEvery = "save_every", saveEveryMinutes = "save_every_minutes"
    }

    /// The keys a resumed run may change (`--resume` with `--set`/`--max-steps`): none of them
    /// alters what the steps already taken computed.
    public static let resumableKeys: Set<String> = ["epochs", "max_steps", "eval_every", "validate_before_training", "log_every", "save_every",
                                                    "save_every_minutes"]

    /// Every out-of-range value, as `training.<key> <value> (must be …)`.
    public var problems: [String] {
        var check = RangeProblems()
        check.atLeast("training.epochs", epochs, 1)
        check.atLeast("training.batch_size", batchSize, 1)
        check.atLeast("training.eval_batch_size", evalBatchSize, 1)
        check.positive("training.lr", lr)
        check.atLeast("training.warmup_steps", warmupSteps, 0)
        check.nonNegative("training.weight_decay", weightDecay)
        check.positive("training.adam_epsilon", adamEpsilon)
        check.nonNegative("training.max_grad_norm", maxGradNorm)
        check.atLeast("training.eval_every", evalEvery, 0)
        check.atLeast("training.max_steps", maxSteps, 0)
        check.atLeast("training.bucket_batches", bucketBatches, 1)
        check.atLeast("training.log_every", logEvery, 1)
        check.nonNegative("training.strategy_loss_weight", strategyLossWeight)
        check.rate("training.label_smoothing", labelSmoothing)
        check.nonNegative("training.encoder_denoising_weight", encoderDenoisingWeight)
        check.rate("training.encoder_mask_rate", encoderMaskRate)
        check.require(encoderDenoisingWeight == 0 || encoderMaskRate > 0,
                      "training.encoder_mask_rate 0 with encoder_denoising_weight \(encoderDenoisingWeight) (the objective would mask nothing)")
        check.atLeast("training.save_every", saveEvery, 0)
        check.nonNegative("training.save_every_minutes", saveEveryMinutes)
        return check.lines
    }

    public init() {}

    /// The AdamW settings of this recipe.
    public var adamW: AdamWConfig { AdamWConfig(eps: adamEpsilon, weightDecay: weightDecay) }

    /// Whether the parameter named `name` (paltrain's name) is decayed under `noDecay`.
    public func decays(_ name: String) -> Bool {
        let huggingFace = HuggingFaceStateDict.huggingFaceName(name)
        return !noDecay.contains { huggingFace.contains($0) }
    }
}
