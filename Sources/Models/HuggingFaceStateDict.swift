// Importing HuggingFace state dicts: HF stores tied weights under several names (or one of them),
// PAL's reference names its extra parameters differently, `final_logits_bias` may be absent, and
// added tokens need bigger embeddings. This maps a checkpoint's tensors onto a model's names,
// resizes what must grow, and says what it did; loading itself stays strict (`Module.load`).
import NN
import TensorCore

public enum HuggingFaceStateDict {
    /// Names HF uses for the one shared token embedding.
    public static let tiedEmbeddingNames = ["model.shared.weight", "model.encoder.embed_tokens.weight",
                                            "model.decoder.embed_tokens.weight", "lm_head.weight"]
    /// PAL reference checkpoint names → ours.
    public static let palReferenceNames = [
        "persona_norm.weight": "persona_coattention.persona_layer_norm.weight",
        "persona_norm.bias": "persona_coattention.persona_layer_norm.bias",
        "context_norm.weight": "persona_coattention.dialogue_layer_norm.weight",
        "context_norm.bias": "persona_coattention.dialogue_layer_norm.bias",
        "persona_context_w": "persona_coattention.mix_weights",
    ]
    /// The name the PAL reference (and `paltrain export`) gives the parameter paltrain calls `name`.
    public static func huggingFaceName(_ name: String) -> String {
        palNamesByOurs[name] ?? name
    }

    private static let palNamesByOurs = Dictionary(uniqueKeysWithValues: palReferenceNames.map { ($1, $0) })

    /// Tensors that carry no model state here, with why they are left out.
    public static let ignored = [
        "strategy_alpha": "PAL's per-strategy α is a decoding setting here (recipe / --alpha), not a weight",
        "model.encoder.embed_positions.position_ids": "an index buffer, recomputed",
        "model.decoder.embed_positions.position_ids": "an index buffer, recomputed",
    ]

    /// `tensors` renamed for `config`'s model, with the shared embedding and `final_logits_bias`
    /// resized to `vocabularySize` rows (new rows drawn from normal(0, init_std), new bias zero: HF's
    /// `resize_token_embeddings` without mean resizing, as in the transformers 4 PAL used).
    /// Returns the tensors to load and notes (one line each) of everything it changed or left out.
    public static func adapt(_ tensors: [String: Tensor], for config: Seq2SeqConfig, vocabularySize: Int,
                             seed: UInt64 = 0) throws -> (tensors: [String: Tensor], notes: [String]) {
        var out: [String: Tensor] = [:]
        var notes: [String] = []
        for (name, tensor) in tensors {
            if let why = ignored[name] { notes.append("left out \(name): \(why)"); continue }
            if tiedEmbeddingNames.contains(name) { continue }
            out[palReferenceNames[name] ?? name] = tensor
            if let ours = palReferenceNames[name] { notes.append("renamed \(name) → \(ours)") }
        }
        let present = tiedEmbeddingNames.filter { tensors[$0] != nil }
        guard let source = present.first.map({ tensors[$0]! }) else {
            throw LoadError(missing: ["model.shared.weight (or one of \(tiedEmbeddingNames.dropFirst().joined(separator: ", ")))"])
        }
        for name in present.dropFirst() where tensors[name]!.toArray() != source.toArray() {
            notes.append("\(name) differs from \(present[0]); the model ties them, so \(present[0]) is used")
        }
        out["model.shared.weight"] = source
        if out["final_logits_bias"] == nil {
            out["final_logits_bias"] = Tensor(zeros: [1, source.shape[0]])
            notes.append("final_logits_bias absent: zeros (as HF initialises it)")
        }
        let rows = source.shape[0]
        if vocabularySize > rows, source.rank == 2 {
            var rng = RandomGenerator(seed: seed)
            let extra = Tensor.randn([vocabularySize - rows, source.shape[1]], std: config.initStd, rng: &rng)
            out["model.shared.weight"] = withNoGrad { Tensor.concatenate([source, extra], axis: 0) }
            if let bias = out["final_logits_bias"], bias.rank == 2 {
                out["final_logits_bias"] = withNoGrad { Tensor.concatenate([bias, Tensor(zeros: [1, vocabularySize - rows])], axis: 1) }
            }
            notes.append("resized the token embeddings from \(rows) to \(vocabularySize) rows for the added tokens")
        } else if vocabularySize < rows {
            notes.append("the tokenizer has \(vocabularySize) tokens, the embeddings \(rows) rows: kept all rows")
        }
        return (out, notes)
    }
}
