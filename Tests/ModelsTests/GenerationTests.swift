// Decoding against HuggingFace `generate` (Fixtures/generation_<model>.json, written by
// scripts/make_generation_fixtures.py from the tiny parity models): greedy and beam-search ids for
// every recorded case, HF's processed sampling scores, and properties that need no reference:
// seeded sampling, batch independence, the KV cache against recomputation, and the PAL hooks.
import Checkpoint
import Foundation
import Models
import NN
import TensorCore
import TensorTesting
import XCTest

final class GenerationTests: XCTestCase {
    struct Fixture: Decodable {
        var model: String
        var cases: [Case]
        var sampling: [Sampling]
    }

    struct Case: Decodable {
        var name: String
        var eos_bias: Float
        var generation_config: GenerationConfig
        var prefix: [[Int32]]?
        var expected: [[Int32]]
    }

    struct Sampling: Decodable {
        var name: String
        var generation_config: GenerationConfig
        var prefix: [[Int32]]
        var sequences: [[Int32]]
        var scores: [[Scores]]
    }

    struct Scores: Decodable {
        var indices: [Int]
        var values: [Float]
    }

    static let fixtures = ModelFixture.folder
    static let models = ["blenderbot_small", "bart", "pal"]

    private static func matrix(_ rows: [[Int32]]) -> IndexTensor { ModelFixture.matrix(rows) }

    /// The fixture model imported as `paltrain import` does, its batch (decoding from each row's
    /// first decoder id), and its generation fixture.
    private func load(_ name: String) throws -> (Seq2SeqLM, Seq2SeqInputs, Fixture) {
        var (model, inputs) = try ModelFixture.load(name)
        let starts = (0..<inputs.inputIds.shape[0]).map { inputs.decoderInputIds.values[$0 * inputs.decoderInputIds.shape[1]] }
        inputs.decoderInputIds = IndexTensor(shape: [starts.count, 1], values: starts)
        inputs.labels = nil
        let fixture = try JSONDecoder().decode(Fixture.self, from: Data(contentsOf: Self.fixtures.appendingPathComponent("generation_\(name).json")))
        return (model, inputs, fixture)
    }

    /// Sets `final_logits_bias[eos]` to its loaded value plus `bias` (the fixture script does the same).
    private func setEosBias(_ model: Seq2SeqLM, original: Float, _ bias: Float) {
        model.finalLogitsBias.data[model.config.eosTokenId] = original + bias
    }

    /// Row `b` of `inputs` alone (same padded width).
    private func row(_ inputs: Seq2SeqInputs, _ b: Int) -> Seq2SeqInputs {
        func pick(_ t: IndexTensor) -> IndexTensor {
            let w = t.shape[1]
            return IndexTensor(shape: [1, w], values: Array(t.values[(b * w)..<((b + 1) * w)]))
        }
        return Seq2SeqInputs(inputIds: pick(inputs.inputIds), attentionMask: pick(inputs.attentionMask),
                             personaIds: inputs.personaIds.map(pick), personaMask: inputs.personaMask.map(pick),
                             decoderInputIds: pick(inputs.decoderInputIds))
    }

    // MARK: - Against HuggingFace

    func testGreedyAndBeamSearchMatchHuggingFace() throws {
        var matched = 0, total = 0
        for name in Self.models {
            let (model, inputs, fixture) = try load(name)
            let original = model.finalLogitsBias.data[model.config.eosTokenId]
            for c in fixture.cases {
                setEosBias(model, original: original, c.eos_bias)
                let out = Generator.generateWithDetails(model: model, inputs: inputs, config: c.generation_config,
                                                        options: GenerationOptions(prefix: c.prefix.map { .forced($0) } ?? .none))
                total += 1
                if out.sequences == c.expected { matched += 1 }
                XCTAssertEqual(out.sequences, c.expected, "\(name) \(c.name)")
            }
        }
        print("generation: \(matched)/\(total) greedy and beam-search cases id-for-id equal to HF generate")
    }

