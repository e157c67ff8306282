// ExampleExport: a recipe's encoded examples, batch order and settings as one JSON file, so that an
// independent implementation (scripts/train_torch_reference.py) trains on exactly what paltrain
// trains on. Layout (snake_case keys):
//   recipe        the effective recipe (the keys of config.yaml)
//   model_config  the initial model's HF-style config.json (Seq2SeqConfig's keys)
//   strategy_token_ids  the 8 strategy tokens' ids in Strategy order ([] for the extractor)
//   mask_token_id what training.encoder_denoising_weight masks input tokens with (the unknown token)
//   total_steps   optimizer steps of the run (the schedule's length)
//   train, valid  one object per example: input_ids, persona_ids, decoder_input_ids, labels, strategy (0..<8 or -1)
//   train_batches one list per epoch of batches (lists of indices into train), in training order
//   valid_batches the validation batches (indices into valid), in order
// Batches are collated as Batcher.collate does: right padding with the pad id (labels with −100);
// for PAL, dialogue and persona padded to one length, the max over the batch of both.
import Foundation
import TextData
import Training

public enum ExampleExport {
    /// Writes the export of `recipe` to `url` (atomically) and returns (train, valid) example counts and
    /// the data's notes (anything left out, data that differ from the manifest).
    @discardableResult
    public static func write(_ recipe: Recipe, to url: URL) throws -> (train: Int, valid: Int, notes: [String]) {
        let prepared = try TrainingRun.prepare(recipe)
        let examples = prepared.examples
        let trainer = Trainer(model: prepared.model, train: examples.train, valid: examples.valid, settings: recipe.training,
                              run: URL(fileURLWithPath: recipe.output), tokenizerJSON: "", strategyTokenIds: prepared.strategyTokenIds)
        func object(_ e: EncodedExample) -> [String: Any] {
            ["input_ids": e.inputIds, "persona_ids": e.personaIds, "decoder_input_ids": e.decoderInputIds, "labels": e.labels,
             "strategy": e.strategy?.index ?? -1]
        }
        let recipeTree = try JSONSerialization.jsonObject(with: JSONEncoder().encode(recipe))
        let config = try JSONSerialization.jsonObject(with: Data(prepared.model.config.jsonString().utf8))
        let export: [String: Any] = [
            "recipe": recipeTree, "model_config": config, "strategy_token_ids": prepared.strategyTokenIds,
            "mask_token_id": prepared.tokenizer.unkId,
            "total_steps": trainer.totalSteps,
            "train": examples.train.map(object), "valid": examples.valid.map(object),
            "train_batches": (0..<recipe.training.epochs).map { trainer.epochBatches($0).batches },
            "valid_batches": Batcher.sequential(count: examples.valid.count, batchSize: recipe.training.evalBatchSize),
        ]
        try FileAccess.createFolder(url.deletingLastPathComponent())
        try FileAccess.write(JSONSerialization.data(withJSONObject: export, options: [.sortedKeys]), to: url)
        return (examples.train.count, examples.valid.count, examples.notes)
    }
}
