// Model behaviour that needs no reference numbers: HF names, the KV cache against full
// recomputation, dropout in training mode only, keys trimmed to the attended columns, and gradient
// checks of PAL's co-attention.
import Models
import NN
import TensorCore
import TensorTesting
import XCTest

final class ModelBehaviourTests: XCTestCase {
    static func tinyConfig(_ family: ModelFamily, pal: Bool = false, masked: Bool = false, dropout: Float = 0) -> Seq2SeqConfig {
        Seq2SeqConfig(family: family, vocabSize: 50, dModel: 16, encoderLayers: 2, decoderLayers: 2, heads: 4, ffnDim: 32,
                      maxPositionEmbeddings: 40, dropout: dropout, scaleEmbedding: family == .blenderbotSmall,
                      padTokenId: family == .bart ? 1 : 0, bosTokenId: family == .bart ? 0 : 1, eosTokenId: 2,
                      decoderStartTokenId: family == .bart ? 2 : 1, initStd: 0.3, personaCoAttention: pal, maskedCoAttention: masked)
    }

    static func ids(_ rows: [[Int32]], pad: Int32) -> (IndexTensor, IndexTensor) {
        let width = rows.map(\.count).max()!
        return (IndexTensor(shape: [rows.count, width], values: rows.flatMap { $0 + Array(repeating: pad, count: width - $0.count) }),
                IndexTensor(shape: [rows.count, width], values: rows.flatMap { Array(repeating: 1, count: $0.count) + Array(repeating: 0, count: width - $0.count) }))
    }

    func testStateDictNamesAreHuggingFaces() {
        let names = Seq2SeqLM(Self.tinyConfig(.blenderbotSmall, pal: true)).namedState().map(\.name)
        for expected in ["model.shared.weight", "model.encoder.embed_positions.weight", "model.encoder.layernorm_embedding.weight",
                         "model.encoder.layers.1.self_attn.q_proj.bias", "model.decoder.layers.0.encoder_attn.k_proj.weight",
                         "model.decoder.layers.1.encoder_attn_layer_norm.bias", "model.decoder.layernorm_embedding.bias",
                         "persona_coattention.mix_weights", "persona_coattention.dialogue_layer_norm.weight",
                         "persona_coattention.persona_layer_norm.bias", "final_logits_bias"] {
            XCTAssertTrue(names.contains(expected), "missing \(expected)")
        }
        XCTAssertFalse(names.contains("lm_head.weight"), "the output projection is tied to model.shared")
        XCTAssertEqual(Set(names).count, names.count)
        let bart = Seq2SeqLM(Self.tinyConfig(.bart))
        XCTAssertEqual(bart.model.encoder.positions.weight.shape, [42, 16], "BART's position table has 2 extra rows")
    }

    /// The encoder scores keys only up to the last column some row attends to (a persona padded to
    /// the common length). Trimming changes nothing: two padded rows give the same hidden states at
    /// every position, padding included, and the same gradients as in a batch with a full-length row,
    /// which is not trimmed.
    func testTrimmedKeysGiveWhatAllKeysGive() {
        let model = Seq2SeqLM(Self.tinyConfig(.blenderbotSmall, dropout: 0), seed: 5)
        let width = 10, pad = Int32(model.config.padTokenId)
        let rows: [[Int32]] = [[5, 9, 13, 21], [8, 30, 11, 4, 17, 6, 22], Array(20..<30)]
        let weights = Tensor(shape: [2, width, 16], values: (0..<(2 * width * 16)).map { Float(($0 * 37) % 11) / 11 - 0.5 })
        /// Hidden states of the first two rows and every parameter's gradient of Σ weights ⊙ hidden.
        func encode(_ count: Int) -> (hidden: [Float], gradients: [[Float]]) {
            let batch = Array(rows.prefix(count))
            let ids = IndexTensor(shape: [count, width], values: batch.flatMap { $0 + Array(repeating: pad, count: width - $0.count) })
            let mask = IndexTensor(shape: [count, width], values: batch.flatMap { Array(repeating: 1, count: $0.count) + Array(repeating: 0, count: width - $0.count) })
            for p in model.parameters() { p.zeroGrad() }
            let hidden = model.model.encoder(ids, mask: mask, context: ForwardContext(training: true)).slice(axis: 0, 0..<2)
            (hidden * weights).sum().backward()
            return (hidden.toArray(), model.model.encoder.parameters().map { $0.grad?.toArray() ?? [] })
        }
        let trimmed = encode(2), full = encode(3)
        XCTAssertLessThan(difference(trimmed.hidden, full.hidden).maxAbsolute, 1e-5)
        XCTAssertFalse(trimmed.gradients.allSatisfy(\.isEmpty))
        for (a, b) in zip(trimmed.gradients, full.gradients) { XCTAssertLessThan(difference(a, b).maxAbsolute, 1e-5) }
    }

