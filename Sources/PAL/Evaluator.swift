// Evaluator: the paper's automatic evaluation (PAL-SPEC §6-8) on a split — strategy accuracy (top-1…8,
// under each row's strategy-step contrast), perplexity, then responses generated with the paper's
// sampling settings and strategy-based control, scored with BLEU-1…4, Distinct-1/2, EAD-1/2, ROUGE-L
// and Cos-Sim (with a sentence encoder) — as a Table 3 table with one row per checkpoint and α, the
// mean ± the standard deviation over seeds, and every generation written out. `EvaluationSemantics`
// says where paltrain's settings and the released code's differ.
import Evaluation
import Foundation
import Models
import NN
import TensorCore
import TextData
import Training

/// The settings one evaluation computes its numbers under: paltrain's (corrected) or the released
/// code's, setting by setting. Printed above the table and kept in metrics.json.
public struct EvaluationSemantics {
    /// "paltrain" or "reference".
    public var name: String
    public var turns: ExampleTurns
    /// Perplexity over targets cut to this many tokens; 0 = full targets.
    public var pplTokens: Int
    /// Distinct-n with the reference's count (each sentence's last n-gram dropped) instead of the exact one.
    public var referenceDistinct: Bool
    /// One row per control for PAL checkpoints.
    public var controls: [StrategyControl]
    public var cosSimExamples: CosSimExamples

    public init(name: String, turns: ExampleTurns, pplTokens: Int, referenceDistinct: Bool, controls: [StrategyControl], cosSimExamples: CosSimExamples) {
        self.name = name
        self.turns = turns
        self.pplTokens = pplTokens
        self.referenceDistinct = referenceDistinct
        self.controls = controls
        self.cosSimExamples = cosSimExamples
    }

    /// One line per setting.
    func lines(encoder: SentenceEncoder?) -> [String] {
        ["semantics: " + (name == "reference" ? "reference (the released code's, as Table 3 was computed)" : "paltrain (corrected; --reference for the released code's)"),
         "  examples: \(turns.rawValue)",
         "  PPL over \(pplTokens == 0 ? "whole targets, up to each model's decoder length (given with the model)" : "\(pplTokens) target tokens (strategy and end included)")",
         "  Distinct with the \(referenceDistinct ? "reference's count (each sentence's last n-gram dropped)" : "exact count")",
         "  strategy control (PAL rows): " + controls.map { "\($0.name) (strategy step α \(MetricsTable.number($0.strategyStepAlpha)))" }.joined(separator: ", "),
         "  Cos-Sim: " + (encoder?.describe(cosSimExamples) ?? "n/a (no sentence encoder: make models)"),
         "  responses: at most \(GenerationConfig.palResponseTokens) tokens after the strategy"]
    }

    func json(encoder: SentenceEncoder?) -> [String: Any] {
        ["name": name, "turns": turns.rawValue, "ppl_tokens": pplTokens == 0 ? "full" : "\(pplTokens)",
         "distinct_count": referenceDistinct ? "reference" : "exact",
         "alpha": controls.map { ["name": $0.name, "response_alphas": $0.responseAlphas.map(Double.init), "strategy_step_alpha": Double($0.strategyStepAlpha)] },
         "cos_sim_examples": cosSimExamples.rawValue, "sentence_encoder": encoder?.name ?? NSNull(),
         "sentence_pooling": encoder?.pooling.rawValue ?? NSNull(), "response_tokens": GenerationConfig.palResponseTokens]
    }
}

