// PersonaUseTest: whether a dialogue model uses the persona it reads, example by example. Every
// example of the split whose own persona is not empty is scored teacher-forced three times: with its
// own persona, with another conversation's (`PersonaCondition.shuffled`) and with none. The summed
// target NLL differences per target token (another − own, none − own; in nats, so exp(Δ) is the
// perplexity ratio) come with a percentile interval from a bootstrap over whole conversations, per
// checkpoint and as the mean over the checkpoints (one draw for all, so they stay paired). Examples
// without a persona of their own read `<input>` in every condition and are left out, where
// `eval --persona` counts them and so dilutes the difference.
import Evaluation
import Foundation
import Models
import TextData
import Training

public struct PersonaUseTest {
    public var checkpoints: [String]
    /// The examples (the limit applies before those without a persona are left out); the split's
    /// seed also seeds the bootstrap.
    public var split: EvaluationSplit
    public var batchSize: Int
    /// Bootstrap draws.
    public var resamples: Int
    /// A folder for metrics.json and table.md.
    public var output: URL?

    public init(checkpoints: [String], split: EvaluationSplit, batchSize: Int, resamples: Int, output: URL?) {
        self.checkpoints = checkpoints
        self.split = split
        self.batchSize = batchSize
        self.resamples = resamples
        self.output = output
    }

    /// The personas each example is compared under, against its own.
    static let alternatives: [PersonaCondition] = [.shuffled, .none]

    /// One checkpoint's summed target NLL of every kept example under each condition, and the examples' target tokens.
    struct Scores {
        var checkpoint: String
        var nll: [PersonaCondition: [Double]]
        var tokens: [Double]

        func perplexity(_ condition: PersonaCondition) -> Double { exp(nll[condition]!.reduce(0, +) / tokens.reduce(0, +)) }

        /// Per example: NLL under `condition` minus NLL with its own persona.
        func differences(_ condition: PersonaCondition) -> [Double] { zip(nll[condition]!, nll[.true]!).map { $0 - $1 } }

        /// The share of examples, %, whose gold reply is likelier with its own persona than under `condition`.
        func ownBetter(_ condition: PersonaCondition) -> Double {
            100 * Double(differences(condition).filter { $0 > 0 }.count) / Double(max(tokens.count, 1))
        }
    }

    /// Scores every checkpoint, prints the table and, with `output`, writes it and metrics.json.
    public func run() throws {
        if let output { try FileAccess.checkOutputFolder(output) }
        let conversations = try split.conversations().conversations
        var examples: [PersonaCondition: [DialogueExample]] = [:]
        for condition in [PersonaCondition.true] + Self.alternatives {
            examples[condition] = try split.examples(of: conversations, persona: condition)
        }
        let own = examples[.true]!
        for condition in Self.alternatives where examples[condition]!.map({ [$0.conversation, $0.turn] }) != own.map({ [$0.conversation, $0.turn] }) {
            throw DataError(file: split.name, "the \(condition.rawValue)-persona examples are not the own-persona examples' turns; report this as a bug")
        }
        let kept = own.indices.filter { !DialogueExamples.personaSentences(own[$0].persona).isEmpty }
        guard !kept.isEmpty else {
            throw DataError(file: split.pesconv ?? "the published PESConv", "no \(split.name) example has a persona of its own: give a PESConv file with personas (--pesconv)")
        }
        let clusters = kept.map { own[$0].conversation }
        var header = ["persona-use test: \(kept.count) of \(own.count) \(split.name) examples have a persona of their own, from \(Set(clusters).count) conversations;",
                      "Δ = NLL per target token with another conversation's persona (or none) minus with the own, in nats (exp Δ = the PPL ratio);",
                      "95% percentile interval of \(resamples) bootstrap draws of whole conversations (seed \(split.seed))"]
        if let pesconv = split.pesconv { header.append("personas: \(pesconv)") }
        print(header.joined(separator: "\n"))

        var scores: [Scores] = []
        for checkpoint in checkpoints {
            let dialogue = try split.model(checkpoint)
            guard dialogue.format != .joint else {
                throw DataError(file: checkpoint, "a Blenderbot-Joint model reads no persona: the test needs a PAL or Hard Prompt checkpoint")
            }
            var entry = Scores(checkpoint: checkpoint, nll: [:], tokens: [])
            for (condition, list) in examples {
                let encoded = try kept.map { try dialogue.encode(list[$0], place: "\(split.name) example \($0)") }
                if condition == .true { entry.tokens = encoded.map { Double($0.labels.count) } }
                entry.nll[condition] = TeacherForcing.score(dialogue.model, encoded, batchSize: batchSize, padId: dialogue.tokenizer.padId,
                                                            strategyTokenIds: [], perExample: true).exampleNLL
            }
            print("scored \(checkpoint) (\(dialogue.format.rawValue)) under 3 personas; \(dialogue.lengths.description)")
            scores.append(entry)
        }
        let table = report(scores, clusters: clusters)
        print(table.text)
        if let output {
            try FileAccess.createFolder(output)
            try FileAccess.write((header + ["", table.text]).joined(separator: "\n") + "\n", to: output.appendingPathComponent("table.md"))
            let summary: [String: Any] = ["split": split.name, "examples": own.count, "examples_with_persona": kept.count, "conversations": Set(clusters).count,
                                          "resamples": resamples, "rows": table.rows]
            try FileAccess.write(JSONSerialization.data(withJSONObject: summary, options: [.prettyPrinted, .sortedKeys]),
                                 to: output.appendingPathComponent("metrics.json"))
            print("wrote \(output.path)/metrics.json and table.md")
        }
    }

