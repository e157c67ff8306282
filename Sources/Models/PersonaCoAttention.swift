// PAL's persona co-attention (PAL-SPEC §4, eq. 1-4), as the reference computes it: dialogue and
// persona encodings of one common length S attend to each other without 1/√d scaling and, in
// parity mode, without a padding mask; each side is added back and normalised, and the three
// states are mixed with softmax-normalised weights.
//   Z_D = softmax(H_D H_Pᵀ) H_P,  Ĥ_D = LN_D(H_D + Z_D)
//   Z_P = softmax(H_P H_Dᵀ) H_D,  Ĥ_P = LN_P(H_P + Z_P)
//   H = λ₀ H_D + λ₁ Ĥ_P + λ₂ Ĥ_D,  λ = softmax(w)
// The reference calls LN_D `context_norm`, LN_P `persona_norm` and w `persona_context_w`.
import NN
import TensorCore

public final class PersonaCoAttention: Module {
    public let dialogueLayerNorm: LayerNorm
    public let personaLayerNorm: LayerNorm
    /// w (3): initialised equal (1/3 each, as the reference), so λ starts uniform.
    public let mixWeights: Tensor
    /// Mask padding inside both softmaxes (an option; the reference does not).
    public let masked: Bool

    public init(width: Int, masked: Bool) {
        dialogueLayerNorm = LayerNorm(width)
        personaLayerNorm = LayerNorm(width)
        mixWeights = Tensor(shape: [3], repeating: 1.0 / 3, requiresGrad: true)
        self.masked = masked
    }

    public var ownParameters: [(name: String, tensor: Tensor)] { [("mix_weights", mixWeights)] }
    public var children: [(name: String, module: Module)] {
        [("dialogue_layer_norm", dialogueLayerNorm), ("persona_layer_norm", personaLayerNorm)]
    }

    /// dialogue, persona (B, S, C) → the decoder's memory (B, S, C).
    public func callAsFunction(dialogue hD: Tensor, persona hP: Tensor, dialogueMask: IndexTensor, personaMask: IndexTensor) -> Tensor {
        precondition(hD.shape == hP.shape, "co-attention needs dialogue and persona of one length: \(hD.shape) vs \(hP.shape)")
        let toPersona = masked ? MultiHeadAttention.paddingMask(personaMask).reshaped(hD.shape[0], 1, hD.shape[1]) : nil
        let toDialogue = masked ? MultiHeadAttention.paddingMask(dialogueMask).reshaped(hD.shape[0], 1, hD.shape[1]) : nil
        let zD = hD.matmul(hP, transposeOther: true).softmax(mask: toPersona).matmul(hP)     // (B, S, C)
        let zP = hP.matmul(hD, transposeOther: true).softmax(mask: toDialogue).matmul(hD)    // (B, S, C)
        let mixedD = dialogueLayerNorm(hD + zD)                                               // Ĥ_D
        let mixedP = personaLayerNorm(hP + zP)                                                // Ĥ_P
        let lambda = mixWeights.softmax()                                                     // (3)
        return hD * lambda.slice(axis: 0, 0..<1) + mixedP * lambda.slice(axis: 0, 1..<2) + mixedD * lambda.slice(axis: 0, 2..<3)
    }
}
