// InputLengths: a model reads what it was trained with, the reference's 512/50 when its checkpoint
// does not say, what is given when it is, and never more than its position table holds.
import Models
import PAL
import TextData
import XCTest

final class InputLengthsTests: XCTestCase {
    private func config(positions: Int) -> Seq2SeqConfig {
        Seq2SeqConfig(family: .blenderbotSmall, vocabSize: 40, dModel: 16, encoderLayers: 1, decoderLayers: 1, heads: 2, ffnDim: 32,
                      maxPositionEmbeddings: positions, scaleEmbedding: true, padTokenId: 0, bosTokenId: 1, eosTokenId: 2, decoderStartTokenId: 1)
    }

    private let trained = EncodingLimits(maxInputLength: 128, maxDecoderLength: 80, maxPersonaLength: 128)

    func testTheTrainedLengthsWin() throws {
        let lengths = try InputLengths(trained: trained, config: config(positions: 512), override: LengthOverride(), checkpoint: "a.h5")
        XCTAssertEqual(lengths.limits, trained)
        XCTAssertEqual(lengths.description, "input 128 tokens, decoder 80 (as trained)")
    }

    func testWithoutARecordTheReferenceLengthsCappedByThePositionTable() throws {
        let wide = try InputLengths(trained: nil, config: config(positions: 1024), override: LengthOverride(), checkpoint: "a.h5")
        XCTAssertEqual(wide.limits, EncodingLimits(maxInputLength: 512, maxDecoderLength: 50, maxPersonaLength: 512))
        let narrow = try InputLengths(trained: nil, config: config(positions: 40), override: LengthOverride(), checkpoint: "a.h5")
        XCTAssertEqual(narrow.limits, EncodingLimits(maxInputLength: 40, maxDecoderLength: 39, maxPersonaLength: 40))
        XCTAssertTrue(narrow.origin.contains("does not record its training lengths"), narrow.origin)
    }

    func testAGivenLengthReplacesOnlyItsOwn() throws {
        let input = try InputLengths(trained: trained, config: config(positions: 512), override: LengthOverride(maxInputLength: 256), checkpoint: "a.h5")
        XCTAssertEqual(input.limits, EncodingLimits(maxInputLength: 256, maxDecoderLength: 80, maxPersonaLength: 256))
        XCTAssertEqual(input.origin, "given; otherwise as trained")
        let decoder = try InputLengths(trained: nil, config: config(positions: 160), override: LengthOverride(maxDecoderLength: 20), checkpoint: "a.h5")
        XCTAssertEqual(decoder.limits, EncodingLimits(maxInputLength: 160, maxDecoderLength: 20, maxPersonaLength: 160))
    }

    func testAGivenLengthBeyondThePositionTableIsRefused() {
        for (override, option) in [(LengthOverride(maxInputLength: 161), "--max-input-length"), (LengthOverride(maxDecoderLength: 160), "--max-decoder-length")] {
            XCTAssertThrowsError(try InputLengths(trained: trained, config: config(positions: 160), override: override, checkpoint: "runs/x/best.h5")) { error in
                XCTAssertTrue("\(error)".hasPrefix("runs/x/best.h5: \(option): "), "\(error)")
                XCTAssertTrue("\(error)".contains("the model's 160 positions: give at most"), "\(error)")
            }
        }
    }
}
