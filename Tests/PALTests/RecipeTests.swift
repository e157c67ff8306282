// Recipes: the shipped YAML files parse, omitted keys keep their defaults, overrides reach nested
// keys, and unknown keys are errors that name the key.
import Foundation
import PAL
import Training
import XCTest

final class RecipeTests: XCTestCase {
    static let recipes = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("recipes")

    func testShippedRecipesParse() throws {
        let paper = try Recipe.load(Self.recipes.appendingPathComponent("pal-paper.yaml"))
        XCTAssertEqual(paper.training.lr, 2.5e-5)
        XCTAssertEqual(paper.training.warmupSteps, 100)
        XCTAssertEqual(paper.training.batchSize, 4)
        XCTAssertEqual(paper.training.evalBatchSize, 16)
        XCTAssertEqual(paper.training.epochs, 10)
        XCTAssertEqual(paper.model.dModel, 512)
        let extractor = try Recipe.load(Self.recipes.appendingPathComponent("extractor-paper.yaml"))
        XCTAssertEqual(extractor.training.lr, 1e-5)
        XCTAssertEqual(extractor.model.family, .bart)
        for name in ["pal-small.yaml", "pal-medium.yaml", "extractor-small.yaml"] {
            XCTAssertNoThrow(try Recipe.load(Self.recipes.appendingPathComponent(name)), name)
        }
        // The medium extractor: a copying stage, then the in-domain stage started from its weights.
        let copy = try Recipe.load(Self.recipes.appendingPathComponent("extractor-copy.yaml"))
        let medium = try Recipe.load(Self.recipes.appendingPathComponent("extractor-medium.yaml"))
        XCTAssertEqual(copy.data.extractorSource, .esconvCopy)
        XCTAssertEqual(medium.data.extractorSource, .pesconvValid)
        XCTAssertEqual(medium.model.initialize, copy.output + "/best.h5")
        XCTAssertEqual(medium.model.maxPositions, copy.model.maxPositions, "stage 2 loads stage 1's position table")
    }

    /// The paper recipes carry the reference's optimizer (PAL-SPEC §5): PAL decays everything but
    /// the biases with ε 1e-6, the extractor decays everything; the default spares biases and norms.
    func testOptimizerSettingsFollowTheReference() throws {
        let names = ["model.encoder.layers.0.self_attn.q_proj.weight", "model.encoder.layers.0.self_attn.q_proj.bias",
                     "model.encoder.layers.0.self_attn_layer_norm.weight", "model.decoder.layernorm_embedding.weight", "final_logits_bias",
                     "persona_coattention.persona_layer_norm.weight", "persona_coattention.mix_weights"]
        let paper = try Recipe.load(Self.recipes.appendingPathComponent("pal-paper.yaml")).training
        XCTAssertEqual(paper.adamW, AdamWConfig(eps: 1e-6, weightDecay: 0.01))
        XCTAssertEqual(names.map(paper.decays), [true, false, true, true, false, true, true],
                       "[bias, ln, LayerNorm.weight] on HF names: only biases are spared; persona_norm is decayed as in the reference")
        let extractor = try Recipe.load(Self.recipes.appendingPathComponent("extractor-paper.yaml")).training
        XCTAssertEqual(extractor.adamW, AdamWConfig(eps: 1e-8, weightDecay: 0.01))
        XCTAssertTrue(names.allSatisfy(extractor.decays), "torch AdamW over every parameter")
        let defaults = TrainingSettings()
        XCTAssertEqual(defaults.adamW, AdamWConfig(eps: 1e-8, weightDecay: 0))
        XCTAssertEqual(names.map(defaults.decays), [true, false, false, false, false, false, true], "biases and every norm spared")
    }

    func testDefaultsOverridesAndUnknownKeys() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("paltrain-recipe-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("r.yaml")
        try "stage: pal\ntraining:\n  lr: 0.5\n".write(to: file, atomically: true, encoding: .utf8)
        var recipe = try Recipe.load(file)
        XCTAssertEqual(recipe.training.lr, 0.5)
        XCTAssertEqual(recipe.training.batchSize, 4, "omitted keys keep their defaults")
        try recipe.override(["training.epochs=3", "model.layers=2", "variant=joint"])
        XCTAssertEqual([recipe.training.epochs, recipe.model.layers], [3, 2])
        XCTAssertEqual(recipe.variant, .joint)
        XCTAssertThrowsError(try recipe.override(["training.learning_rate=1"])) { error in
            XCTAssertTrue("\(error)".contains("unknown key learning_rate"), "\(error)")
        }
        try "stage: pal\ntrainng:\n  lr: 1\n".write(to: file, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try Recipe.load(file)) { error in
            XCTAssertTrue("\(error)".contains("trainng: unknown key"), "\(error)")
        }
        let again = try Recipe.load({ let u = dir.appendingPathComponent("s.yaml"); try recipe.yaml().write(to: u, atomically: true, encoding: .utf8); return u }())
        XCTAssertEqual(again, recipe, "a saved effective config reads back the same")
    }