    func testHalfPrecisionWeightsKeepTheRepliesOfNearlyEveryFixture() throws {
        for format in HalfPrecisionFormat.allCases {
            var same = 0, total = 0
            for name in Self.models {
                let (model, inputs, fixture) = try load(name)
                let before = model.model.shared.weight.toArray()
                model.useHalfPrecisionWeights(format)
                XCTAssertNotEqual(model.model.shared.weight.toArray(), before, "\(name): the weights are rounded to \(format)")
                XCTAssertEqual(model.model.shared.weight.halfPrecision?.format, format)
                let original = model.finalLogitsBias.data[model.config.eosTokenId]
                for c in fixture.cases {
                    setEosBias(model, original: original, c.eos_bias)
                    let out = Generator.generateWithDetails(model: model, inputs: inputs, config: c.generation_config,
                                                            options: GenerationOptions(prefix: c.prefix.map { .forced($0) } ?? .none))
                    for (mine, expected) in zip(out.sequences, c.expected) {
                        total += 1
                        if mine == expected { same += 1 }
                    }
                }
            }
            let products = format == .bf16 && bf16ProductsAvailable ? ", encoder in bf16 products" : ""
            print("\(format) weights\(products): \(same)/\(total) greedy and beam-search replies id-for-id equal to fp32 HF generate")
            XCTAssertGreaterThanOrEqual(Double(same), 0.95 * Double(total), "\(format) weights keep at least 95% of the fixtures' replies")
        }
    }

    func testProcessedSamplingScoresMatchHuggingFace() throws {
        var worst: Float = 0, compared = 0
        for name in Self.models {
            let (model, inputs, fixture) = try load(name)
            for s in fixture.sampling {
                // Force HF's own draws so every step sees HF's ids; scores at forced steps are still recorded.
                let forced = s.sequences.map { Array($0.dropFirst()) }
                let out = Generator.generateWithDetails(model: model, inputs: inputs, config: s.generation_config,
                                                        options: GenerationOptions(prefix: .forced(forced), recordScores: true))
                XCTAssertEqual(out.sequences, forced)
                for (step, rows) in s.scores.enumerated() {
                    for (b, want) in rows.enumerated() {
                        let ours = out.scores![b][s.prefix[b].count + step]
                        let finite = ours.indices.filter { ours[$0].isFinite }
                        XCTAssertEqual(finite, want.indices, "\(name) \(s.name) step \(step) row \(b): tokens kept")
                        guard finite == want.indices else { continue }
                        for (j, value) in zip(want.indices, want.values) {
                            worst = max(worst, abs(ours[j] - value))
                            XCTAssertEqual(ours[j], value, accuracy: 1e-5, "\(name) \(s.name) step \(step) row \(b) token \(j)")
                        }
                        compared += 1
                    }
                }
            }
        }
        print("generation: \(compared) processed sampling score rows equal to HF (same kept tokens), max |Δ| \(worst)")
    }

    // MARK: - Properties

    func testSamplingRepeatsWithItsSeedAndDiffersWithAnother() throws {
        let (model, inputs, _) = try load("blenderbot_small")
        let banned = (300..<312).map { Int32($0) }
        var config = GenerationConfig.palResponse(banned: banned, seed: 7)
        config.maxLength = 12
        config.minLength = 4
        let options = GenerationOptions(prefix: .forcedFirst([300, 301, 302]), recordScores: true)
        let a = Generator.generateWithDetails(model: model, inputs: inputs, config: config, options: options)
        let b = Generator.generateWithDetails(model: model, inputs: inputs, config: config, options: options)
        XCTAssertEqual(a.sequences, b.sequences, "the same seed draws the same tokens")
        config.seed = 8
        let c = Generator.generateWithDetails(model: model, inputs: inputs, config: config, options: options)
        XCTAssertNotEqual(a.sequences, c.sequences, "another seed draws other tokens")
        for out in [a, c] {
            for (r, ids) in out.sequences.enumerated() {
                XCTAssertEqual(ids[0], [300, 301, 302][r], "the forced first token")
                XCTAssertGreaterThanOrEqual(ids.count, 3, "min length 4 counts the start token")
                for (step, id) in ids.enumerated().dropFirst() {
                    XCTAssertFalse(banned.contains(id), "banned \(id) after the first token")
                    let kept = out.scores![r][step].filter(\.isFinite).count
                    XCTAssertTrue(out.scores![r][step][Int(id)].isFinite, "drawn \(id) from outside the kept tokens")
                    XCTAssertLessThanOrEqual(kept, 10, "top-k 10")
                }
            }
        }
        print("sampling seed 7: \(a.sequences), seed 8: \(c.sequences)")
    }

