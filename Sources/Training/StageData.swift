// The examples of each stage, built from the installed data as a recipe says: PAL (or a baseline)
// on ESConv/PESConv with PAL's split, the persona extractor on PERSONA-CHAT.
import Foundation
import TextData

public struct StageExamples {
    public var train: [EncodedExample]
    public var valid: [EncodedExample]
    /// One line per thing left out or handled by a fallback.
    public var notes: [String]
}

public enum StageData {
    /// PAL, Joint or Hard Prompt examples (recipe.variant) for PAL's train and valid parts.
    public static func dialogue(_ recipe: Recipe, tokenizer: Tokenizer) throws -> StageExamples {
        guard let variant = ModelVariant(rawValue: recipe.variant) else {
            throw DataError(file: "recipe", field: "variant", "expected pal, joint or hard-prompt, got \(recipe.variant)")
        }
        guard let personaSource = PersonaSource(rawValue: recipe.data.personaSource),
              let validTurns = ExampleTurns(rawValue: recipe.data.validTurns) else {
            throw DataError(file: "recipe", field: "data", "persona_source is inferred or seeker-utterances; valid_turns is every-supporter-turn or after-seeker-turn")
        }
        let folder = URL(fileURLWithPath: recipe.data.folder)
        var corpus = try ESConvCorpus.load(data: folder)
        if !recipe.data.pesconv.isEmpty {
            guard FileManager.default.fileExists(atPath: recipe.data.pesconv) || variant == .joint else {
                throw DataError(file: recipe.data.pesconv, "missing: write it with `paltrain annotate --extractor <extractor run>/best.h5 -o \(recipe.data.pesconv)`, "
                                + "or set data.pesconv to empty and data.persona_source to seeker-utterances")
            }
            if FileManager.default.fileExists(atPath: recipe.data.pesconv) { try corpus.attachPersonas(from: URL(fileURLWithPath: recipe.data.pesconv)) }
        }
        var (train, valid, _) = corpus.parts(DataSplit.pal(count: corpus.conversations.count, seed: recipe.data.splitSeed))
        if recipe.data.trainLimit > 0 { train = Array(train.prefix(recipe.data.trainLimit)) }
        if recipe.data.validLimit > 0 { valid = Array(valid.prefix(recipe.data.validLimit)) }
        // Joint reads no persona, so any source will do; the others need the one asked for.
        let source = variant == .joint ? .seekerUtterances : personaSource
        let missing = (train + valid).filter { $0.personaList == nil }.count
        if source == .inferred && missing > 0 {
            throw DataError(file: recipe.data.pesconv.isEmpty ? folder.appendingPathComponent("pesconv").path : recipe.data.pesconv,
                            "\(missing) conversations have no inferred persona: run `paltrain annotate` and set data.pesconv to its output, "
                            + "or set data.persona_source: seeker-utterances (the reference runs' quirk)")
        }
        let trainText = try DialogueExamples.make(from: train, file: "train", turns: .everySupporterTurn, persona: source)
        let validText = try DialogueExamples.make(from: valid, file: "valid", turns: validTurns, persona: source)
        let limits = EncodingLimits(maxInputLength: recipe.data.maxInputLength, maxDecoderLength: recipe.data.maxDecoderLength,
                                    maxPersonaLength: recipe.data.maxInputLength)
        return StageExamples(train: try trainText.examples.map { try ExampleEncoder.encode($0, variant: variant, tokenizer: tokenizer, limits: limits) },
                             valid: try validText.examples.map { try ExampleEncoder.encode($0, variant: variant, tokenizer: tokenizer, limits: limits) },
                             notes: corpus.report.lines + trainText.report.lines + validText.report.lines)
    }

    /// Persona-extractor pairs: train = the PERSONA-CHAT train sample (RCDG dialogues with both
    /// personas, Xpersona's train dialogues with one), valid = PERSONA-CHAT valid.
    public static func extractor(_ recipe: Recipe, tokenizer: Tokenizer) throws -> StageExamples {
        let dir = URL(fileURLWithPath: recipe.data.folder).appendingPathComponent("personachat")
        let rcdg = try PersonaChatReader.readRCDG(directory: dir.appendingPathComponent("songhaoyu_RCDG"),
                                                  jwlynTrain: dir.appendingPathComponent("jwlyn_convai2neo4j/train.txt"))
        let xpersona = try PersonaChatReader.readXpersona(dir.appendingPathComponent("En_persona_valid.json"))
        let validCSV = try PersonaChatReader.readCSV(dir.appendingPathComponent("valid.csv"))
        var trainDialogues = rcdg.dialogues + xpersona.dialogues, validDialogues = validCSV.dialogues
        if recipe.data.trainLimit > 0 { trainDialogues = Array(trainDialogues.prefix(recipe.data.trainLimit)) }
        if recipe.data.validLimit > 0 { validDialogues = Array(validDialogues.prefix(recipe.data.validLimit)) }
        let train = ExtractorPairs.make(from: trainDialogues), valid = ExtractorPairs.make(from: validDialogues)
        let length = recipe.data.maxInputLength
        return StageExamples(train: train.pairs.map { ExampleEncoder.encode($0, tokenizer: tokenizer, maxLength: length) },
                             valid: valid.pairs.map { ExampleEncoder.encode($0, tokenizer: tokenizer, maxLength: length) },
                             notes: rcdg.skipped.lines + xpersona.skipped.lines + train.report.lines + valid.report.lines)
    }
}
