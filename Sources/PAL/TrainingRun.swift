// TrainingRun: a recipe turned into a run folder — effective config, tokenizer, examples, model
// (from scratch or an imported checkpoint), the trainer, and the outputs:
//   <output>/config.yaml  log.jsonl  last.h5  best.h5  metrics.json  loss.svg
// Under `mpirun -np N` every rank prepares the same examples and model; rank 0 alone prints and writes.
import DataParallel
import Foundation
import Models
import TextData
import Training

public enum TrainingRun {
    /// The saved recipe of the run in `folder` with `overrides` (`key=value`) applied, for `start`
    /// with `resume`; only the keys of `TrainingSettings.resumableKeys` may change.
    public static func resumedRecipe(folder: String, overrides: [String]) throws -> Recipe {
        let configFile = URL(fileURLWithPath: folder).appendingPathComponent("config.yaml")
        guard FileManager.default.fileExists(atPath: configFile.path) else {
            throw DataError(file: configFile.path, "nothing to resume here: no config.yaml in \(folder)")
        }
        let resumable = TrainingSettings.resumableKeys.map { "training." + $0 }
        let fixed = overrides.map { String($0.prefix { $0 != "=" }) }.filter { !resumable.contains($0) }
        guard fixed.isEmpty else {
            throw DataError(file: "--resume \(folder)", "\(fixed.joined(separator: ", ")) cannot change when a run resumes (it would not continue "
                            + "the same training); a resumed run may change \(resumable.sorted().joined(separator: ", "))")
        }
        var recipe = try Recipe.load(configFile)
        try recipe.override(overrides)
        recipe.output = folder
        return recipe
    }

    /// Runs `recipe`, or with `resume` continues the run in `recipe.output` (a recipe from
    /// `resumedRecipe`, saved again as its config.yaml), on the ranks of `world`.
    public static func start(_ recipe: Recipe, resume: Bool, stopAfterSteps: Int? = nil, world: Communicator = SingleProcess()) throws -> Trainer.Summary {
        let run = URL(fileURLWithPath: recipe.output)
        let configFile = run.appendingPathComponent("config.yaml")
        func say(_ text: String) { if world.isRoot { print(text) } }
        if !resume && FileManager.default.fileExists(atPath: run.appendingPathComponent("last.h5").path) {
            throw DataError(file: run.path, "this folder already holds a run: continue it with --resume, or give another --output")
        }
        say("effective configuration:\n" + (try recipe.yaml()).split(separator: "\n").map { "  " + $0 }.joined(separator: "\n"))
        if world.isRoot {
            try FileManager.default.createDirectory(at: run, withIntermediateDirectories: true)
            try recipe.yaml().write(to: configFile, atomically: true, encoding: .utf8)
        }

        if world.size > 1 {
            // A vocabulary learned on first use is written once, by rank 0, before the others read it.
            if world.isRoot { _ = try tokenizer(recipe) }
            try world.barrier()
        }
        let prepared = try prepare(recipe)
        let examples = prepared.examples, model = prepared.model
        say("examples: \(examples.train.count) train, \(examples.valid.count) validation")
        for note in examples.notes { say("  " + note) }
        if world.size > 1 {
            say("data-parallel: \(world.size) ranks, each a slice of every global batch of \(recipe.training.batchSize) examples")
        }
        say("model: \(model.config.family.rawValue), \(model.config.encoderLayers)+\(model.config.decoderLayers) layers, d \(model.config.dModel), "
              + "vocabulary \(model.config.vocabSize), \(model.parameterCount) parameters, format \(model.config.format.rawValue)")

        let trainer = Trainer(model: model, train: examples.train, valid: examples.valid, settings: recipe.training,
                              run: run, tokenizerJSON: try prepared.reference.jsonString(), inputLengths: recipe.encodingLimits,
                              strategyTokenIds: prepared.strategyTokenIds,
                              maskTokenId: prepared.tokenizer.unkId, runIdentity: try recipe.identity(), world: world)
        trainer.stopAfterSteps = stopAfterSteps
        let summary = try trainer.fit(resume: resume)
        guard world.isRoot else { return summary }
        let metrics: [String: Any] = ["steps": summary.steps, "seconds_this_run": summary.seconds, "interrupted": summary.interrupted,
                                      "final_valid_loss": summary.finalValidationLoss ?? NSNull(), "best_valid_loss": summary.bestValidationLoss ?? NSNull(),
                                      "initial_valid_loss": summary.initialValidationLoss ?? NSNull(),
                                      "final_valid_acc": summary.finalValidationAccuracy ?? NSNull(),
                                      "best_valid_acc": summary.bestValidationAccuracy ?? NSNull(),
                                      "train_examples": examples.train.count, "valid_examples": examples.valid.count,
                                      "ranks": world.size, "rank_weight_divergence": summary.rankDivergence ?? NSNull()]
        try JSONSerialization.data(withJSONObject: metrics, options: [.prettyPrinted, .sortedKeys])
            .write(to: run.appendingPathComponent("metrics.json"), options: .atomic)
        try LossPlot.write(run: run)
        let written = ["config.yaml", "log.jsonl", "last.h5", "best.h5", "metrics.json", "loss.svg"]
            .filter { FileManager.default.fileExists(atPath: run.appendingPathComponent($0).path) }
        print("wrote \(run.path): \(written.joined(separator: ", "))")
        return summary
    }

