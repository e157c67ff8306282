// Recipe: everything a training run needs, read from YAML (recipes/*.yaml) with snake_case keys,
// overridable from the command line, printed at start and saved beside the outputs.
import Foundation
import JSON
import Models
import TextData
import Training
import Yams

/// What a recipe trains.
public enum RecipeStage: String, Codable, CaseIterable, Sendable {
    /// The persona extractor (on what `data.extractor_source` names).
    case extractor
    /// PAL or a baseline (`variant`) on PESConv.
    case pal
}

public struct Recipe: Codable, Equatable {
    public var stage: RecipeStage
    /// For `pal`: `pal`, `joint` or `hard-prompt`.
    public var variant = InputFormat.pal
    public var model = ModelRecipe()
    /// `blenderbot-small`, `bpe-N` (a byte-level vocabulary of N entries learned from the training
    /// text into data/tokenizers/bpe-N), or a tokenizer folder.
    public var tokenizer = "blenderbot-small"
    public var data = DataRecipe()
    public var training = TrainingSettings()
    /// The run folder.
    public var output = "runs/run"

    /// The model: from scratch with these sizes, or initialised from a checkpoint (`paltrain import`).
    public struct ModelRecipe: Codable, Equatable {
        /// `scratch` or the path of a checkpoint.
        public var initialize = "scratch"
        public var family = ModelFamily.blenderbotSmall
        public var dModel = 512
        public var layers = 8
        public var heads = 16
        public var ffn = 2048
        public var maxPositions = 512
        public var dropout: Float = 0.1
        /// Mask padding inside PAL's co-attention (the reference does not).
        public var maskedCoattention = false

        enum CodingKeys: String, CodingKey {
            case initialize = "init", family, dModel = "d_model", layers, heads, ffn, maxPositions = "max_positions", dropout
            case maskedCoattention = "masked_coattention"
        }
    }

    public struct DataRecipe: Codable, Equatable {
        public var folder = "data"
        /// Seed of the 7:2:1 conversation split (13 = the paper's).
        public var splitSeed: UInt64 = 13
        /// PESConv file with `persona_list` for every conversation (written by `paltrain annotate`);
        /// empty: only the published annotations (valid and test).
        public var pesconv = ""
        /// `inferred` (the paper) or `seeker-utterances` (the reference runs' quirk).
        public var personaSource = PersonaSource.inferred
        /// Which validation turns become examples: `every-supporter-turn` or `after-seeker-turn` (the reference).
        public var validTurns = ExampleTurns.everySupporterTurn
        public var maxInputLength = 512
        public var maxDecoderLength = 50
        /// Use only the first N training conversations / dialogues (0 = all), for quick runs.
        public var trainLimit = 0
        /// Use only the first N validation conversations / dialogues (0 = all).
        public var validLimit = 0
        /// For `extractor`: what it trains on (`ExtractorSource`): `personachat` (the paper's stage),
        /// `esconv-copy` (copying the seeker's first-person sentences of PAL's train conversations) or
        /// `pesconv-valid` (in-domain: the published PESConv of PAL's validation conversations); the last
        /// two are deviations from the paper, each started from the previous stage with `model.init`.
        public var extractorSource = ExtractorSource.personachat

        enum CodingKeys: String, CodingKey {
            case folder, splitSeed = "split_seed", pesconv, personaSource = "persona_source", validTurns = "valid_turns"
            case maxInputLength = "max_input_length", maxDecoderLength = "max_decoder_length"
            case trainLimit = "train_limit", validLimit = "valid_limit", extractorSource = "extractor_source"
        }
    }

    enum CodingKeys: String, CodingKey { case stage, variant, model, tokenizer, data, training, output }

    public init(stage: RecipeStage) { self.stage = stage }

    /// How the model this recipe trains reads its inputs.
    public var format: InputFormat { stage == .extractor ? .extractor : variant }

    /// The lengths this recipe's examples are cut to, which its checkpoints record so that `eval`,
    /// `generate`, `chat`, `score` and `persona-test` cut inputs the same way (an extractor's source
    /// and target share `data.max_input_length`, its start and end tokens included).
    public var encodingLimits: EncodingLimits {
        EncodingLimits(maxInputLength: data.maxInputLength, maxDecoderLength: stage == .extractor ? data.maxInputLength - 1 : data.maxDecoderLength,
                       maxPersonaLength: data.maxInputLength)
    }

    /// The values a key with a fixed set of them accepts, by dotted key (for error messages).
    static let choices: [String: [String]] = [
        "stage": RecipeStage.allCases.map(\.rawValue), "variant": InputFormat.dialogue.map(\.rawValue),
        "model.family": ModelFamily.allCases.map(\.rawValue), "data.persona_source": PersonaSource.allCases.map(\.rawValue),
        "data.valid_turns": ExampleTurns.allCases.map(\.rawValue), "data.extractor_source": ExtractorSource.allCases.map(\.rawValue),
    ]