/// One evaluation: the checkpoints, the examples they are scored on, decoding, and where results go.
public struct Evaluator {
    public var checkpoints: [String]
    /// The examples, and the data folder they and the NLTK data come from.
    public var split: EvaluationSplit
    /// The persona the models read: their own, another conversation's, or none.
    public var condition: PersonaCondition
    /// Generate from the gold strategy instead of the predicted one.
    public var goldStrategy: Bool
    /// Sampling seeds; several give the mean ± standard deviation.
    public var seeds: [UInt64]
    public var batchSize: Int
    /// Generate responses and score them (false: ACC and PPL only).
    public var generate: Bool
    /// Pool rows of the same model and α over the checkpoints.
    public var pool: Bool
    public var semantics: EvaluationSemantics
    /// For Cos-Sim; nil reports it as n/a.
    public var sentenceEncoder: SentenceEncoder?
    /// A folder for metrics.json, table.md and the generations.
    public var output: URL?
    /// The precision the checkpoints' weights are evaluated in.
    public var weights: WeightPrecision

    public init(checkpoints: [String], split: EvaluationSplit, condition: PersonaCondition,
                goldStrategy: Bool, seeds: [UInt64], batchSize: Int, generate: Bool, pool: Bool, semantics: EvaluationSemantics,
                sentenceEncoder: SentenceEncoder?, output: URL?, weights: WeightPrecision = .f32) {
        self.checkpoints = checkpoints
        self.weights = weights
        self.split = split
        self.condition = condition
        self.goldStrategy = goldStrategy
        self.seeds = seeds
        self.batchSize = batchSize
        self.generate = generate
        self.pool = pool
        self.semantics = semantics
        self.sentenceEncoder = sentenceEncoder
        self.output = output
    }

    static let columns = ["ACC", "PPL", "B-2", "B-4", "D-1", "D-2", "E-1", "E-2", "R-L", "Cos-Sim"]

    /// Evaluates every checkpoint, prints the table and, with `output`, writes it and the generations.
    public func run() throws {
        let start = Date()
        // The output folder is checked now, not after hours of generation.
        if let output { try FileAccess.checkOutputFolder(output) }
        // Examples of the split, built exactly as for training, with the inferred persona (which Cos-Sim compares against).
        let (conversations, notes) = try split.conversations()
        let examples = try split.examples(of: conversations, persona: condition, turns: semantics.turns)
        let nltk = try NLTKTokenizer(nltkData: split.data.appendingPathComponent("nltk_data"))
        // For per-word perplexity: each reply's words as BLEU counts them.
        let replyWords = semantics.pplTokens == 0 ? examples.map { nltk.lowercasedWords($0.response).count } : nil
        let settings = semantics.lines(encoder: sentenceEncoder) + (weights.settingLine.map { ["  " + $0] } ?? [])
            + notes.map { "data: " + $0 }
        print(settings.joined(separator: "\n"))

        let personas = generate ? sentenceEncoder?.personaVectors(examples.map { DialogueExamples.personaSentences($0.persona) },
                                                                  examples: semantics.cosSimExamples) : nil
        var rows: [Row] = []
        for checkpoint in checkpoints {
            let dialogue = try split.model(checkpoint, weights: weights)
            let encoded = try examples.enumerated().map { try dialogue.encode($1, place: "\(split.name) example \($0)") }
            let cut = encoded.indices.filter { encoded[$0].labels.last != dialogue.tokenizer.eosId }
            print("evaluating \(checkpoint) (\(dialogue.format.rawValue)) on \(encoded.count) \(split.name) examples; \(dialogue.lengths.description); "
                  + "\(cut.count) targets cut to \(dialogue.lengths.limits.maxDecoderLength) tokens after the strategy")
            let controls = dialogue.format == .pal ? semantics.controls : [.none]
            let targetWords = replyWords.map { words in Self.scoredWords(words, encoded, cut: cut, tokenizer: dialogue.tokenizer, nltk: nltk) }
            let forced = teacherForced(dialogue, encoded, checkpoint: checkpoint, pplTokens: semantics.pplTokens, targetWords: targetWords,
                                       contrasted: controls.contains { $0.strategyStepAlpha != 0 })
            for control in controls {
                let label = Self.label(dialogue.format, control: control) + (condition == .true || dialogue.format == .joint ? "" : " [\(condition == .none ? "no" : condition.rawValue) persona]")
                var row = Row(model: label, control: control, forced: [forced])
                for seed in generate ? seeds : [] {
                    row.runs.append(try generateResponses(dialogue, examples, encoded, control: control, seed: seed, personas: personas,
                                                          semantics: semantics, nltk: nltk, checkpoint: checkpoint))
                }
                if pool, let same = rows.firstIndex(where: { $0.model == row.model }) {
                    rows[same].forced += row.forced
                    rows[same].runs += row.runs
                } else {
                    rows.append(row)
                }
            }
        }
        var report = settings + ["", table(rows), ""] + rows.map { row in
            "\(row.model): top-n ACC (n = 1…8) " + (0..<8).map { n in String(format: "%.2f", mean(row.accuracies.map { $0[n] })) }.joined(separator: " ")
                + (replyWords == nil ? "" : String(format: "; PPL per word %.2f", mean(row.forced.compactMap(\.wordPerplexity))))
                + (row.runs.isEmpty ? "" : String(format: "; ACC of the generated strategies %.2f; distinct replies %.0f of %d",
                                                  mean(row.runs.map(\.generationAccuracy)), mean(row.runs.map { Double($0.distinctResponses) }), examples.count))
                + "; " + row.forced.map(\.checkpoint).joined(separator: ", ")
        }
        report.append("\(examples.count) \(split.name) examples, \(condition.rawValue) persona, seeds \(seeds.map(String.init).joined(separator: ","))" + (pool ? "; rows pooled over checkpoints (mean ± std)" : ""))
        print(report.dropFirst(settings.count).joined(separator: "\n") + String(format: "\nevaluated in %.0f s", Date().timeIntervalSince(start)))
        if let output {
            try write(rows, examples: examples.count, to: output, semantics: semantics.json(encoder: sentenceEncoder))
            try FileAccess.write(report.joined(separator: "\n") + "\n", to: output.appendingPathComponent("table.md"))
        }
    }