    func testBatchedGenerationEqualsRowByRow() throws {
        var checked = 0
        for name in Self.models {
            let (model, inputs, fixture) = try load(name)
            let original = model.finalLogitsBias.data[model.config.eosTokenId]
            for c in fixture.cases where c.name.hasPrefix("eos_") || c.name.hasPrefix("greedy_constrained") || c.name.hasPrefix("beam4_lp0.65") {
                setEosBias(model, original: original, c.eos_bias)
                let batched = Generator.generateWithDetails(model: model, inputs: inputs, config: c.generation_config,
                                                            options: GenerationOptions(prefix: c.prefix.map { .forced($0) } ?? .none))
                for b in 0..<inputs.inputIds.shape[0] {
                    let single = Generator.generateWithDetails(model: model, inputs: row(inputs, b), config: c.generation_config,
                                                               options: GenerationOptions(prefix: c.prefix.map { .forced([$0[b]]) } ?? .none))
                    XCTAssertEqual(single.sequences[0], batched.sequences[b], "\(name) \(c.name) row \(b)")
                    if let s = single.sequenceScores, let t = batched.sequenceScores { XCTAssertEqual(s[0], t[b], accuracy: 1e-5) }
                    checked += 1
                }
            }
        }
        print("generation: \(checked) rows decoded alone equal their batched decoding")
    }

    func testCachedGenerationEqualsRecomputation() {
        for family in [ModelFamily.blenderbotSmall, .bart] {
            let model = Seq2SeqLM(ModelBehaviourTests.tinyConfig(family, pal: family == .blenderbotSmall), seed: 5)
            let (src, mask) = ModelBehaviourTests.ids([[5, 9, 13, 21, 7], [8, 30], [11, 12, 40]], pad: Int32(model.config.padTokenId))
            let inputs = Seq2SeqInputs(inputIds: src, attentionMask: mask, personaIds: model.config.personaCoAttention ? src : nil,
                                       personaMask: model.config.personaCoAttention ? mask : nil, decoderInputIds: src)
            let eos = model.config.eosTokenId
            let greedy = GenerationConfig(maxLength: 21, minLength: 21)      // 20 steps, end-of-sequence banned throughout
            let beam = GenerationConfig(maxLength: 21, numBeams: 3, lengthPenalty: 0.8)
            let sampling = GenerationConfig(maxLength: 21, doSample: true, topK: 20, temperature: 0.7, seed: 3)
            for (label, config) in [("greedy", greedy), ("beam", beam), ("sampling", sampling)] {
                let options = GenerationOptions(recordScores: config.numBeams == 1)
                let cached = Generator.generateWithDetails(model: model, inputs: inputs, config: config, options: options)
                let full = Generator.generateWithDetails(model: model, inputs: inputs, config: config, options: options, cached: false)
                XCTAssertEqual(cached.sequences, full.sequences, "\(family) \(label)")
                XCTAssertLessThan(difference(cached.firstStepLogits, full.firstStepLogits).maxAbsolute, 1e-5)
                var worst: Float = 0
                if let a = cached.scores, let b = full.scores {
                    for (x, y) in zip(a, b) {
                        for (p, q) in zip(x, y) {
                            for (u, w) in zip(p, q) where u.isFinite || w.isFinite { worst = max(worst, abs(u - w)) }
                        }
                    }
                }
                if let a = cached.sequenceScores, let b = full.sequenceScores {
                    for (u, w) in zip(a, b) { worst = max(worst, Float(abs(u - w))) }
                }
                XCTAssertLessThan(worst, 1e-4, "\(family) \(label): scores")
                if label == "greedy" { XCTAssertEqual(cached.sequences.map(\.count), [20, 20, 20], "eos \(eos) banned by min length") }
                print("\(family) \(label): 20 steps cached = recomputed, lengths \(cached.sequences.map(\.count)), max |Δ score| \(worst)")
            }
        }
    }

    /// A max length beyond the position table (16 in the fixture) stops where the table ends, and
    /// decoding repeats exactly (reading past the table would give garbage that differs run to run).
    func testDecodingStopsWhereThePositionTableEnds() throws {
        let (model, inputs, _) = try load("pal")
        let config = GenerationConfig(maxLength: 100, minLength: 100, doSample: true, topK: 10, seed: 4)
        let first = Generator.generate(model: model, inputs: inputs, config: config)
        XCTAssertEqual(first.map(\.count), Array(repeating: model.config.maxPositionEmbeddings, count: 3), "start token + 16 ids")
        for _ in 0..<5 { XCTAssertEqual(Generator.generate(model: model, inputs: inputs, config: config), first) }
    }