    /// What a run trains on and with: tokenizer, encoded examples, the initial model.
    public struct Prepared {
        public var tokenizer: Tokenizer
        public var reference: TokenizerReference
        public var examples: StageExamples
        public var model: Seq2SeqLM
        /// The 8 strategy tokens' ids in `Strategy` order (empty for the extractor).
        public var strategyTokenIds: [Int32]
    }

    /// The tokenizer (learned on first use for `bpe-N`), examples and initial model of `recipe`.
    public static func prepare(_ recipe: Recipe) throws -> Prepared {
        let isExtractor = recipe.stage == .extractor
        let (tokenizer, reference) = try self.tokenizer(recipe)
        let examples = isExtractor ? try StageData.extractor(recipe, tokenizer: tokenizer) : try StageData.dialogue(recipe, tokenizer: tokenizer)
        let strategyIds = isExtractor ? [] : Strategy.allCases.compactMap { tokenizer.id(of: $0.token) }
        let model = try makeModel(recipe, tokenizer: tokenizer, reference: reference)
        try model.config.check(examples.train, name: "train")
        try model.config.check(examples.valid, name: "validation")
        return Prepared(tokenizer: tokenizer, reference: reference, examples: examples, model: model, strategyTokenIds: strategyIds)
    }

    /// The recipe's tokenizer with its stage's added tokens, and the reference a checkpoint stores.
    static func tokenizer(_ recipe: Recipe) throws -> (Tokenizer, TokenizerReference) {
        try TokenizerSetup.resolve(recipe.tokenizer, data: URL(fileURLWithPath: recipe.data.folder), seed: recipe.data.splitSeed,
                                   addedTokens: recipe.stage == .extractor ? ExtractorPairs.addedTokens : PALTokens.added)
    }

    /// A model of the recipe's shape from scratch, or the recipe's `model.init` checkpoint.
    static func makeModel(_ recipe: Recipe, tokenizer: Tokenizer, reference: TokenizerReference) throws -> Seq2SeqLM {
        let format = recipe.format
        if recipe.model.initialize != "scratch" {
            let (model, contents) = try ModelCheckpoint.load(URL(fileURLWithPath: recipe.model.initialize))
            if let theirs = TokenizerReference.decode(contents.tokenizer), theirs.identity != reference.identity {
                throw DataError(file: recipe.model.initialize, "was made with another tokenizer (\(theirs.source)) than the recipe's (\(reference.source))")
            }
            guard model.config.vocabSize >= tokenizer.vocabularySize else {
                throw DataError(file: recipe.model.initialize, "has \(model.config.vocabSize) embeddings for a tokenizer of \(tokenizer.vocabularySize) tokens")
            }
            guard (format == .pal) == model.config.personaCoAttention else {
                throw DataError(file: recipe.model.initialize, "its format is \(model.config.inputFormat?.rawValue ?? "plain"); import it with --format \(format.rawValue)")
            }
            return model
        }
        let family = recipe.model.family
        var config = Seq2SeqConfig(family: family, vocabSize: tokenizer.vocabularySize, dModel: recipe.model.dModel,
                                   encoderLayers: recipe.model.layers, decoderLayers: recipe.model.layers, heads: recipe.model.heads,
                                   ffnDim: recipe.model.ffn, maxPositionEmbeddings: recipe.model.maxPositions, dropout: recipe.model.dropout,
                                   scaleEmbedding: family == .blenderbotSmall, padTokenId: Int(tokenizer.padId), bosTokenId: Int(tokenizer.bosId),
                                   eosTokenId: Int(tokenizer.eosId), decoderStartTokenId: Int(family == .bart ? tokenizer.eosId : tokenizer.bosId),
                                   personaCoAttention: format == .pal, maskedCoAttention: recipe.model.maskedCoattention)
        config.inputFormat = format
        return Seq2SeqLM(config, seed: recipe.training.seed)
    }
}