    /// One row of the table: a model under one strategy control, generated with every seed; with
    /// --pool, several checkpoints of the same model.
    struct Row {
        var model: String
        var control: StrategyControl
        var forced: [TeacherForced]
        var runs: [SeedRun] = []

        /// Each checkpoint's top-n strategy accuracy (n = 1…8, %) under this row's strategy-step α.
        var accuracies: [[Double]] { forced.map { $0.accuracy(strategyStepAlpha: control.strategyStepAlpha) } }
    }

    /// A checkpoint's teacher-forced scores: perplexity, and the strategy logits of the first decoder
    /// step with the persona and (for PAL, when a row contrasts that step) without it.
    struct TeacherForced {
        var checkpoint: String
        var perplexity: Double
        /// exp(summed target NLL / words of the targets, each reply's strategy and end counted as two
        /// more): unlike `perplexity`, comparable across vocabularies. Nil when targets are cut.
        var wordPerplexity: Double?
        /// Per example: the gold strategy's index.
        var gold: [Int]
        /// Per example: the 8 strategy logits at the first decoder step.
        var strategyLogits: [[Float]]
        /// Per example: the same from the model reading the dialogue alone (PAL's second branch).
        var strategyLogitsWithoutPersona: [[Float]]?

        /// Top-n accuracy, n = 1…8, %, of the ranking of `(1 + α)·logits − α·logits_without_persona`
        /// (the reference's contrasted strategy step; α = 0 ranks the logits themselves).
        func accuracy(strategyStepAlpha alpha: Float) -> [Double] {
            let ranked = strategyLogits.indices.map { i -> [Int] in
                let p = strategyLogits[i]
                return TeacherForcedScores.ranking(alpha == 0 ? p : zip(p, strategyLogitsWithoutPersona![i]).map { (1 + alpha) * $0 - alpha * $1 })
            }
            return (1...8).map { n in 100 * StrategyAccuracy.topNAccuracy(labels: gold, rankedPredictions: ranked.map { Array($0.prefix(n)) }) }
        }
    }

    /// One seed's generations of one checkpoint, and their scores.
    struct SeedRun {
        var checkpoint: String
        var seed: UInt64
        var columns: [String: Double]
        var generationAccuracy: Double
        /// Different response strings among the examples.
        var distinctResponses: Int
        var generations: [[String: Any]]
    }