    // MARK: - PAL hooks

    func testAdjustLogitsSeesEachStepAndSteersIt() throws {
        let (model, inputs, _) = try load("pal")
        let config = GenerationConfig(maxLength: 8)
        var seen: [(Int, Int, Int)] = []
        let out = Generator.generateWithDetails(model: model, inputs: inputs, config: config, options: GenerationOptions(adjustLogits: { step, logits in
            seen.append((step.step, step.sequences.count, step.sequences[0].count))
            XCTAssertEqual(step.batchRows, Array(0..<3))
            XCTAssertEqual(logits.shape, [3, model.config.vocabSize])
            if step.step == 2 { for r in 0..<3 { logits.data[r * model.config.vocabSize + 77] += 1000 } }
        }))
        XCTAssertEqual(seen.map(\.0), Array(0..<7))
        XCTAssertEqual(seen.map(\.2), Array(1...7), "each step sees the ids so far, start token included")
        for ids in out.sequences { XCTAssertEqual(ids[2], 77) }
        // The simple API is the same decoding.
        XCTAssertEqual(Generator.generate(model: model, inputs: inputs, config: config,
                                          adjustLogits: { step, logits in if step.step == 2 { for r in 0..<3 { logits.data[r * model.config.vocabSize + 77] += 1000 } } }),
                       out.sequences)
    }

    func testArgmaxFirstAmongCandidatesEqualsForcingIt() throws {
        let (model, inputs, _) = try load("pal")
        let strategies = (300..<308).map { Int32($0) }
        for config in [GenerationConfig(maxLength: 10), GenerationConfig(maxLength: 10, numBeams: 3)] {
            let chosen = Generator.generateWithDetails(model: model, inputs: inputs, config: config,
                                                       options: GenerationOptions(prefix: .argmaxFirst(among: strategies)))
            let v = model.config.vocabSize
            let expected = (0..<3).map { r in strategies.max { chosen.firstStepLogits.data[r * v + Int($0)] < chosen.firstStepLogits.data[r * v + Int($1)] }! }
            XCTAssertEqual(chosen.sequences.map { $0[0] }, expected, "the argmax among the strategy tokens")
            let forced = Generator.generate(model: model, inputs: inputs, config: config, forcedFirstTokens: expected)
            XCTAssertEqual(chosen.sequences, forced)
            XCTAssertEqual(chosen.firstStepLogits.shape, [3, v])
        }
    }

    // MARK: - Config

    func testConfigReadsHuggingFaceKeysAndRoundTrips() throws {
        // The generation keys of facebook/blenderbot_small-90M's config.json.
        let json = #"{"model_type": "blenderbot-small", "length_penalty": 0.65, "max_length": 128, "min_length": 20,"#
            + #" "no_repeat_ngram_size": 3, "num_beams": 10, "eos_token_id": 2, "early_stopping": "never", "top_k": null}"#
        let config = try GenerationConfig.decode(json: Data(json.utf8))
        XCTAssertEqual(config.numBeams, 10)
        XCTAssertEqual(config.lengthPenalty, 0.65)
        XCTAssertEqual(config.minLength, 20)
        XCTAssertEqual(config.maxLength, 128)
        XCTAssertEqual(config.noRepeatNgramSize, 3)
        XCTAssertEqual(config.earlyStopping, .never)
        XCTAssertEqual(config.topK, 0, "null turns a processor off")
        XCTAssertEqual(config.topP, 1)
        XCTAssertEqual(config.eosTokenId, 2)
        XCTAssertNil(config.decoderStartTokenId, "the model's start token")
        let again = try JSONDecoder().decode(GenerationConfig.self, from: JSONEncoder().encode(config))
        XCTAssertEqual(again, config)
        var pal = GenerationConfig.palResponse(banned: [5, 6], seed: 13)
        XCTAssertEqual(pal.bannedTokenIds, [5, 6])
        pal.bannedTokenIds = [7]
        XCTAssertEqual(pal.badWordsIds, [[7]])
        XCTAssertThrowsError(try GenerationConfig.decode(json: Data(#"{"do_sample": true, "num_beams": 2, "temperature": 0}"#.utf8))) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains("beam sampling") && text.contains("temperature"), text)
        }
    }
}
