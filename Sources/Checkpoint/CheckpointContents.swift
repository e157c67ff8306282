// CheckpointContents: everything one checkpoint holds — named tensors in order, optional AdamW
// moments, the model config, tokenizer and input lengths (opaque JSON strings) and the optional
// training state.
import TensorCore

/// A tensor with its HuggingFace state-dict name, e.g. `model.encoder.layers.0.self_attn.q_proj.weight`.
public typealias NamedTensor = (name: String, tensor: Tensor)

/// The contents of a checkpoint file, in the order they were written.
public struct CheckpointContents {
    /// Model tensors in state-dict order; names are unique, non-empty and contain no `/`.
    public var tensors: [NamedTensor]
    /// The AdamW moments of the trained parameters, or `nil` for a weights-only checkpoint.
    public var optimizerMoments: OptimizerMoments?
    /// The model config as JSON (stored verbatim; the checkpoint does not interpret it).
    public var config: String
    /// JSON identifying the tokenizer (stored verbatim; the checkpoint does not interpret it).
    public var tokenizer: String
    /// Where training stood when the checkpoint was written, or `nil` for a weights-only checkpoint.
    public var training: TrainingState?
    /// JSON of the input and target lengths the model was trained with (stored verbatim), or `nil`
    /// when the writer did not say (an import, or a file older than the attribute).
    public var inputLengths: String?

    /// Creates checkpoint contents; moments, training state and input lengths are optional.
    public init(tensors: [NamedTensor], optimizerMoments: OptimizerMoments? = nil,
                config: String, tokenizer: String, training: TrainingState? = nil, inputLengths: String? = nil) {
        self.tensors = tensors
        self.optimizerMoments = optimizerMoments
        self.config = config
        self.tokenizer = tokenizer
        self.training = training
        self.inputLengths = inputLengths
    }

    /// The tensors keyed by name, for strict loading into a model.
    public var tensorsByName: [String: Tensor] {
        Dictionary(tensors.map { ($0.name, $0.tensor) }, uniquingKeysWith: { first, _ in first })
    }
}

/// AdamW's per-parameter moment estimates, named like the parameters they belong to.
///
/// The two lists name the same parameters in the same order; every name is also a tensor of the
/// checkpoint with the same shape. (Buffers that are not trained, such as `final_logits_bias`,
/// have no moments.)
public struct OptimizerMoments {
    /// First moments `m` (PyTorch's `exp_avg`), stored in `/optimizer/exp_avg`.
    public var expAvg: [NamedTensor]
    /// Second moments `v` (PyTorch's `exp_avg_sq`), stored in `/optimizer/exp_avg_sq`.
    public var expAvgSq: [NamedTensor]

    /// Creates moments from the two lists (same names, same order).
    public init(expAvg: [NamedTensor], expAvgSq: [NamedTensor]) {
        self.expAvg = expAvg
        self.expAvgSq = expAvgSq
    }
}
