// The PyTorch fixture models (Fixtures/<name>/, from scripts/make_model_fixtures.py) imported the
// way `paltrain import` imports a HuggingFace folder, with the batch of expected.json.
import Checkpoint
import Foundation
import Models
import TensorCore

enum ModelFixture {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    struct Batch: Decodable {
        var input_ids, attention_mask, decoder_input_ids, labels: [[Int32]]
        var persona_input_ids, persona_attention_mask: [[Int32]]?
    }

    static func matrix(_ rows: [[Int32]]) -> IndexTensor { IndexTensor(shape: [rows.count, rows[0].count], values: rows.flatMap { $0 }) }

    /// The imported model and its fixture batch, labels flattened to (B·T).
    static func load(_ name: String) throws -> (model: Seq2SeqLM, inputs: Seq2SeqInputs) {
        let dir = folder.appendingPathComponent(name)
        let config = try Seq2SeqConfig.decode(json: Data(contentsOf: dir.appendingPathComponent("config.json")))
        let weights = try SafeTensorsFile.read(from: dir.appendingPathComponent("model.safetensors"))
        let adapted = try HuggingFaceStateDict.adapt(weights.tensorsByName, for: config, vocabularySize: config.vocabSize)
        let model = Seq2SeqLM(config)
        try model.load(adapted.tensors)
        let b = try JSONDecoder().decode(Batch.self, from: Data(contentsOf: dir.appendingPathComponent("expected.json")))
        let inputs = Seq2SeqInputs(inputIds: matrix(b.input_ids), attentionMask: matrix(b.attention_mask),
                                   personaIds: b.persona_input_ids.map(matrix), personaMask: b.persona_attention_mask.map(matrix),
                                   decoderInputIds: matrix(b.decoder_input_ids),
                                   labels: IndexTensor(shape: [b.labels.count * b.labels[0].count], values: b.labels.flatMap { $0 }))
        return (model, inputs)
    }
}
