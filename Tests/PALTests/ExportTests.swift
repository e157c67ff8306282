// `paltrain export` against transformers (Fixtures/export, from scripts/make_export_fixtures.py): a
// tiny PAL trained by paltrain and exported, which the released PAL model class and plain
// BlenderbotSmall both loaded. Importing the folder gives HF's logits within 1e-4; exporting it
// again writes the same tensors bit for bit, and importing that gives back the same model and the
// input lengths it was trained with; a non-finite weight is refused by name.
import Checkpoint
import Foundation
import Models
import NN
import PAL
import TensorCore
import TextData
import XCTest

final class ExportTests: XCTestCase {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/export")

    struct Expected: Decodable {
        struct Batch: Decodable { var input_ids, attention_mask, persona_input_ids, persona_attention_mask, decoder_input_ids: [[Int32]] }
        var batch: Batch
        var strategy_alpha: [Float]
    }

    private func importFolder(_ folder: URL) throws -> (Seq2SeqLM, Tokenizer) {
        let result = try HuggingFaceImport.load(folder, addedTokens: PALTokens.added, personaCoAttention: true, inputFormat: nil)
        let tokenizer = try TokenizerLoader.load(folder.path, data: folder, addedTokens: PALTokens.added)
        return (result.model, tokenizer)
    }

    private func state(_ model: Seq2SeqLM) -> [String: [Float]] {
        Dictionary(uniqueKeysWithValues: model.namedState().map { ($0.name, $0.tensor.toArray()) })
    }

    func testExportedFolderGivesTransformersLogitsAndRoundTripsBitForBit() throws {
        let expected = try JSONDecoder().decode(Expected.self, from: Data(contentsOf: Self.folder.appendingPathComponent("expected.json")))
        let (model, tokenizer) = try importFolder(Self.folder)
        XCTAssertEqual(model.config.inputFormat, .pal, "the export records the input format")

        // The released class's logits on the fixture inputs (the strategy step and every later one).
        let b = expected.batch
        let labels = b.decoder_input_ids.map { Array($0.dropFirst()) + [Int32(model.config.eosTokenId)] }
        let inputs = Seq2SeqInputs(inputIds: ModelFixtureIds.matrix(b.input_ids), attentionMask: ModelFixtureIds.matrix(b.attention_mask),
                                   personaIds: ModelFixtureIds.matrix(b.persona_input_ids), personaMask: ModelFixtureIds.matrix(b.persona_attention_mask),
                                   decoderInputIds: ModelFixtureIds.matrix(b.decoder_input_ids),
                                   labels: IndexTensor(shape: [labels.count * labels[0].count], values: labels.flatMap { $0 }))
        let logits = withNoGrad { model.loss(inputs, context: ForwardContext(training: false)).logits }
        let hf = try XCTUnwrap(SafeTensorsFile.read(from: Self.folder.appendingPathComponent("hf_logits.safetensors")).tensorsByName["logits"])
        XCTAssertEqual(logits.count, hf.count)
        let worst = zip(logits.toArray(), hf.toArray()).map { abs($0 - $1) }.max() ?? .infinity
        XCTAssertLessThan(worst, 1e-4, "paltrain's logits of the imported export against the released class's")
        print("export: logits max |Δ| against transformers \(worst) over \(hf.count) values")

        // Export again: the same tensors, bit for bit, and the same model on import.
        let again = FileManager.default.temporaryDirectory.appendingPathComponent("paltrain-export-\(getpid())")
        defer { try? FileManager.default.removeItem(at: again) }
        let lengths = EncodingLimits(maxInputLength: 24, maxDecoderLength: 10, maxPersonaLength: 24)
        let files = try HuggingFaceExport.write(model, tokenizer: tokenizer, tokenizerFolder: Self.folder, responseAlphas: StrategyControl.paper.responseAlphas,
                                                lengths: lengths, to: again)
        XCTAssertTrue(files.contains(HuggingFaceExport.lengthsFile), "\(files)")
        let committed = try SafeTensorsFile.read(from: Self.folder.appendingPathComponent("model.safetensors")).tensorsByName
        let written = try SafeTensorsFile.read(from: again.appendingPathComponent("model.safetensors")).tensorsByName
        XCTAssertEqual(Set(written.keys), Set(committed.keys))
        for (name, tensor) in committed {
            XCTAssertEqual(written[name]?.shape, tensor.shape, name)
            XCTAssertEqual(written[name]?.toArray().map(\.bitPattern), tensor.toArray().map(\.bitPattern), name)
        }
        XCTAssertEqual(written["strategy_alpha"]?.toArray(), expected.strategy_alpha, "Table 2's α as strategy_alpha (--alpha paper)")
        XCTAssertNotNil(written["persona_norm.weight"], "the released code's names")
        let (reimported, _) = try importFolder(again)
        XCTAssertEqual(state(reimported).mapValues { $0.map(\.bitPattern) }, state(model).mapValues { $0.map(\.bitPattern) })
        // The lengths it was trained with come back; a folder without them (the fixture) has none; an edited file is a clear error.
        func importedLengths(_ folder: URL) throws -> EncodingLimits? {
            try HuggingFaceImport.load(folder, addedTokens: PALTokens.added, personaCoAttention: true, inputFormat: nil).lengths
        }
        XCTAssertEqual(try importedLengths(again), lengths)
        XCTAssertNil(try importedLengths(Self.folder))
        try FileAccess.write(#"{"max_input_length": 24}"#, to: again.appendingPathComponent(HuggingFaceExport.lengthsFile))
        XCTAssertThrowsError(try importedLengths(again)) { error in
            XCTAssertTrue("\(error)".hasPrefix(again.appendingPathComponent(HuggingFaceExport.lengthsFile).path + ": expected {"), "\(error)")
        }

        // A non-finite weight is refused, by name.
        let victim = try XCTUnwrap(model.namedState().first { $0.name.hasSuffix("fc1.weight") })
        victim.tensor.data[3] = .nan
        XCTAssertThrowsError(try HuggingFaceExport.write(model, tokenizer: tokenizer, tokenizerFolder: Self.folder, responseAlphas: [], to: again)) { error in
            XCTAssertTrue("\(error)".contains(victim.name), "\(error)")
        }
    }
}

/// Index matrices from nested arrays.
private enum ModelFixtureIds {
    static func matrix(_ rows: [[Int32]]) -> IndexTensor { IndexTensor(shape: [rows.count, rows[0].count], values: rows.flatMap { $0 }) }
}
