// Strategy-based controllable generation (PAL-SPEC §6, eq. 6): at every step the logits are
// (1 + α)·logits(r | d, p) − α·logits(r | d), the second from the same model reading the dialogue
// alone (its own memory and KV cache). α follows each row's strategy, i.e. its first generated
// token; the first step itself, whose argmax over the strategy tokens is the predicted strategy,
// uses the control's strategy-step α (the released code's 0.075 under `paper` and `reference`).
import NN
import TensorCore

public final class StrategyControlledSource: NextTokenSource {
    private let withPersona: Seq2SeqStepSource
    private let withoutPersona: Seq2SeqStepSource?
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
        withPersona = Seq2SeqStepSource(model: model, memory: withNoGrad { model.encode(inputs, dialogue: dialogue, context: context) },
                                        memoryMask: inputs.attentionMask, context: context)
        withoutPersona = !control.isOff ? Seq2SeqStepSource(model: model, memory: dialogue, memoryMask: inputs.attentionMask, context: context) : nil
        self.strategyTokens = strategyTokens
        alphaByStrategy = control.responseAlphas
        alphas = Array(repeating: control.strategyStepAlpha, count: inputs.inputIds.shape[0])
    }

    public func next(_ ids: IndexTensor) -> Tensor {
        if steps == 1 {
            // The ids fed at the second step are the strategies each row chose (or was given).
            alphas = ids.values.map { id in strategyTokens.firstIndex(of: id).map { alphaByStrategy[$0] } ?? 0 }
        }
        steps += 1
        let persona = withPersona.next(ids)                                                 // (R, V)
        guard let withoutPersona else { return persona }
        let plain = withoutPersona.next(ids)                                                // (R, V)
        let v = persona.shape[1]
        let mixed = Tensor(uninitializedShape: persona.shape)
        for r in 0..<persona.shape[0] {
            let a = alphas[r], p = persona.data + r * v, q = plain.data + r * v, m = mixed.data + r * v
            for j in 0..<v { m[j] = (1 + a) * p[j] - a * q[j] }
        }
        return mixed
    }

    public func selectRows(_ rows: [Int]) {
        withPersona.selectRows(rows)
        withoutPersona?.selectRows(rows)
        alphas = rows.map { alphas[$0] }
    }
}