    /// The table (a row per checkpoint, and their mean when there are several) and its rows as JSON objects.
    private func report(_ scores: [Scores], clusters: [Int]) -> (text: String, rows: [[String: Any]]) {
        func interval(_ series: [Scores], _ condition: PersonaCondition) -> ClusterBootstrap.Interval {
            ClusterBootstrap.ratioOfSums(numerators: series.map { $0.differences(condition) }, denominators: series.map(\.tokens),
                                         clusters: clusters, resamples: resamples, seed: split.seed)
        }
        func average(_ values: [Double]) -> Double { values.reduce(0, +) / Double(values.count) }
        var groups = scores.map { ($0.checkpoint, [$0]) }
        if scores.count > 1 { groups.append(("mean of \(scores.count)", scores)) }
        var lines = ["| checkpoint | PPL own | PPL another's | Δ another's (95% CI) | own better | PPL none | Δ none (95% CI) | own better |",
                     "|---|---|---|---|---|---|---|---|"]
        var rows: [[String: Any]] = []
        for (name, series) in groups {
            var cells = [name, String(format: "%.3f", average(series.map { $0.perplexity(.true) }))]
            var row: [String: Any] = ["checkpoint": name, "PPL_own": average(series.map { $0.perplexity(.true) })]
            for condition in Self.alternatives {
                let range = interval(series, condition), better = average(series.map { $0.ownBetter(condition) })
                cells += [String(format: "%.3f", average(series.map { $0.perplexity(condition) })),
                          String(format: "%+.4f (%+.4f, %+.4f)", range.estimate, range.low, range.high), String(format: "%.1f%%", better)]
                row["PPL_\(condition.rawValue)"] = average(series.map { $0.perplexity(condition) })
                row["delta_\(condition.rawValue)"] = ["estimate": range.estimate, "low": range.low, "high": range.high]
                row["own_better_\(condition.rawValue)"] = better
            }
            lines.append("| " + cells.joined(separator: " | ") + " |")
            rows.append(row)
        }
        let pooled = groups.last!
        lines.append("")
        for condition in Self.alternatives {
            let range = interval(pooled.1, condition)
            let reading = range.low > 0 ? "its own persona makes the gold replies likelier: the interval lies above 0"
                : range.high < 0 ? "its own persona makes the gold replies less likely: the interval lies below 0"
                : "no difference shown at this size: the interval includes 0"
            lines.append("\(condition == .shuffled ? "another conversation's persona" : "no persona") (\(pooled.0)): \(reading)")
        }
        return (lines.joined(separator: "\n"), rows)
    }
}
