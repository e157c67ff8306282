// The released PAL code's decoding semantics (Fixtures/pal_reference, from
// scripts/make_reference_fixtures.py): a tiny PAL saved under the reference's parameter names,
// imported as `paltrain import` does; the strategy predicted from the contrasted first step under
// `paper`, `reference`, `none` and a hard contrast, the contrasted strategy logits, and greedy replies
// id for id with PAL's response settings — α 0.5 as released, Table 2, none — including rows that
// never end, which stop at 50 response tokens after the strategy as the reference's do.
import Checkpoint
import Foundation
import Models
import NN
import TensorCore
import XCTest

final class ReferenceDecodingTests: XCTestCase {
    struct Fixture: Decodable {
        struct Batch: Decodable { var input_ids, attention_mask, persona_input_ids, persona_attention_mask: [[Int32]] }
        struct Case: Decodable {
            var control: String
            var eos_bias: Float
            var strategies: [Int]
            var strategy_logits: [Float]
            var sequences: [[Int32]]
        }
        var batch: Batch
        var strategy_token_ids: [Int32]
        var banned_token_ids: [Int32]
        var max_length: Int
        var min_length: Int
        var repetition_penalty: Float
        var cases: [Case]
    }

    func testStrategiesAndGreedyRepliesMatchTheReleasedDecoding() throws {
        let dir = ModelFixture.folder.appendingPathComponent("pal_reference")
        let fixture = try JSONDecoder().decode(Fixture.self, from: Data(contentsOf: dir.appendingPathComponent("expected.json")))
        let config = try Seq2SeqConfig.decode(json: Data(contentsOf: dir.appendingPathComponent("config.json")))
        let weights = try SafeTensorsFile.read(from: dir.appendingPathComponent("model.safetensors")).tensorsByName
        XCTAssertNotNil(weights["persona_norm.weight"], "saved under the reference's names")
        let adapted = try HuggingFaceStateDict.adapt(weights, for: config, vocabularySize: config.vocabSize)
        let model = Seq2SeqLM(config)
        try model.load(adapted.tensors)

        let b = fixture.batch
        let inputs = Seq2SeqInputs(inputIds: ModelFixture.matrix(b.input_ids), attentionMask: ModelFixture.matrix(b.attention_mask),
                                   personaIds: ModelFixture.matrix(b.persona_input_ids), personaMask: ModelFixture.matrix(b.persona_attention_mask),
                                   decoderInputIds: IndexTensor(shape: [b.input_ids.count, 1],
                                                                values: [Int32](repeating: Int32(config.decoderStartTokenId), count: b.input_ids.count)))
        let rows = b.input_ids.count, strategies = fixture.strategy_token_ids
        var pal = GenerationConfig.palResponse(banned: fixture.banned_token_ids)
        pal.doSample = false
        XCTAssertEqual(pal.maxLength, 2 + fixture.max_length, "the reference's max_length counts response tokens: + start + strategy")
        XCTAssertEqual(pal.minLength, fixture.min_length, "min_length is passed unchanged")
        XCTAssertEqual(pal.repetitionPenalty, fixture.repetition_penalty)
        let original = model.finalLogitsBias.data[config.eosTokenId]
        var flipped = 0

        for c in fixture.cases {
            let control = try XCTUnwrap(StrategyControl(parsing: c.control), c.control)
            model.finalLogitsBias.data[config.eosTokenId] = original + c.eos_bias
            defer { model.finalLogitsBias.data[config.eosTokenId] = original }
            // The strategy step: the contrasted logits over the 8 strategy tokens, and their argmax.
            let start = IndexTensor(shape: [rows, 1], values: inputs.decoderInputIds.values)
            let first = withNoGrad { StrategyControlledSource(model: model, inputs: inputs, strategyTokens: strategies, control: control).next(start) }
            var worst: Float = 0
            for r in 0..<rows {
                for (k, id) in strategies.enumerated() {
                    worst = max(worst, abs(first.data[r * config.vocabSize + Int(id)] - c.strategy_logits[r * 8 + k]))
                }
            }
            XCTAssertLessThan(worst, 1e-4, "\(c.control): contrasted strategy logits")
            // Decoding as eval and chat do: the argmax strategy, then the response under the row's α.
            let out = Generator.generate(source: StrategyControlledSource(model: model, inputs: inputs, strategyTokens: strategies, control: control),
                                         batchSize: rows, config: ResolvedGenerationConfig(pal, model: config),
                                         options: GenerationOptions(prefix: .argmaxFirst(among: strategies)))
            XCTAssertEqual(out.sequences.map { strategies.firstIndex(of: $0[0]) }, c.strategies.map { $0 }, "\(c.control): predicted strategies")
            for r in 0..<rows {
                XCTAssertEqual(out.sequences[r], c.sequences[r], "\(c.control), eos bias \(c.eos_bias), row \(r)")
            }
            if c.eos_bias < 0 {
                XCTAssertTrue(out.sequences.allSatisfy { $0.count == 1 + GenerationConfig.palResponseTokens }, "\(c.control): rows that never end hold 50 tokens after the strategy")
            }
            if c.control != "none" {
                let plain = fixture.cases.first { $0.control == "none" }!.strategies
                flipped += zip(plain, c.strategies).filter { $0 != $1 }.count
            }
        }
        XCTAssertGreaterThan(flipped, 0, "the fixture has rows whose strategy the contrast changes, so the contrast is tested")
    }
}
