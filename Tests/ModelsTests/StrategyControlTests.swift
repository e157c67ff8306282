// Strategy-based controllable generation (PAL-SPEC §6, eq. 6) on the tiny PAL parity model:
// α = 0 reproduces plain PAL sampling exactly for the same seed (with and without the second
// branch running), a nonzero α mixes (1 + α)·logits(r|d,p) − α·logits(r|d) from the model read
// without persona, the strategy step is contrasted with the setting's own α (paper and reference:
// 0.075), and banned added tokens never appear in a response even when pushed hardest.
import Foundation
import Models
import NN
import TensorCore
import XCTest

final class StrategyControlTests: XCTestCase {
    /// Ids standing in for the 8 strategy tokens in the tiny model's vocabulary.
    private let strategies = (300..<308).map { Int32($0) }

    private func load() throws -> (Seq2SeqLM, Seq2SeqInputs) {
        var (model, inputs) = try ModelFixture.load("pal")
        let rows = inputs.inputIds.shape[0]
        inputs.decoderInputIds = IndexTensor(shape: [rows, 1], values: [Int32](repeating: Int32(model.config.decoderStartTokenId), count: rows))
        inputs.labels = nil
        return (model, inputs)
    }

    private func sample(_ source: NextTokenSource, _ model: Seq2SeqLM, rows: Int, seed: UInt64, prefix: DecoderPrefix) -> GenerationOutput {
        let config = GenerationConfig.palResponse(banned: strategies, seed: seed)
        return Generator.generate(source: source, batchSize: rows, config: ResolvedGenerationConfig(config, model: model.config),
                                  options: GenerationOptions(prefix: prefix))
    }

    func testZeroAlphaReproducesPlainSampling() throws {
        let (model, inputs) = try load()
        let rows = inputs.inputIds.shape[0]
        for seed: UInt64 in [1, 2, 3] {
            let plain = sample(Seq2SeqStepSource(model: model, inputs: inputs), model, rows: rows, seed: seed, prefix: .argmaxFirst(among: strategies))
            let zero = sample(StrategyControlledSource(model: model, inputs: inputs, strategyTokens: strategies, control: .none),
                              model, rows: rows, seed: seed, prefix: .argmaxFirst(among: strategies))
            XCTAssertEqual(zero.sequences, plain.sequences, "α = 0 everywhere: the plain model's samples (seed \(seed))")
            // The second branch runs (other strategies have α ≠ 0) but each row's own strategy has α = 0.
            let chosen = plain.sequences.map { $0[0] }
            var alphas = [Float](repeating: 0.75, count: 8)
            for id in chosen { alphas[strategies.firstIndex(of: id)!] = 0 }
            let responseOnly = StrategyControl(name: "test", responseAlphas: alphas, strategyStepAlpha: 0)
            let mixed = sample(StrategyControlledSource(model: model, inputs: inputs, strategyTokens: strategies, control: responseOnly),
                               model, rows: rows, seed: seed, prefix: .forcedFirst(chosen))
            XCTAssertEqual(mixed.sequences, plain.sequences, "rows whose strategy has α = 0 are unchanged by the mixing (seed \(seed))")
        }
    }

    func testNonzeroAlphaMixesTheTwoBranchesByEquation6() throws {
        let (model, inputs) = try load()
        let rows = inputs.inputIds.shape[0]
        let alpha: Float = 0.75
        let controlled = StrategyControlledSource(model: model, inputs: inputs, strategyTokens: strategies, control: StrategyControl(parsing: "0.75")!)
        let withPersona = Seq2SeqStepSource(model: model, inputs: inputs)
        let context = ForwardContext(training: false)
        let withoutPersona = Seq2SeqStepSource(model: model, memory: withNoGrad { model.model.encoder(inputs.inputIds, mask: inputs.attentionMask, context: context) },
                                               memoryMask: inputs.attentionMask)
        let start = IndexTensor(shape: [rows, 1], values: inputs.decoderInputIds.values)
        let first = withNoGrad { controlled.next(start) }
        XCTAssertEqual(first.data[0], withNoGrad { withPersona.next(start) }.data[0], "`0.75` leaves the strategy step alone: persona logits there")
        _ = withNoGrad { withoutPersona.next(start) }
        let step = IndexTensor(shape: [rows, 1], values: Array(strategies.prefix(rows)))
        let got = withNoGrad { controlled.next(step) }
        let p = withNoGrad { withPersona.next(step) }, q = withNoGrad { withoutPersona.next(step) }
        var worst: Float = 0, moved: Float = 0
        for i in 0..<got.count {
            worst = max(worst, abs(got.data[i] - ((1 + alpha) * p.data[i] - alpha * q.data[i])))
            moved = max(moved, abs(got.data[i] - p.data[i]))
        }
        XCTAssertLessThan(worst, 1e-5, "(1 + α)·logits(r|d,p) − α·logits(r|d)")
        XCTAssertGreaterThan(moved, 1e-3, "the persona-free branch differs, so control changes the logits")
    }

