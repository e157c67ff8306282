// The config types' one table of keys: a file that leaves keys out gets the HF class defaults of its
// family, every config writes and reads back equal, and HF's null for a processor that is off reads as off.
import Foundation
import Models
import XCTest

final class ConfigTests: XCTestCase {
    func testMissingKeysTakeTheFamilysDefaults() throws {
        let bart = try Seq2SeqConfig.decode(json: Data(#"{"model_type": "bart"}"#.utf8))
        XCTAssertEqual(bart, Seq2SeqConfig.defaults(for: .bart))
        XCTAssertEqual([bart.dModel, bart.encoderLayers, bart.maxPositionEmbeddings, bart.padTokenId, bart.decoderStartTokenId], [1024, 12, 1024, 1, 2])
        let small = try Seq2SeqConfig.decode(json: Data(#"{"model_type": "blenderbot-small", "d_model": 64, "encoder_attention_heads": 4, "decoder_attention_heads": 4}"#.utf8))
        XCTAssertEqual([small.dModel, small.encoderLayers, small.encoderFfnDim, small.padTokenId, small.bosTokenId], [64, 8, 2048, 0, 1])
        XCTAssertEqual(small.dropout, 0.1)
        XCTAssertNil(small.inputFormat)
        XCTAssertEqual(try BertConfig.decode(json: Data("{}".utf8)), BertConfig())
    }

    func testEveryConfigReadsBackEqual() throws {
        var pal = Seq2SeqConfig.blenderbotSmall90M
        pal.personaCoAttention = true
        pal.inputFormat = .pal
        pal.generation = GenerationConfig(maxLength: 60, numBeams: 4, earlyStopping: .never, noRepeatNgramSize: 3, bannedTokenIds: [7, 9])
        for config in [pal, Seq2SeqConfig.bartLargeCNN] {
            XCTAssertEqual(try Seq2SeqConfig.decode(json: Data(config.jsonString().utf8)), config)
        }
        let bert = BertConfig.allMiniLML6v2
        XCTAssertEqual(try BertConfig.decode(json: JSONEncoder().encode(bert)), bert)
        let sampling = GenerationConfig.palResponse(banned: [3, 4], seed: 9)
        XCTAssertEqual(try GenerationConfig.decode(json: JSONEncoder().encode(sampling)), sampling)
    }

    func testHuggingFacesNullTurnsAProcessorOff() throws {
        let config = try GenerationConfig.decode(json: Data(#"{"top_k": null, "temperature": null, "eos_token_id": [2], "bad_words_ids": null}"#.utf8))
        XCTAssertEqual(config.topK, 0, "null: off")
        XCTAssertEqual(config.temperature, 1)
        XCTAssertEqual(config.eosTokenId, 2, "a one-element list of end ids")
        XCTAssertEqual(config.badWordsIds, [])
        XCTAssertEqual(try GenerationConfig.decode(json: Data("{}".utf8)), GenerationConfig(), "a missing key keeps HF's default")
        XCTAssertEqual(GenerationConfig().topK, 50)
    }
}
