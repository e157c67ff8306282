// Adapting HuggingFace state dicts: tied-embedding aliases, PAL reference names, resizing for
// added tokens, and what is left out, each said in a note.
import Models
import TensorCore
import XCTest

final class HuggingFaceStateDictTests: XCTestCase {
    func testAliasesReferenceNamesAndResizing() throws {
        let config = ModelBehaviourTests.tinyConfig(.blenderbotSmall, pal: true)
        let source = Seq2SeqLM(config, seed: 2)
        var hf: [String: Tensor] = [:]
        for (name, t) in source.namedState() where name != "final_logits_bias" {
            switch name {
            case "model.shared.weight": hf["lm_head.weight"] = t   // only the output projection's copy
            case "persona_coattention.mix_weights": hf["persona_context_w"] = t
            case "persona_coattention.persona_layer_norm.weight": hf["persona_norm.weight"] = t
            case "persona_coattention.persona_layer_norm.bias": hf["persona_norm.bias"] = t
            case "persona_coattention.dialogue_layer_norm.weight": hf["context_norm.weight"] = t
            case "persona_coattention.dialogue_layer_norm.bias": hf["context_norm.bias"] = t
            default: hf[name] = t
            }
        }
        hf["strategy_alpha"] = Tensor(zeros: [8])
        let (tensors, notes) = try HuggingFaceStateDict.adapt(hf, for: config, vocabularySize: 53)
        var grown = config
        grown.vocabSize = 53
        let target = Seq2SeqLM(grown)
        try target.load(tensors)
        XCTAssertEqual(Array(target.model.shared.weight.toArray().prefix(50 * 16)), source.model.shared.weight.toArray(),
                       "the old rows are kept")
        XCTAssertEqual(target.finalLogitsBias.shape, [1, 53])
        XCTAssertEqual(target.personaCoAttention!.mixWeights.toArray(), source.personaCoAttention!.mixWeights.toArray())
        for expected in ["left out strategy_alpha", "renamed persona_context_w → persona_coattention.mix_weights",
                         "final_logits_bias absent: zeros", "resized the token embeddings from 50 to 53 rows"] {
            XCTAssertTrue(notes.contains { $0.hasPrefix(expected) }, "note \(expected) in \(notes)")
        }
        XCTAssertThrowsError(try HuggingFaceStateDict.adapt(["model.encoder.layers.0.fc1.bias": Tensor(zeros: [2])], for: config,
                                                            vocabularySize: 50)) { error in
            XCTAssertTrue("\(error)".contains("missing tensors: model.shared.weight (or one of"), "\(error)")
        }
    }
}