    func testStrategyStepIsContrastedWithItsOwnAlphaAndTheSettingsAreTheSpecs() throws {
        XCTAssertEqual(StrategyControl.paper.responseAlphas, [0, 0.75, 0, 0, 0.75, 0.75, 0.75, 0.375], "Table 2")
        XCTAssertEqual(StrategyControl.paper.strategyStepAlpha, 0.075)
        XCTAssertEqual(StrategyControl.reference.responseAlphas, Array(repeating: 0.5, count: 8), "the released strategy_alpha")
        XCTAssertEqual(StrategyControl.reference.strategyStepAlpha, 0.075)
        XCTAssertTrue(StrategyControl.none.isOff)
        XCTAssertEqual(StrategyControl(parsing: "0.5:0.075"), StrategyControl(name: "0.5:0.075", responseAlphas: Array(repeating: 0.5, count: 8), strategyStepAlpha: 0.075))
        for bad in ["", "paperish", "nan", "0.5:", "1:2:3", "inf", "0.1:nan"] { XCTAssertNil(StrategyControl(parsing: bad), bad) }

        let (model, inputs) = try load()
        let rows = inputs.inputIds.shape[0]
        let start = IndexTensor(shape: [rows, 1], values: inputs.decoderInputIds.values)
        let context = ForwardContext(training: false)
        let p = withNoGrad { Seq2SeqStepSource(model: model, inputs: inputs).next(start) }
        let q = withNoGrad {
            Seq2SeqStepSource(model: model, memory: model.model.encoder(inputs.inputIds, mask: inputs.attentionMask, context: context),
                              memoryMask: inputs.attentionMask).next(start)
        }
        for control in [StrategyControl.paper, .reference, StrategyControl(parsing: "0:0.3")!] {
            let got = withNoGrad { StrategyControlledSource(model: model, inputs: inputs, strategyTokens: strategies, control: control).next(start) }
            let a = control.strategyStepAlpha
            var worst: Float = 0
            for i in 0..<got.count { worst = max(worst, abs(got.data[i] - ((1 + a) * p.data[i] - a * q.data[i]))) }
            XCTAssertLessThan(worst, 1e-5, "\(control.name): the strategy step is (1 + \(a))·logits(r|d,p) − \(a)·logits(r|d)")
        }
    }

    func testBannedTokensNeverAppearInAResponse() throws {
        let (model, inputs) = try load()
        let v = model.config.vocabSize
        for seed: UInt64 in 0..<8 {
            let config = GenerationConfig.palResponse(banned: strategies, seed: seed)
            // Push every strategy token far above the rest at every step after the first.
            let out = Generator.generateWithDetails(model: model, inputs: inputs, config: config, options: GenerationOptions(
                prefix: .argmaxFirst(among: strategies),
                adjustLogits: { step, logits in
                    guard step.step > 0 else { return }
                    for r in 0..<step.batchRows.count { for id in self.strategies { logits.data[r * v + Int(id)] += 1000 } }
                }))
            for ids in out.sequences {
                XCTAssertTrue(strategies.contains(ids[0]), "the response opens with a strategy")
                XCTAssertFalse(ids.dropFirst().contains { strategies.contains($0) }, "no strategy token inside the response (seed \(seed)): \(ids)")
            }
        }
    }
}
