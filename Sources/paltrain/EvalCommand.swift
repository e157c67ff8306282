// `paltrain eval <ckpt>...`: the paper's automatic evaluation (PAL-SPEC §6-8) on a split — strategy
// accuracy (top-1…8, under each row's strategy-step contrast), perplexity, then responses generated
// with the paper's sampling settings and strategy-based control, scored with BLEU-1…4, Distinct-1/2,
// EAD-1/2, ROUGE-L and Cos-Sim (with a sentence encoder installed) — as a Table 3 table with one row
// per checkpoint and α, the mean ± the standard deviation over seeds, and every generation written
// out. `--reference` switches every setting where the released code differs to its semantics.
import ArgumentParser
import Evaluation
import Foundation
import Models
import NN
import TensorCore
import TextData
import Training

struct Eval: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Evaluate PAL, Joint or Hard Prompt checkpoints on the test (or valid) split: ACC, PPL, BLEU, Distinct, EAD, ROUGE-L, Cos-Sim.",
        discussion: "Example, Table 3's PAL, PAL (α = 0) and Joint rows over three seeds: "
            + "paltrain eval runs/pal/best.h5 runs/joint/best.h5 --alpha paper --alpha none --seeds 0,1,2 --output runs/test. "
            + "With --reference, the settings where the released code differs take its values (listed above the table); "
            + "an option given explicitly overrides them.")

    @Flag(help: "The released code's semantics, for numbers comparable with Table 3: --turns after-seeker-turn, --ppl-tokens 16, --reference-distinct, --alpha reference, --cos-sim-examples every (and pooler pooling for a SimCSE encoder, as always).")
    var reference = false

    @Argument(help: "The checkpoints (e.g. runs/pal-small/best.h5); one row each (per α for PAL).")
    var checkpoints: [String]

    @Option(help: "The data folder that `make data` fills.")
    var data = "data"

    @Option(help: "A PESConv file with personas for every conversation (default: the published annotations, which cover valid and test).")
    var pesconv: String?

    @Option(help: "test or valid.")
    var split = "test"

    @Option(help: "Split seed (13 = the paper's split).")
    var splitSeed: UInt64 = 13

    @Option(help: "Which turns: every-supporter-turn (default), or after-seeker-turn (the reference's rule).")
    var turns: String?

    @Option(help: "Evaluate only the first N examples (0 = all).")
    var limit = 0

    @Option(help: "The persona the models read: true (the conversation's own), shuffled (another test conversation's, seeded by the split seed) or none (`<input>` everywhere); shows whether a model uses the persona.")
    var persona = "true"

    @Option(help: "Strategy-based control for PAL checkpoints, one row each (repeat it): \(StrategyControl.accepted). Default: paper (reference with --reference).")
    var alpha: [String] = []

    @Flag(help: "Generate from the gold strategy instead of the predicted one.")
    var goldStrategy = false

    @Option(help: "Perplexity over targets cut to this many tokens (the reference's 16), 0 = full length (default).")
    var pplTokens: Int?

    @Flag(help: "Distinct-n with the exact count (default), or with the reference's (each sentence's last n-gram dropped).")
    var distinctCount: DistinctCount?

    @Option(help: "Sampling seeds, comma-separated; several give the mean ± standard deviation.")
    var seeds = "13"

    @Option(help: "Examples per batch.")
    var batchSize = 32

    @Flag(inversion: .prefixedNo, help: "Generate responses and score them (--no-generate: ACC and PPL only, fast).")
    var generate = true

    @Flag(help: "Pool rows of the same model and α over the checkpoints (e.g. one per training seed): each cell is the mean ± standard deviation over every checkpoint (and sampling seed).")
    var pool = false

    @Option(help: "A folder to write metrics.json, table.md and the generations (one JSON-lines file per row and seed) into.")
    var output: String?

    @OptionGroup var encoder: SentenceEncoderOptions

    static let columns = ["ACC", "PPL", "B-2", "B-4", "D-1", "D-2", "E-1", "E-2", "R-L", "Cos-Sim"]

    /// How Distinct-n counts n-grams.
    enum DistinctCount: String, EnumerableFlag {
        case exactDistinct, referenceDistinct
    }

    /// The settings one run computes its numbers under: the options given, else the reference's
    /// (with --reference), else paltrain's defaults. Printed above the table and kept in metrics.json.
    struct Semantics {
        var turns: ExampleTurns
        var pplTokens: Int
        var referenceDistinct: Bool
        var controls: [StrategyControl]
        var cosSimExamples: CosSimExamples

        /// One line per setting.
        func lines(name: String, encoder: SentenceEncoder?) -> [String] {
            ["semantics: \(name)",
             "  examples: \(turns.rawValue)",
             "  PPL over \(pplTokens == 0 ? "full targets" : "\(pplTokens) target tokens (strategy and end included)")",
             "  Distinct with the \(referenceDistinct ? "reference's count (each sentence's last n-gram dropped)" : "exact count")",
             "  strategy control (PAL rows): " + controls.map { "\($0.name) (strategy step α \(MetricsTable.number($0.strategyStepAlpha)))" }.joined(separator: ", "),
             "  Cos-Sim: " + (encoder?.describe(cosSimExamples) ?? "n/a (no sentence encoder: make models)"),
             "  responses: at most \(GenerationConfig.palResponseTokens) tokens after the strategy"]
        }

        func json(name: String, encoder: SentenceEncoder?) -> [String: Any] {
            ["name": name, "turns": turns.rawValue, "ppl_tokens": pplTokens == 0 ? "full" : "\(pplTokens)",
             "distinct_count": referenceDistinct ? "reference" : "exact",
             "alpha": controls.map { ["name": $0.name, "response_alphas": $0.responseAlphas.map(Double.init), "strategy_step_alpha": Double($0.strategyStepAlpha)] },
             "cos_sim_examples": cosSimExamples.rawValue, "sentence_encoder": encoder?.name ?? NSNull(),
             "sentence_pooling": encoder?.pooling.rawValue ?? NSNull(), "response_tokens": GenerationConfig.palResponseTokens]
        }
    }

    /// The semantics of this invocation.
    func semantics() throws -> Semantics {
        let turnsName = turns ?? (reference ? ExampleTurns.afterSeekerTurn.rawValue : ExampleTurns.everySupporterTurn.rawValue)
        guard let rule = ExampleTurns(rawValue: turnsName) else {
            throw ValidationError("--turns is every-supporter-turn or after-seeker-turn, got \(turnsName)")
        }
        let ppl = pplTokens ?? (reference ? 16 : 0)
        guard ppl >= 0 else { throw ValidationError("--ppl-tokens is 0 (full targets) or a positive count, got \(ppl)") }
        let names = alpha.isEmpty ? [reference ? "reference" : "paper"] : alpha
        return Semantics(turns: rule, pplTokens: ppl, referenceDistinct: (distinctCount ?? (reference ? .referenceDistinct : .exactDistinct)) == .referenceDistinct,
                         controls: try names.map(DialogueModel.control), cosSimExamples: encoder.examples(reference: reference))
    }

    func run() throws {
        let start = Date()
        let dataURL = URL(fileURLWithPath: data)
        guard split == "test" || split == "valid" else { throw ValidationError("--split is test or valid, got \(split)") }
        guard let condition = PersonaCondition(rawValue: persona) else {
            throw ValidationError("--persona is true, shuffled or none, got `\(persona)`")
        }
        let seedList = try seeds.split(separator: ",").map { s -> UInt64 in
            guard let seed = UInt64(s.trimmingCharacters(in: .whitespaces)) else { throw ValidationError("--seeds is a comma-separated list of integers, got \(seeds)") }
            return seed
        }
        guard !seedList.isEmpty, !checkpoints.isEmpty else { throw ValidationError("give at least one checkpoint and one seed") }
        let semantics = try semantics()
        let semanticsName = reference ? "reference (the released code's, as Table 3 was computed)" : "paltrain (corrected; --reference for the released code's)"

        // Examples of the split, built exactly as for training, with the inferred persona (which Cos-Sim compares against).
        var corpus = try ESConvCorpus.load(data: dataURL)
        if let pesconv { try corpus.attachPersonas(from: URL(fileURLWithPath: pesconv)) }
        let parts = corpus.parts(DataSplit.pal(count: corpus.conversations.count, seed: splitSeed))
        let conversations = condition.apply(to: split == "test" ? parts.test : parts.valid, seed: splitSeed)
        var examples = try DialogueExamples.make(from: conversations, file: split, turns: semantics.turns, persona: .inferred).examples
        if limit > 0 { examples = Array(examples.prefix(limit)) }
        let nltk = try NLTKTokenizer(nltkData: dataURL.appendingPathComponent("nltk_data"))
        let sentenceEncoder = try encoder.load()
        let settings = semantics.lines(name: semanticsName, encoder: sentenceEncoder)
        print(settings.joined(separator: "\n"))

        var rows: [Row] = []
        for checkpoint in checkpoints {
            let dialogue = try DialogueModel(checkpoint: checkpoint, data: dataURL)
            let encoded = try examples.map { try ExampleEncoder.encode($0, variant: dialogue.variant, tokenizer: dialogue.tokenizer, limits: dialogue.limits) }
            print("evaluating \(checkpoint) (\(dialogue.variant.rawValue)) on \(encoded.count) \(split) examples")
            let controls = dialogue.variant == .pal ? semantics.controls : [.none]
            let forced = teacherForced(dialogue, encoded, checkpoint: checkpoint, pplTokens: semantics.pplTokens,
                                       contrasted: controls.contains { $0.strategyStepAlpha != 0 })
            for control in controls {
                let label = Self.label(dialogue.variant, control: control) + (condition == .true || dialogue.variant == .joint ? "" : " [\(condition == .none ? "no" : persona) persona]")
                var row = Row(model: label, control: control, forced: [forced])
                for seed in generate ? seedList : [] {
                    row.runs.append(try generateResponses(dialogue, examples, encoded, control: control, seed: seed, encoder: sentenceEncoder,
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
                + (row.runs.isEmpty ? "" : String(format: "; ACC of the generated strategies %.2f; distinct replies %.0f of %d",
                                                  mean(row.runs.map(\.generationAccuracy)), mean(row.runs.map { Double($0.distinctResponses) }), examples.count))
                + "; " + row.forced.map(\.checkpoint).joined(separator: ", ")
        }
        report.append("\(examples.count) \(split) examples, \(persona) persona, seeds \(seeds)" + (pool ? "; rows pooled over checkpoints (mean ± std)" : ""))
        print(report.dropFirst(settings.count).joined(separator: "\n") + String(format: "\nevaluated in %.0f s", Date().timeIntervalSince(start)))
        if let output {
            try write(rows, examples: examples.count, to: URL(fileURLWithPath: output), semantics: semantics.json(name: reference ? "reference" : "paltrain", encoder: sentenceEncoder))
            try (report.joined(separator: "\n") + "\n").write(to: URL(fileURLWithPath: output).appendingPathComponent("table.md"), atomically: true, encoding: .utf8)
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
                let scores = alpha == 0 ? p : zip(p, strategyLogitsWithoutPersona![i]).map { (1 + alpha) * $0 - alpha * $1 }
                return scores.indices.sorted { scores[$0] > scores[$1] || (scores[$0] == scores[$1] && $0 < $1) }
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
    static func label(_ variant: ModelVariant, control: StrategyControl) -> String {
        switch variant {
        case .pal:
            switch control.name {
            case "paper": return "PAL"
            case "none": return "PAL (α = 0)"
            case "reference": return "PAL (α as released)"
            default: return "PAL (α = \(control.name))"
            }
        case .joint: return "Blenderbot-Joint"
        case .hardPrompt: return "Hard Prompt"
        }
    }

    /// Perplexity (over targets cut to `pplTokens` when positive) and the strategy logits of the
    /// first decoder step, teacher-forced; `contrasted` also runs PAL's persona-free branch there.
    private func teacherForced(_ dialogue: DialogueModel, _ encoded: [EncodedExample], checkpoint: String, pplTokens: Int, contrasted: Bool) -> TeacherForced {
        let context = ForwardContext(training: false)
        let strategyIds = dialogue.strategyIds
        var nll = 0.0, tokens = 0, withPersona: [[Float]] = [], withoutPersona: [[Float]] = []
        let forPerplexity = pplTokens > 0 ? encoded.map { e -> EncodedExample in
            var cut = e
            cut.labels = Array(e.labels.prefix(pplTokens))
            cut.decoderInputIds = Array(e.decoderInputIds.prefix(pplTokens))
            return cut
        } : encoded
        let v = dialogue.model.config.vocabSize
        for indices in Batcher.sequential(count: encoded.count, batchSize: batchSize) {
            let batch = Batcher.collate(forPerplexity, indices: indices, padId: dialogue.tokenizer.padId)
            let (loss, logits) = withNoGrad { dialogue.model.loss(Seq2SeqInputs(batch), context: context) }
            nll += Double(loss.item) * Double(batch.targetTokenCount)
            tokens += batch.targetTokenCount
            for row in indices.indices {
                let first = logits.data + row * batch.targetLength * v
                withPersona.append(strategyIds.map { first[Int($0)] })
            }
            if contrasted {
                // The first step of the model reading the dialogue alone: its own memory, the start token.
                let inputs = Seq2SeqInputs(batch)
                let memory = withNoGrad { dialogue.model.model.encoder(inputs.inputIds, mask: inputs.attentionMask, context: context) }
                let step = Seq2SeqStepSource(model: dialogue.model, memory: memory, memoryMask: inputs.attentionMask, context: context)
                let start = IndexTensor(shape: [indices.count, 1], values: [Int32](repeating: Int32(dialogue.model.config.decoderStartTokenId), count: indices.count))
                let plain = withNoGrad { step.next(start) }                                 // (R, V)
                for row in indices.indices { withoutPersona.append(strategyIds.map { plain.data[row * v + Int($0)] }) }
            }
        }
        return TeacherForced(checkpoint: checkpoint, perplexity: Foundation.exp(nll / Double(max(tokens, 1))),
                             gold: encoded.map { $0.strategy!.index }, strategyLogits: withPersona,
                             strategyLogitsWithoutPersona: contrasted ? withoutPersona : nil)
    }

    /// Responses for every example with the paper's sampling under `control`, and their scores.
    private func generateResponses(_ dialogue: DialogueModel, _ examples: [DialogueExample], _ encoded: [EncodedExample], control: StrategyControl,
                                   seed: UInt64, encoder: SentenceEncoder?, semantics: Semantics, nltk: NLTKTokenizer, checkpoint: String) throws -> SeedRun {
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
        let cosine = encoder?.personaSimilarity(responses: responses, personas: examples.map { DialogueExamples.personaSentences($0.persona) },
                                                examples: semantics.cosSimExamples)
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
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        var files: [String] = []
        let objects: [[String: Any]] = try rows.enumerated().map { r, row in
            let accuracies = row.accuracies
            var object: [String: Any] = ["model": row.model, "checkpoints": row.forced.map(\.checkpoint), "alpha": row.control.name,
                                         "strategy_step_alpha": Double(row.control.strategyStepAlpha),
                                         "ACC": mean(accuracies.map { $0[0] }),
                                         "top_n_ACC": (0..<8).map { n in mean(accuracies.map { $0[n] }) },
                                         "PPL": mean(row.forced.map(\.perplexity)),
                                         "per_checkpoint": zip(row.forced, accuracies).map { ["checkpoint": $0.checkpoint, "top_n_ACC": $1, "PPL": $0.perplexity] }]
            if !row.runs.isEmpty {
                object["generation_ACC"] = mean(row.runs.map(\.generationAccuracy))
                object["distinct_responses"] = mean(row.runs.map { Double($0.distinctResponses) })
            }
            var spread: [String: Double] = ["ACC": standardDeviation(accuracies.map { $0[0] }),
                                            "PPL": standardDeviation(row.forced.map(\.perplexity))]
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
                try (lines.joined(separator: "\n") + "\n").write(to: folder.appendingPathComponent(name), atomically: true, encoding: .utf8)
                files.append(name)
            }
            return object
        }
        let summary: [String: Any] = ["rows": objects, "split": split, "examples": examples, "seeds": seeds, "persona": persona,
                                      "semantics": semantics]
        try JSONSerialization.data(withJSONObject: summary, options: [.prettyPrinted, .sortedKeys]).write(to: folder.appendingPathComponent("metrics.json"))
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