    /// A value outside a key's set fails when the recipe is read (before a run writes anything),
    /// naming the file, the key, what it accepts and what it got.
    func testUnknownChoicesFailAtLoadNamingFileAndKey() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("paltrain-choices-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("bad.yaml")
        let cases = [
            ("stage: palm\n", ": stage: expected extractor or pal, got palm"),
            ("stage: pal\nvariant: pall\n", ": variant: expected pal, joint, hard-prompt, got pall"),
            ("stage: pal\nvariant: extractor\n", ": variant: expected pal, joint, hard-prompt for a pal recipe, got extractor"),
            ("stage: pal\nmodel:\n  family: gpt2\n", ": model.family: expected blenderbot-small, bart, got gpt2"),
            ("stage: pal\ndata:\n  persona_source: random\n", ": data.persona_source: expected inferred, seeker-utterances, got random"),
            ("stage: pal\ndata:\n  valid_turns: all\n", ": data.valid_turns: expected every-supporter-turn, after-seeker-turn, got all"),
            ("stage: extractor\ndata:\n  extractor_source: wiki\n", ": data.extractor_source: expected personachat, pesconv-valid, esconv-copy, got wiki"),
            ("stage: pal\nmodel:\n  max_positions: 64\n", "model.max_positions 64 is shorter than the inputs (512 tokens"),
        ]
        for (text, expected) in cases {
            try text.write(to: file, atomically: true, encoding: .utf8)
            XCTAssertThrowsError(try Recipe.load(file), text) { error in
                XCTAssertTrue("\(error)".contains(file.path), "names the file: \(error)")
                XCTAssertTrue("\(error)".contains(expected), "\(text) → \(error)")
            }
        }
        var recipe = Recipe(stage: .pal)
        XCTAssertThrowsError(try recipe.override(["data.valid_turns=some"])) { error in
            XCTAssertTrue("\(error)".contains("--set: data.valid_turns: expected every-supporter-turn, after-seeker-turn, got some"), "\(error)")
        }
    }

    /// Every key's range is checked when the recipe is read, and every bad key is named at once:
    /// these values used to train (or train 0 steps, or trap) instead of failing.
    func testOutOfRangeValuesFailAtLoadNamingEveryKey() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("paltrain-ranges-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("bad.yaml")
        try """
            stage: pal
            model: {d_model: 128, heads: 3, layers: 0, dropout: 1.5}
            data: {max_input_length: 0}
            training: {epochs: -3, batch_size: 0, eval_batch_size: 0, warmup_steps: -100, lr: .nan, label_smoothing: 1, save_every_minutes: -1}
            """.write(to: file, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try Recipe.load(file)) { error in
            let text = "\(error)"
            XCTAssertTrue(text.hasPrefix(file.path + ": values out of range: "), text)
            for expected in ["model.layers 0 (must be at least 1)", "model.heads 3 does not divide model.d_model 128",
                             "model.dropout 1.5 (must be at least 0 and below 1)", "data.max_input_length 0 (must be at least 1)",
                             "training.epochs -3 (must be at least 1)", "training.batch_size 0 (must be at least 1)",
                             "training.eval_batch_size 0 (must be at least 1)", "training.warmup_steps -100 (must be at least 0)",
                             "training.lr nan (must be a number above 0)", "training.label_smoothing 1.0 (must be at least 0 and below 1)",
                             "training.save_every_minutes -1.0 (must be a number, 0 or more)"] {
                XCTAssertTrue(text.contains(expected), "\(expected) in \(text)")
            }
        }
        var recipe = Recipe(stage: .pal)
        XCTAssertThrowsError(try recipe.override(["training.epochs=0"])) { error in
            XCTAssertEqual("\(error)", "--set: values out of range: training.epochs 0 (must be at least 1)")
        }
        for recipeFile in try FileManager.default.contentsOfDirectory(atPath: "recipes") where recipeFile.hasSuffix(".yaml") {
            XCTAssertNoThrow(try Recipe.load(URL(fileURLWithPath: "recipes/" + recipeFile)), "every shipped recipe is in range")
        }
    }

    /// A missing recipe, a folder and broken YAML name the file and say what to do.
    func testUnreadableRecipesNameTheFile() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("paltrain-unreadable-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let missing = dir.appendingPathComponent("nope.yaml"), broken = dir.appendingPathComponent("broken.yaml")
        try "stage: pal\ntraining: [unclosed\n".write(to: broken, atomically: true, encoding: .utf8)
        let cases = [(missing, "no such recipe"), (dir, "cannot be read (a folder, or no permission)"), (broken, "not valid YAML")]
        for (url, expected) in cases {
            XCTAssertThrowsError(try Recipe.load(url)) { error in
                XCTAssertTrue("\(error)".hasPrefix(url.path + ":") && "\(error)".contains(expected), "\(error)")
            }
        }
    }
}