    /// Table 3's names: PAL (α = 0) is the PAL checkpoint without strategy-based control.
    public static func label(_ format: InputFormat, control: StrategyControl) -> String {
        switch format {
        case .pal:
            switch control.name {
            case "paper": return "PAL"
            case "none": return "PAL (α = 0)"
            case "reference": return "PAL (α as released)"
            default: return "PAL (α = \(control.name))"
            }
        case .joint: return "Blenderbot-Joint"
        case .hardPrompt: return "Hard Prompt"
        case .extractor: return "Persona extractor"
        }
    }

    /// Per-word perplexity's denominator for `encoded`: each reply's words (`replyWords`), plus its
    /// strategy and end tokens; a target cut to the model's decoder length (`cut`) counts the words of
    /// the part scored instead, and no end token.
    static func scoredWords(_ replyWords: [Int], _ encoded: [EncodedExample], cut: [Int], tokenizer: Tokenizer, nltk: NLTKTokenizer) -> Int {
        var words = replyWords.reduce(0, +) + 2 * encoded.count
        for i in cut {
            let kept = tokenizer.decode(Array(encoded[i].labels.dropFirst()), skipSpecialTokens: true)
            words += nltk.lowercasedWords(kept).count + 1 - (replyWords[i] + 2)
        }
        return words
    }

    /// Perplexity (over targets cut to `pplTokens` when positive) and the strategy logits of the
    /// first decoder step, teacher-forced; `contrasted` also runs PAL's persona-free branch there.
    private func teacherForced(_ dialogue: DialogueModel, _ encoded: [EncodedExample], checkpoint: String, pplTokens: Int, targetWords: Int?,
                               contrasted: Bool) -> TeacherForced {
        let context = ForwardContext(training: false)
        let strategyIds = dialogue.strategyIds, v = dialogue.model.config.vocabSize
        // The first decoder step does not see later targets, so cutting them leaves the strategy logits as they are.
        let forPerplexity = pplTokens > 0 ? encoded.map { e -> EncodedExample in
            var cut = e
            cut.labels = Array(e.labels.prefix(pplTokens))
            cut.decoderInputIds = Array(e.decoderInputIds.prefix(pplTokens))
            return cut
        } : encoded
        var withoutPersona: [[Float]] = []
        let scores = TeacherForcing.score(dialogue.model, forPerplexity, batchSize: batchSize, padId: dialogue.tokenizer.padId,
                                          strategyTokenIds: strategyIds) { indices, inputs in
            guard contrasted else { return }
            // The first step of the model reading the dialogue alone: its own memory, the start token.
            let memory = withNoGrad { dialogue.model.model.encoder(inputs.inputIds, mask: inputs.attentionMask, context: context) }
            let step = Seq2SeqStepSource(model: dialogue.model, memory: memory, memoryMask: inputs.attentionMask, context: context)
            let start = IndexTensor(shape: [indices.count, 1], values: [Int32](repeating: Int32(dialogue.model.config.decoderStartTokenId), count: indices.count))
            let plain = withNoGrad { step.next(start) }                                 // (B, V)
            for row in indices.indices { withoutPersona.append(strategyIds.map { plain.data[row * v + Int($0)] }) }
        }
        return TeacherForced(checkpoint: checkpoint, perplexity: scores.perplexity,
                             wordPerplexity: targetWords.map { Perplexity.perplexity(totalNLL: scores.nll, tokenCount: max($0, 1)) }, gold: encoded.map { $0.strategy!.index },
                             strategyLogits: scores.strategyLogits, strategyLogitsWithoutPersona: contrasted ? withoutPersona : nil)
    }

