// Strategy-based controllable generation (PAL-SPEC §6, eq. 6): at every step the logits are
// (1 + α)·logits(r | d, p) − α·logits(r | d), the second from the same model reading the dialogue
// alone (its own memory and KV cache rows, decoded in the same batch as the first). α follows each row's strategy, i.e. its first generated
// token; the first step itself, whose argmax over the strategy tokens is the predicted strategy,
// uses the control's strategy-step α (the released code's 0.075 under `paper` and `reference`).
import NN
import TensorCore

public final class StrategyControlledSource: NextTokenSource {
    /// One decoder over both branches as one batch: rows 0..<R read the persona-augmented memory,
    /// rows R..<2R (when the control is on) the dialogue alone. Both branches read the same decoder
    /// weights, so one pass of 2R rows costs little more than one of R (decoding streams weights).
    private let decoder: Seq2SeqStepSource
    private let twoBranches: Bool
    private var rows: Int
    private let strategyTokens: [Int32]
    private let alphaByStrategy: [Float]
    private var alphas: [Float]
    private var steps = 0

    /// A PAL model over `inputs` (with persona). `strategyTokens[i]` is the id of strategy i and
    /// `control.responseAlphas[i]` its α. When the control is off the second branch is never run.
    public init(model: Seq2SeqLM, inputs: Seq2SeqInputs, strategyTokens: [Int32], control: StrategyControl = .paper,
                context: ForwardContext = ForwardContext(training: false)) {
        precondition(strategyTokens.count == control.responseAlphas.count, "one α per strategy token")
        // The dialogue is encoded once: it is the second branch's memory as it is.
        let dialogue = withNoGrad { model.model.encoder(inputs.inputIds, mask: inputs.attentionMask, context: context) }
        let withPersona = withNoGrad { model.encode(inputs, dialogue: dialogue, context: context) }
        rows = inputs.inputIds.shape[0]
        twoBranches = !control.isOff
        if twoBranches {
            let mask = inputs.attentionMask
            decoder = Seq2SeqStepSource(model: model, memory: Tensor.concatenate([withPersona, dialogue], axis: 0),
                                        memoryMask: IndexTensor(shape: [2 * rows, mask.shape[1]], values: mask.values + mask.values), context: context)
        } else {
            decoder = Seq2SeqStepSource(model: model, memory: withPersona, memoryMask: inputs.attentionMask, context: context)
        }
        self.strategyTokens = strategyTokens
        alphaByStrategy = control.responseAlphas
        alphas = Array(repeating: control.strategyStepAlpha, count: rows)
    }

    public func next(_ ids: IndexTensor) -> Tensor {
        if steps == 1 {
            // The ids fed at the second step are the strategies each row chose (or was given).
            alphas = ids.values.map { id in strategyTokens.firstIndex(of: id).map { alphaByStrategy[$0] } ?? 0 }
        }
        steps += 1
        guard twoBranches else { return decoder.next(ids) }
        let both = decoder.next(IndexTensor(shape: [2 * rows, 1], values: ids.values + ids.values))   // (2R, V)
        let v = both.shape[1]
        let mixed = Tensor(uninitializedShape: [rows, v])
        for r in 0..<rows {
            let a = alphas[r], p = both.data + r * v, q = both.data + (rows + r) * v, m = mixed.data + r * v
            for j in 0..<v { m[j] = (1 + a) * p[j] - a * q[j] }
        }
        return mixed
    }

    public func selectRows(_ rows: [Int]) {
        decoder.selectRows(twoBranches ? rows + rows.map { $0 + self.rows } : rows)
        alphas = rows.map { alphas[$0] }
        self.rows = rows.count
    }
}