    /// Reads a recipe; keys it leaves out keep their defaults, unknown keys are errors.
    public static func load(_ url: URL) throws -> Recipe {
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw DataError(file: url.path, FileManager.default.fileExists(atPath: url.path)
                            ? "cannot be read (a folder, or no permission): give a recipe file" : "no such recipe: see recipes/ for the ones that come with paltrain")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw DataError(file: url.path, "not UTF-8 text: a recipe is a YAML file")
        }
        guard let file = try YAMLDocument.load(text, file: url.path) as? [String: Any] else {
            throw DataError(file: url.path, "not a YAML mapping of recipe keys")
        }
        guard let name = file["stage"] as? String, let stage = RecipeStage(rawValue: name) else {
            throw DataError(file: url.path, field: "stage", "expected \(choices["stage"]!.joined(separator: " or ")), got \(file["stage"].map { "\($0)" } ?? "nothing")")
        }
        var tree = try Recipe(stage: stage).tree()
        try merge(file, into: &tree, at: [], file: url.path)
        return try decode(tree, file: url.path)
    }

    private func tree() throws -> [String: Any] { try Yams.load(yaml: yaml()) as? [String: Any] ?? [:] }

    private static func decode(_ tree: [String: Any], file: String) throws -> Recipe {
        let recipe: Recipe
        do {
            recipe = try YAMLDecoder().decode(Recipe.self, from: Yams.dump(object: tree))
        } catch let error as DecodingError {
            throw Self.error(error, in: tree, file: file)
        }
        if recipe.stage == .pal && recipe.variant == .extractor {
            throw DataError(file: file, field: "variant", "expected \(choices["variant"]!.joined(separator: ", ")) for a pal recipe, got extractor")
        }
        let problems = recipe.problems
        guard problems.isEmpty else { throw DataError(file: file, "values out of range: " + problems.joined(separator: "; ")) }
        try recipe.checkSavedFormReadsBack(file: file)
        return recipe
    }

    /// Refuses a recipe whose saved form (config.yaml, which a resume reads) would pass YAMLDocument's
    /// nesting bound when the file given did not: the bound counts every '[' and '{', even inside a
    /// value, and the saved form adds the indentation steps of every section, so a value holding many
    /// brackets can fit in a short recipe and not in the saved one.
    private func checkSavedFormReadsBack(file: String) throws {
        let saved = try yaml()
        guard YAMLDocument.nestingBound(saved).depth > YAMLDocument.maximumDepth else { return }
        let bracketed = saved.split(whereSeparator: \.isNewline).max { line, other in
            line.count { "[{".contains($0) } < other.count { "[{".contains($0) }
        } ?? ""
        throw DataError(file: file, "saved as config.yaml, the line '\(bracketed.trimmingCharacters(in: .whitespaces).shortened(to: 60))' would make "
                        + "the recipe nest more than \(YAMLDocument.maximumDepth) levels (every '[' and '{' counts, even inside a value), and a "
                        + "resumed run could not read it back: use fewer brackets in that value")
    }

    /// Every out-of-range value of the recipe, as `<key> <value> (must be …)`.
    public var problems: [String] {
        var check = RangeProblems()
        check.atLeast("model.d_model", model.dModel, 1)
        check.atLeast("model.layers", model.layers, 1)
        check.atLeast("model.heads", model.heads, 1)
        check.require(model.heads < 1 || model.dModel % model.heads == 0,
                      "model.heads \(model.heads) does not divide model.d_model \(model.dModel) (each head takes an equal share of the width)")
        check.atLeast("model.ffn", model.ffn, 1)
        check.atLeast("model.max_positions", model.maxPositions, 1)
        check.rate("model.dropout", Double(model.dropout))
        check.atLeast("data.max_input_length", data.maxInputLength, 1)
        check.atLeast("data.max_decoder_length", data.maxDecoderLength, 1)
        check.atLeast("data.train_limit", data.trainLimit, 0)
        check.atLeast("data.valid_limit", data.validLimit, 0)
        let needed = max(data.maxInputLength, data.maxDecoderLength + 1)
        check.require(model.initialize != "scratch" || model.maxPositions >= needed,
                      "model.max_positions \(model.maxPositions) is shorter than the inputs (\(needed) tokens: data.max_input_length, data.max_decoder_length + 1)")
        return check.lines + training.problems
    }

    /// A decoding error as a `DataError` naming the key, and the accepted values where there is a set of them.
    private static func error(_ error: DecodingError, in tree: [String: Any], file: String) -> DataError {
        let (path, detail): ([CodingKey], String)
        switch error {
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .keyNotFound(_, let context), .dataCorrupted(let context):
            (path, detail) = (context.codingPath, context.debugDescription)
        @unknown default:
            (path, detail) = ([], "\(error)")
        }
        let key = path.map(\.stringValue).joined(separator: ".")
        if let accepted = choices[key] {
            let value = path.dropLast().reduce(tree as Any?) { ($0 as? [String: Any])?[$1.stringValue] }
                .flatMap { ($0 as? [String: Any])?[path.last!.stringValue] }
            return DataError(file: file, field: key, "expected \(accepted.joined(separator: ", ")), got \(value.map { "\($0)".shortened(to: 60) } ?? "nothing")")
        }
        return DataError(file: file, field: key.isEmpty ? nil : key, "not a valid recipe: \(detail)")
    }

    /// Copies `source` over `tree`, key by key; a key the recipe does not have is an error.
    private static func merge(_ source: [String: Any], into tree: inout [String: Any], at path: [String], file: String) throws {
        for (key, value) in source {
            let here = (path + [key.shortened(to: 60)]).joined(separator: ".")
            guard let existing = tree[key] else {
                throw DataError(file: file, field: here, "unknown key (known here: \(tree.keys.sorted().joined(separator: ", ")))")
            }
            if var child = existing as? [String: Any] {
                guard let sub = value as? [String: Any] else { throw DataError(file: file, field: here, "expected a mapping") }
                try merge(sub, into: &child, at: path + [key], file: file)
                tree[key] = child
            } else {
                tree[key] = value
            }
        }
    }

    /// The recipe as YAML (what the run saves as config.yaml), one line per value: Yams folds long
    /// values at 80 columns, and a folded line starting `- - ` would read back as nesting (YAMLDocument).
    public func yaml() throws -> String {
        let encoder = YAMLEncoder()
        encoder.options.width = -1
        return try encoder.encode(self)
    }

    /// A digest of what this recipe trains: everything but the output folder and the keys a resumed
    /// run may change. A resume refuses a checkpoint whose identity differs.
    public func identity() throws -> String {
        var tree = try self.tree()
        tree["output"] = nil
        if var training = tree["training"] as? [String: Any] {
            for key in TrainingSettings.resumableKeys { training[key] = nil }
            tree["training"] = training
        }
        return SHA256.hex(try Yams.dump(object: tree, sortKeys: true))
    }

    /// Applies `key=value` overrides with dotted keys (`training.lr=1e-4`, `model.layers=2`).
    public mutating func override(_ assignments: [String]) throws {
        guard !assignments.isEmpty else { return }
        var tree = try self.tree()
        for assignment in assignments {
            guard let eq = assignment.firstIndex(of: "=") else {
                throw DataError(file: "--set", "expected key=value, got \(assignment)")
            }
            let path = assignment[..<eq].split(separator: ".").map(String.init)
            let value = try YAMLDocument.load(String(assignment[assignment.index(after: eq)...]), file: "--set") ?? ""
            try Self.assign(&tree, path: path, value: value, whole: assignment)
        }
        self = try Self.decode(tree, file: "--set")
    }

    private static func assign(_ tree: inout [String: Any], path: [String], value: Any, whole: String) throws {
        guard let key = path.first, tree[key] != nil else {
            throw DataError(file: "--set", "\(whole): unknown key \(path.first ?? "") (known: \(tree.keys.sorted().joined(separator: ", ")))")
        }
        if path.count == 1 {
            tree[key] = value
        } else {
            guard var child = tree[key] as? [String: Any] else { throw DataError(file: "--set", "\(whole): \(key) has no sub-keys") }
            try assign(&child, path: Array(path.dropFirst()), value: value, whole: whole)
            tree[key] = child
        }
    }
}

/// What a persona-extractor run trains on (recipe key `data.extractor_source`).
public enum ExtractorSource: String, Codable, CaseIterable, Sendable {
    /// PERSONA-CHAT (PAL-SPEC §3): every train pair the installed data gives, and PERSONA-CHAT test;
    /// validation on PERSONA-CHAT valid.
    case personachat
    /// In-domain (not in the paper): the published PESConv annotations of PAL's validation
    /// conversations as (seeker utterances 1…k+3 → entry k) pairs, every 10th conversation held out
    /// for validation; PAL's test conversations are never read.
    case pesconvValid = "pesconv-valid"
    /// A copying stage (not in the paper): ESConv's PAL-train conversations as (seeker utterances
    /// 1…k+3 → their first-person sentences) pairs, the copy baseline's output as target, so a
    /// from-scratch extractor learns to read and copy before `pesconv-valid` teaches it what to keep;
    /// validation on the same pairs of PAL's validation conversations. No published annotation is read.
    case esconvCopy = "esconv-copy"
}