    /// Responses for every example with the paper's sampling under `control`, and their scores.
    private func generateResponses(_ dialogue: DialogueModel, _ examples: [DialogueExample], _ encoded: [EncodedExample], control: StrategyControl,
                                   seed: UInt64, personas: PersonaVectors?, semantics: EvaluationSemantics, nltk: NLTKTokenizer, checkpoint: String) throws -> SeedRun {
        let (tokenizer, strategyIds) = (dialogue.tokenizer, dialogue.strategyIds)
        let config = ResolvedGenerationConfig(dialogue.samplingConfig(seed: seed), model: dialogue.model.config)
        var metrics = ResponseMetrics(tokenizer: nltk)
        var generations: [[String: Any]] = [], correct = 0, responses: [String] = []
        for indices in Batcher.sequential(count: encoded.count, batchSize: batchSize) {
            let inputs = Seq2SeqInputs(Batcher.collate(encoded, indices: indices, padId: tokenizer.padId))
            let prefix: DecoderPrefix = goldStrategy ? .forcedFirst(indices.map { encoded[$0].labels[0] }) : .argmaxFirst(among: strategyIds)
            let out = Generator.generate(source: dialogue.source(inputs, control: control), batchSize: indices.count,
                                         config: config, options: GenerationOptions(prefix: prefix))
            for (row, i) in indices.enumerated() {
                let ids = out.sequences[row]
                let strategy = ids.first.flatMap { strategyIds.firstIndex(of: $0) }
                if strategy == encoded[i].strategy!.index { correct += 1 }
                let response = tokenizer.decode(Array(ids.dropFirst()).filter { $0 != tokenizer.eosId }, skipSpecialTokens: true)
                metrics.add(hypothesis: response, reference: examples[i].response)
                responses.append(response)
                generations.append(["conversation": examples[i].conversation, "turn": examples[i].turn, "context": examples[i].history,
                                    "persona": DialogueExamples.personaSentences(examples[i].persona),
                                    "strategy": strategy.map { Strategy.allCases[$0].rawValue } ?? "", "gold_strategy": examples[i].strategy.rawValue,
                                    "response": response, "reference": examples[i].response])
            }
        }
        let cosine = personas?.meanSimilarity(to: responses)
        return SeedRun(checkpoint: checkpoint, seed: seed, columns: MetricsTable.textColumns(metrics.report(vocabularySize: tokenizer.vocabularySize),
                                                                     referenceDistinct: semantics.referenceDistinct, cosine: cosine),
                       generationAccuracy: 100 * Double(correct) / Double(max(encoded.count, 1)), distinctResponses: Set(responses).count,
                       generations: generations)
    }

    /// The Table 3 markdown table: ACC and PPL are teacher-forced (the same for every seed); the
    /// generated columns show mean ± standard deviation when there are several seeds.
    private func table(_ rows: [Row]) -> String {
        MetricsTable.markdown(header: ["Model"] + Self.columns, rows: rows.map { row in
            [row.model] + Self.columns.map { column in
                let values: [Double]
                switch column {
                case "ACC": values = row.accuracies.map { $0[0] }
                case "PPL": values = row.forced.map(\.perplexity)
                default:
                    values = row.runs.compactMap { $0.columns[column] }
                    guard !values.isEmpty, values.count == row.runs.count else { return "n/a" }
                }
                let cell = MetricsTable.cell(column, mean(values))
                return values.count > 1 ? cell + " ± " + MetricsTable.cell(column, standardDeviation(values)) : cell
            }
        })
    }