    func testCachedDecodingEqualsFullRecomputation() {
        for family in [ModelFamily.blenderbotSmall, .bart] {
            let model = Seq2SeqLM(Self.tinyConfig(family, pal: family == .blenderbotSmall), seed: 4)
            let (src, mask) = Self.ids([[5, 9, 13, 21, 7], [8, 30]], pad: Int32(model.config.padTokenId))
            let inputs = Seq2SeqInputs(inputIds: src, attentionMask: mask, personaIds: family == .blenderbotSmall ? src : nil,
                                       personaMask: family == .blenderbotSmall ? mask : nil, decoderInputIds: src)
            let eval = ForwardContext(training: false)
            var tokens: [[Int32]] = [[Int32(model.config.decoderStartTokenId)], [Int32(model.config.decoderStartTokenId)]]
            var worst: Float = 0
            withNoGrad {
                let memory = model.encode(inputs, context: eval)
                let decoder = IncrementalDecoder(model: model, memory: memory, memoryMask: mask)
                for step in 0..<20 {
                    let last = IndexTensor(shape: [2, 1], values: tokens.map { $0.last! })
                    let cached = decoder.step(last, context: eval)                                       // (2, 1, V)
                    let full = model.logits(model.model.decoder(IndexTensor(shape: [2, step + 1], values: tokens.flatMap { $0 }),
                                                                memory: memory, memoryMask: mask, context: eval))  // (2, t, V)
                    let lastFull = full.slice(axis: 1, step..<(step + 1))
                    worst = max(worst, difference(cached, lastFull).maxAbsolute)
                    let next = (0..<2).map { b in Int32((0..<50).max { cached.data[b * 50 + $0] < cached.data[b * 50 + $1] }!) }
                    for b in 0..<2 { tokens[b].append(next[b]) }
                }
            }
            XCTAssertLessThan(worst, 1e-4, "\(family): cached step vs full recomputation")
            print("\(family): 20 cached steps, max |Δ logits| vs full recomputation \(worst)")
        }
    }

    func testDropoutIsActiveOnlyInTraining() {
        let model = Seq2SeqLM(Self.tinyConfig(.blenderbotSmall, dropout: 0.3), seed: 1)
        let (src, mask) = Self.ids([[5, 9, 13, 21]], pad: 0)
        let inputs = Seq2SeqInputs(inputIds: src, attentionMask: mask, decoderInputIds: src)
        let a = withNoGrad { model(inputs, context: ForwardContext(training: false)) }
        let b = withNoGrad { model(inputs, context: ForwardContext(training: false, seed: 9)) }
        XCTAssertEqual(a.toArray(), b.toArray(), "eval mode is deterministic whatever the seed")
        let c = withNoGrad { model(inputs, context: ForwardContext(training: true, seed: 1)) }
        let d = withNoGrad { model(inputs, context: ForwardContext(training: true, seed: 2)) }
        XCTAssertNotEqual(c.toArray(), a.toArray(), "training mode drops units")
        XCTAssertNotEqual(c.toArray(), d.toArray(), "with the seed's own mask")
    }

    func testCoAttentionGradients() {
        var rng = RandomGenerator(seed: 3)
        let (_, dialogueMask) = Self.ids([[1, 1, 1], [1, 1]], pad: 0)
        let (_, personaMask) = Self.ids([[1, 1], [1, 1, 1]], pad: 0)
        for masked in [false, true] {
            let co = PersonaCoAttention(width: 4, masked: masked)
            co.mixWeights.assign(Tensor(shape: [3], values: [0.1, 0.7, -0.4]))
            co.dialogueLayerNorm.weight.assign(Tensor.uniform([4], low: 0.5, high: 1.5, rng: &rng))
            let hD = Tensor.uniform([2, 3, 4], low: -1, high: 1, rng: &rng, requiresGrad: true)
            let hP = Tensor.uniform([2, 3, 4], low: -1, high: 1, rng: &rng, requiresGrad: true)
            let inputs = [hD, hP] + co.parameters()
            let r = gradientCheck(inputs) { _ in co(dialogue: hD, persona: hP, dialogueMask: dialogueMask, personaMask: personaMask) }
            XCTAssertLessThan(r.maxError, 1e-2, "masked \(masked): \(r)")
        }
    }
}
