// `paltrain extractor`, `paltrain pal` and `paltrain plot`: the training stages, each from a recipe
// with flag overrides, and the loss curves of a run.
import ArgumentParser
import DataParallel
import Foundation
import PAL
import TextData
import Training

/// What every training command accepts.
struct RunOptions: ParsableArguments {
    @Option(help: "The recipe (YAML).")
    var recipe: String?

    @Option(name: .customLong("set"), help: "Override a recipe key, e.g. --set training.lr=1e-4 (repeatable).")
    var assignments: [String] = []

    @Option(help: "Epochs (overrides training.epochs).")
    var epochs: Int?

    @Option(help: "Stop after this many optimizer steps (overrides training.max_steps).")
    var maxSteps: Int?

    @Option(help: "The run folder (overrides output).")
    var output: String?

    @Option(name: [.customLong("init"), .customLong("initialize")],
            help: "`scratch` or a checkpoint: one made by `paltrain import`, or a run's best.h5 to continue from (overrides model.init).")
    var initialize: String?

    @Option(help: "Continue the run in this folder from its last.h5, with its saved config (--max-steps, --epochs and --set training.eval_every, validate_before_training, log_every, save_every, save_every_minutes may change).")
    var resume: String?

    @Option(help: "Save and stop after this many steps of this process, as Ctrl-C does (for trying resume).")
    var stopAfter: Int?

    func validate() throws {
        if let stopAfter, stopAfter < 1 { throw ValidationError("--stop-after must be at least 1 step, got \(stopAfter)") }
    }

    /// The recipe with every override applied (with --resume: the run's saved one).
    func effectiveRecipe(defaultRecipe: String, stage: RecipeStage, variant: InputFormat? = nil) throws -> Recipe {
        var sets = assignments
        if let epochs { sets.append("training.epochs=\(epochs)") }
        if let maxSteps { sets.append("training.max_steps=\(maxSteps)") }
        if let output { sets.append("output=\(output)") }
        if let initialize { sets.append("model.init=\(initialize)") }
        if let variant { sets.append("variant=\(variant.rawValue)") }
        let recipe: Recipe
        if let resume {
            guard self.recipe == nil else {
                throw ValidationError("--resume continues with the run's own config.yaml: leave out --recipe")
            }
            recipe = try TrainingRun.resumedRecipe(folder: resume, overrides: sets)
        } else {
            var loaded = try Recipe.load(URL(fileURLWithPath: self.recipe ?? defaultRecipe))
            try loaded.override(sets)
            recipe = loaded
        }
        guard recipe.stage == stage else {
            throw ValidationError("\(resume.map { $0 + "/config.yaml" } ?? self.recipe ?? defaultRecipe) is a recipe for the \(recipe.stage.rawValue) "
                                  + "stage (after --set); this command trains the \(stage.rawValue) stage")
        }
        return recipe
    }

    /// Trains `recipe` in this process, or on every rank `mpirun` started (docs/distributed.md).
    func start(_ recipe: Recipe) throws {
        let world = try World.join()
        let summary: Trainer.Summary
        do {
            if world.isRoot { try FileAccess.checkOutputFolder(URL(fileURLWithPath: recipe.output)) }  // before the data and the model are prepared
            summary = try TrainingRun.start(recipe, resume: resume != nil, stopAfterSteps: stopAfter, world: world)
            world.finish()
        } catch where world.size > 1 {
            // One rank's error stops every rank at once: the others would wait for it in their next collective.
            let message = Paltrain.message(for: FileAccess.explained(error))
            FileHandle.standardError.write(Data("Error: \(world.isRoot ? "" : "rank \(world.rank): ")\(message)\n".utf8))
            world.abort(code: 1)
        }
        if summary.interrupted { throw ExitCode(130) }
    }
}

struct ExtractorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "extractor",
        abstract: "Train the persona extractor (BART) on what data.extractor_source names: personachat (the paper's: the available train dialogues, valid = PERSONA-CHAT valid), esconv-copy (copying the seeker's first-person sentences of PAL's train conversations) or pesconv-valid (the published PESConv of PAL's validation conversations).")

    @OptionGroup var options: RunOptions

    func run() throws { try options.start(options.effectiveRecipe(defaultRecipe: "recipes/extractor-small.yaml", stage: .extractor)) }
}

struct PALCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pal", abstract: "Train PAL or a baseline (Blenderbot-Joint, Hard Prompt) on PESConv with the paper's split; under `mpirun -np N`, data-parallel on N ranks (docs/distributed.md).")

    @OptionGroup var options: RunOptions

    @Option(help: "pal, joint (no persona) or hard-prompt (persona in the text); overrides variant.")
    var variant: InputFormat?

    func run() throws { try options.start(options.effectiveRecipe(defaultRecipe: "recipes/pal-small.yaml", stage: .pal, variant: variant)) }
}

struct Plot: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Draw a run's training and validation loss curves to <run>/loss.svg.")

    @Argument(help: "The run folder.")
    var folder: String

    func run() throws { print(try LossPlot.write(run: URL(fileURLWithPath: folder)).summary) }
}