    /// metrics.json (every row: teacher-forced scores, the mean and standard deviation of each
    /// generated column, and each seed's values) and generations-<row>-seed<k>.jsonl (with
    /// --pool, generations-<row>-checkpoint<j>-seed<k>.jsonl).
    private func write(_ rows: [Row], examples: Int, to folder: URL, semantics: [String: Any]) throws {
        try FileAccess.createFolder(folder)
        var files: [String] = []
        let objects: [[String: Any]] = try rows.enumerated().map { r, row in
            let accuracies = row.accuracies
            var object: [String: Any] = ["model": row.model, "checkpoints": row.forced.map(\.checkpoint), "alpha": row.control.name,
                                         "strategy_step_alpha": Double(row.control.strategyStepAlpha),
                                         "ACC": mean(accuracies.map { $0[0] }),
                                         "top_n_ACC": (0..<8).map { n in mean(accuracies.map { $0[n] }) },
                                         "PPL": mean(row.forced.map(\.perplexity)),
                                         "per_checkpoint": zip(row.forced, accuracies).map { forced, accuracy -> [String: Any] in
                                             ["checkpoint": forced.checkpoint, "top_n_ACC": accuracy, "PPL": forced.perplexity]
                                                 .merging(forced.wordPerplexity.map { ["PPL_per_word": $0] } ?? [:]) { $1 } }]
            let wordPerplexities = row.forced.compactMap(\.wordPerplexity)
            if !wordPerplexities.isEmpty { object["PPL_per_word"] = mean(wordPerplexities) }
            if !row.runs.isEmpty {
                object["generation_ACC"] = mean(row.runs.map(\.generationAccuracy))
                object["distinct_responses"] = mean(row.runs.map { Double($0.distinctResponses) })
            }
            var spread: [String: Double] = ["ACC": standardDeviation(accuracies.map { $0[0] }),
                                            "PPL": standardDeviation(row.forced.map(\.perplexity))]
            if !wordPerplexities.isEmpty { spread["PPL_per_word"] = standardDeviation(wordPerplexities) }
            for column in Set(row.runs.flatMap(\.columns.keys)) {
                let values = row.runs.compactMap { $0.columns[column] }
                object[column] = mean(values)
                spread[column] = standardDeviation(values)
            }
            object["std"] = spread
            object["per_seed"] = row.runs.map { run -> [String: Any] in
                var entry: [String: Any] = run.columns
                entry["seed"] = Double(run.seed)
                entry["generation_ACC"] = run.generationAccuracy
                entry["distinct_responses"] = Double(run.distinctResponses)
                entry["checkpoint"] = run.checkpoint
                return entry
            }
            let runsPerCheckpoint = max(1, row.runs.count / max(1, row.forced.count))
            for (j, run) in row.runs.enumerated() {
                // Pooled rows hold several checkpoints, each with the same seeds: files numbered in the order given.
                let pooled = row.forced.count > 1 ? "-checkpoint\(j / runsPerCheckpoint + 1)" : ""
                let name = "generations-\(r + 1)-\(Self.slug(row.model))\(pooled)-seed\(run.seed).jsonl"
                let lines = try run.generations.map { String(decoding: try JSONSerialization.data(withJSONObject: $0, options: [.sortedKeys]), as: UTF8.self) }
                try FileAccess.write(lines.joined(separator: "\n") + "\n", to: folder.appendingPathComponent(name))
                files.append(name)
            }
            return object
        }
        let summary: [String: Any] = ["rows": objects, "split": split.name, "examples": examples, "seeds": seeds.map(String.init).joined(separator: ","),
                                      "persona": condition.rawValue,
                                      "semantics": semantics]
        try FileAccess.write(JSONSerialization.data(withJSONObject: summary, options: [.prettyPrinted, .sortedKeys]), to: folder.appendingPathComponent("metrics.json"))
        print("wrote \(folder.path)/metrics.json, table.md and \(files.count) generation file(s): \(files.joined(separator: ", "))")
    }

    static func slug(_ label: String) -> String {
        String(label.lowercased().replacingOccurrences(of: "α", with: "alpha").map { $0.isASCII && ($0.isLetter || $0.isNumber) ? $0 : "-" })
            .split(separator: "-").joined(separator: "-")
    }
}

private func mean(_ values: [Double]) -> Double { values.isEmpty ? .nan : values.reduce(0, +) / Double(values.count) }

/// The sample standard deviation (0 for one value).
private func standardDeviation(_ values: [Double]) -> Double {
    guard values.count > 1 else { return 0 }
    let m = mean(values)
    return (values.map { ($0 - m) * ($0 - m) }.reduce(0, +) / Double(values.count - 1)).squareRoot()
}
