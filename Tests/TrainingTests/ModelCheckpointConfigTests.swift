// A checkpoint's config attribute read back: the inputs the fuzzer found (FuzzingTests, config target)
// each fail with a message naming the file and the line and column or the key, and a config whose model
// is larger than the file's tensors fails before anything is allocated for it. The input lengths a
// model was trained with read back too.
import Checkpoint
import Foundation
import Models
import TextData
import Training
import XCTest

final class ModelCheckpointConfigTests: XCTestCase {
    private let path = "/runs/x/best.h5"

    private func message(_ json: String, storedValues: Int = 1_000_000) -> String {
        do {
            let config = try ModelCheckpoint.config(json: json, path: path, storedValues: storedValues)
            return "accepted \(config.family)"
        } catch {
            return "\(error)"
        }
    }

    func testUnreadableConfigsNameTheLineOrTheKey() {
        let prefix = "\(path) is not a valid paltrain checkpoint: its model config (attribute config) cannot be read: "
        let cases = [
            (#"{"model_type": "bart","#, "line 1, column 23: expected a member name in double quotes, found the end of the input"),
            (#"[1]"#, "expected a JSON object of config keys, found an array"),
            (#"{}"#, "missing key model_type"),
            (#"{"model_type": "bart", "repetition_penalty": {}}"#, "repetition_penalty: Expected to decode Float but found a dictionary instead."),
            (#"{"model_type": "bart", "bad_words_ids": [[1, "x"]]}"#, "bad_words_ids[0][1]: Expected to decode Int32 but found a string instead."),
            // Foundation's decoder calls these "not valid JSON" without a key.
            (#"{"model_type": "bart", "dropout": NaN}"#, "dropout: NaN cannot be read: write a finite number of the key's type"),
            (#"{"model_type": "bart", "vocab_size": 1.5}"#, "vocab_size: 1.5 cannot be read: write a finite number of the key's type"),
            (#"{"model_type": "bart", "vocab_size": 99999999999999999999}"#, "vocab_size: 99999999999999999999 cannot be read: write a finite number of the key's type"),
            (#"{"model_type": "bart", "init_std": 1e999}"#, "init_std: 1e999 cannot be read: write a finite number of the key's type"),
            (#"{"model_type": "bart", "unused_key": -Infinity}"#, "unused_key: -Infinity cannot be read: write a finite number of the key's type"),
        ]
        for (json, expected) in cases {
            let text = message(json)
            XCTAssertTrue(text.hasPrefix(prefix + expected), "\(json) → \(text)")
            XCTAssertFalse(text.contains("DecodingError") || text.contains("CodingKeys"), text)
        }
    }

    /// Found by the fuzzer (seconds into a 10-minute run): a negative vocab_size trapped in the token-id
    /// check (`0..<vocab_size` is not a range), for every reader of configs.
    func testNegativeVocabularyIsAProblemNotATrap() {
        XCTAssertTrue(message(#"{"model_type": "bart", "vocab_size": -1}"#).hasSuffix(
            "cannot be read: unsupported config: vocab_size -1 (must be at least 1); pad_token_id 1 is outside the vocabulary (vocab_size -1); "
            + "bos_token_id 0 is outside the vocabulary (vocab_size -1); eos_token_id 2 is outside the vocabulary (vocab_size -1); "
            + "decoder_start_token_id 2 is outside the vocabulary (vocab_size -1)"), message(#"{"model_type": "bart", "vocab_size": -1}"#))
    }

    /// vocab_size 9e18 used to be accepted and trap in `Seq2SeqLM` (shape overflow); 1e9 would allocate
    /// terabytes. A config whose model is larger than the file's tensors is refused.
    func testConfigLargerThanTheWeightsIsRefusedBeforeAllocating() throws {
        XCTAssertTrue(message(#"{"model_type": "bart", "vocab_size": 9000000000000000000}"#)
            .contains("describe a model of more than 9223372036854775807 parameters, but the file's tensors hold 1000000 values"))
        let tiny = Seq2SeqConfig(family: .blenderbotSmall, vocabSize: 40, dModel: 16, encoderLayers: 1, decoderLayers: 1, heads: 2, ffnDim: 32,
                                 maxPositionEmbeddings: 8, scaleEmbedding: true, padTokenId: 0, bosTokenId: 1, eosTokenId: 2, decoderStartTokenId: 1)
        let model = Seq2SeqLM(tiny, seed: 1)
        let stored = model.namedState().reduce(0) { $0 + $1.tensor.count }
        XCTAssertLessThanOrEqual(try XCTUnwrap(tiny.parameterCountLowerBound), stored, "a lower bound")
        XCTAssertEqual(try ModelCheckpoint.config(json: tiny.jsonString(), path: path, storedValues: stored), tiny)

        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("paltrain-config-\(getpid())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("huge.h5")
        var huge = tiny
        huge.vocabSize = 1_000_000_000
        try CheckpointFile.write(CheckpointContents(tensors: model.namedState(), config: huge.jsonString(), tokenizer: ""), to: file)
        XCTAssertThrowsError(try ModelCheckpoint.load(file)) { error in
            XCTAssertTrue("\(error)".contains("describe a model of at least 16000"), "\(error)")
            XCTAssertTrue("\(error)".contains("but the file's tensors hold \(stored) values"), "\(error)")
        }
    }

    /// The input lengths a run trained with come back from its checkpoint; a file without them reads
    /// as nil, and an edited record is a clear error naming the file and the attribute.
    func testTrainedLengthsRoundTripAndAnEditedRecordIsAClearError() throws {
        let tiny = Seq2SeqConfig(family: .blenderbotSmall, vocabSize: 40, dModel: 16, encoderLayers: 1, decoderLayers: 1, heads: 2, ffnDim: 32,
                                 maxPositionEmbeddings: 8, scaleEmbedding: true, padTokenId: 0, bosTokenId: 1, eosTokenId: 2, decoderStartTokenId: 1)
        let model = Seq2SeqLM(tiny, seed: 1)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("paltrain-lengths-\(getpid())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let lengths = EncodingLimits(maxInputLength: 6, maxDecoderLength: 5, maxPersonaLength: 4)
        let recorded = directory.appendingPathComponent("recorded.h5"), bare = directory.appendingPathComponent("bare.h5")
        try ModelCheckpoint.save(model, tokenizer: "{}", to: recorded, lengths: lengths)
        try ModelCheckpoint.save(model, tokenizer: "{}", to: bare)
        XCTAssertEqual(try ModelCheckpoint.trainedLengths(ModelCheckpoint.load(recorded).contents, path: recorded.path), lengths)
        XCTAssertNil(try ModelCheckpoint.trainedLengths(ModelCheckpoint.load(bare).contents, path: bare.path))

        var edited = try CheckpointFile.read(from: recorded)
        edited.inputLengths = #"{"max_input_length": "long"}"#
        XCTAssertThrowsError(try ModelCheckpoint.trainedLengths(edited, path: recorded.path)) { error in
            XCTAssertTrue("\(error)".contains(recorded.path), "\(error)")
            XCTAssertTrue("\(error)".contains("its attribute input_lengths ({\"max_input_length\": \"long\"}) is not"), "\(error)")
        }
    }
}
