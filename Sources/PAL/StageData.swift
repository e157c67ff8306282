// The examples of each stage, built from the installed data as a recipe says: PAL (or a baseline)
// on ESConv/PESConv with PAL's split, the persona extractor on PERSONA-CHAT.
import Foundation
import Evaluation
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
        let format = recipe.format
        let folder = URL(fileURLWithPath: recipe.data.folder)
        var corpus = try ESConvCorpus.load(data: folder)
        if !recipe.data.pesconv.isEmpty {
            guard FileManager.default.fileExists(atPath: recipe.data.pesconv) || format == .joint else {
                throw DataError(file: recipe.data.pesconv, "missing: write it with `paltrain annotate --extractor <extractor run>/best.h5 -o \(recipe.data.pesconv)`, "
                                + "or set data.pesconv to empty and data.persona_source to seeker-utterances")
            }
            if FileManager.default.fileExists(atPath: recipe.data.pesconv) { try corpus.attachPersonas(from: URL(fileURLWithPath: recipe.data.pesconv)) }
        }
        var (train, valid, _) = corpus.parts(corpus.split(seed: recipe.data.splitSeed))
        if recipe.data.trainLimit > 0 { train = Array(train.prefix(recipe.data.trainLimit)) }
        if recipe.data.validLimit > 0 { valid = Array(valid.prefix(recipe.data.validLimit)) }
        // Joint reads no persona, so any source will do; the others need the one asked for.
        let source = format == .joint ? .seekerUtterances : recipe.data.personaSource
        let missing = (train + valid).filter { $0.personaList == nil }.count
        if source == .inferred && missing > 0 {
            throw DataError(file: recipe.data.pesconv.isEmpty ? folder.appendingPathComponent("pesconv").path : recipe.data.pesconv,
                            "\(missing) conversations have no inferred persona: run `paltrain annotate` and set data.pesconv to its output, "
                            + "or set data.persona_source: seeker-utterances (the reference runs' quirk)")
        }
        let trainText = try DialogueExamples.make(from: train, file: "train", turns: .everySupporterTurn, persona: source)
        let validText = try DialogueExamples.make(from: valid, file: "valid", turns: recipe.data.validTurns, persona: source)
        let limits = recipe.encodingLimits
        return StageExamples(train: try trainText.examples.map { try ExampleEncoder.encode($0, format: format, tokenizer: tokenizer, limits: limits) },
                             valid: try validText.examples.map { try ExampleEncoder.encode($0, format: format, tokenizer: tokenizer, limits: limits) },
                             notes: corpus.notes + trainText.report.lines + validText.report.lines)
    }

    /// Persona-extractor pairs, from what `data.extractor_source` names: `personachat` (train = every
    /// PERSONA-CHAT pair the installed data gives: the RCDG train dialogues with both personas, the
    /// Xpersona train dialogues with the second persona found in jwlyn's train personas where it is
    /// unambiguous, and PERSONA-CHAT test; valid = PERSONA-CHAT valid), `pesconv-valid` (the
    /// published PESConv of PAL's validation conversations, never its test conversations) or
    /// `esconv-copy` (the copy baseline's entries for PAL's train conversations, see `copyPairs`).
    public static func extractor(_ recipe: Recipe, tokenizer: Tokenizer) throws -> StageExamples {
        let source = recipe.data.extractorSource
        let length = recipe.data.maxInputLength
        func encoded(_ train: [ExtractorPair], _ valid: [ExtractorPair], notes: [String]) -> StageExamples {
            StageExamples(train: train.map { ExampleEncoder.encode($0, tokenizer: tokenizer, maxLength: length) },
                          valid: valid.map { ExampleEncoder.encode($0, tokenizer: tokenizer, maxLength: length) }, notes: notes)
        }
        switch source {
        case .personachat:
            let data = try personaChatDialogues(URL(fileURLWithPath: recipe.data.folder))
            var trainDialogues = data.train, validDialogues = data.valid
            if recipe.data.trainLimit > 0 { trainDialogues = Array(trainDialogues.prefix(recipe.data.trainLimit)) }
            if recipe.data.validLimit > 0 { validDialogues = Array(validDialogues.prefix(recipe.data.validLimit)) }
            let train = ExtractorPairs.make(from: trainDialogues), valid = ExtractorPairs.make(from: validDialogues)
            return encoded(train.pairs, valid.pairs, notes: data.notes + train.report.lines + valid.report.lines)
        case .pesconvValid, .esconvCopy:
            let data = URL(fileURLWithPath: recipe.data.folder)
            let corpus = try ESConvCorpus.load(data: data)
            let split = corpus.split(seed: recipe.data.splitSeed)
            var pairs = source == .pesconvValid
                ? ExtractorPairs.publishedValidation(corpus.conversations, split: split)
                : copyPairs(corpus.conversations, split: split, tokenizer: try NLTKTokenizer(nltkData: data.appendingPathComponent("nltk_data")))
            if recipe.data.trainLimit > 0 { pairs.train = Array(pairs.train.prefix(recipe.data.trainLimit)) }
            if recipe.data.validLimit > 0 { pairs.valid = Array(pairs.valid.prefix(recipe.data.validLimit)) }
            let note = source == .pesconvValid
                ? "in-domain pairs from the published PESConv of PAL's \(split.valid.count) validation conversations "
                    + "(every \(ExtractorPairs.defaultHoldoutEvery)th held out for validation; the \(split.test.count) test conversations are not read)"
                : "copy pairs (targets: the seeker's own first-person sentences so far) from PAL's \(split.train.count) train conversations, "
                    + "validation on its \(split.valid.count) validation conversations; the \(split.test.count) test conversations are not read"
            return encoded(pairs.train, pairs.valid, notes: [note] + corpus.notes + pairs.report.lines)
        }
    }

    /// The `esconv-copy` stage's pairs: for entry k of every train (and, for validation, every
    /// validation) conversation of `split`, source = seeker utterances 1…k+3, target = the copy
    /// baseline's entry (their first-person sentences, lower-cased, each once); test conversations
    /// are not read.
    public static func copyPairs(_ conversations: [Conversation], split: DataSplit, tokenizer: NLTKTokenizer)
        -> (train: [ExtractorPair], valid: [ExtractorPair], report: SkipReport) {
        var report = SkipReport()
        func pairs(_ indices: [Int]) -> [ExtractorPair] {
            indices.flatMap { index in
                var conversation = conversations[index]
                conversation.personaList = CopyBaseline.personas(conversation, tokenizer: tokenizer).personaList
                return ExtractorPairs.entryPairs(conversation, index: index, report: &report)
            }
        }
        let train = pairs(split.train), valid = pairs(split.valid)
        return (train, valid, report)
    }

    /// The PERSONA-CHAT dialogues for the extractor: train = RCDG's train dialogues (both personas,
    /// the cut last one included), Xpersona's train dialogues (the missing persona filled in from
    /// jwlyn's train personas where one train dialogue matches) and PERSONA-CHAT test (unused by PAL
    /// otherwise); valid = PERSONA-CHAT valid. Xpersona's En_persona_test.json is PERSONA-CHAT valid again
    /// and is never read.
    public static func personaChatDialogues(_ data: URL) throws -> (train: [PersonaChatDialogue], valid: [PersonaChatDialogue], notes: [String]) {
        let dir = data.appendingPathComponent("personachat")
        let jwlyn = dir.appendingPathComponent("jwlyn_convai2neo4j/train.txt")
        let rcdg = try PersonaChatReader.readRCDG(directory: dir.appendingPathComponent("songhaoyu_RCDG"), jwlynTrain: jwlyn, trailingDialogue: .keep)
        let trainPersonas = try PersonaChatReader.readJwlynTrainPersonas(jwlyn)
        let xpersona = PersonaChatReader.completePersonas(try PersonaChatReader.readXpersona(dir.appendingPathComponent("En_persona_valid.json")).dialogues,
                                                          from: trainPersonas.dialogues)
        let test = try PersonaChatReader.readCSV(dir.appendingPathComponent("test.csv"))
        let valid = try PersonaChatReader.readCSV(dir.appendingPathComponent("valid.csv"))
        let notes = ["train: \(rcdg.dialogues.count) RCDG dialogues, \(xpersona.dialogues.count) Xpersona train dialogues, \(test.dialogues.count) PERSONA-CHAT test dialogues; "
                     + "valid: \(valid.dialogues.count) PERSONA-CHAT valid dialogues"]
            + rcdg.skipped.lines + xpersona.report.lines.map { "Xpersona: " + $0 }
        return (rcdg.dialogues + xpersona.dialogues + test.dialogues, valid.dialogues, notes)
    }
}
