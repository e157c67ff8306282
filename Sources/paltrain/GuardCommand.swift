// `paltrain guard`: the crisis guard on its own. With --list, how it does on a labelled list
// (recall, false alarms, every miss and false alarm; --sweep for the semantic threshold, chosen on a
// development list); without, one verdict per message read from stdin.
import ArgumentParser
import CommandOptions
import Foundation
import PAL

struct Guard: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "guard",
        abstract: "Run the crisis guard: measure it on a labelled list (--list), or check messages read from stdin, one per line.",
        discussion: "A list holds crisis<TAB>message or benign<TAB>message lines (# comments); Tests/PALTests/Fixtures/crisis/ has the "
            + "development and held-out lists. Stdin: each line is answered with `crisis<TAB>layer: category<TAB>evidence` or `ok`.")

    @Option(help: "A labelled list to measure the guard on.")
    var list: String?

    @Flag(help: "With --list: also print recall and false alarms of the semantic layer at each threshold from 0.30 to 0.80.")
    var sweep = false

    @OptionGroup var crisis: CrisisGuardOptions

    func validate() throws {
        if sweep, list == nil { throw ValidationError("--sweep needs --list: the thresholds are measured on a labelled list") }
    }

    func run() throws {
        let (guardrail, layers) = try crisis.load()
        guard let list else {
            FileHandle.standardError.write(Data((layers + "\n").utf8))
            var input = StandardInput()
            while let line = input.next() {
                guard let flag = guardrail.check(line) else { print("ok"); continue }
                print("crisis\t\(flag.source)\t\(flag.evidence)" + (flag.similarity.map { String(format: "\t%.3f", $0) } ?? ""))
            }
            return
        }
        print(layers)
        let evaluation = CrisisEvaluation(list: try CrisisList.read(URL(fileURLWithPath: list)), guardrail: guardrail)
        print("\(list): \(evaluation.list.crisisCount) crisis and \(evaluation.list.benignCount) benign messages\n")
        var rows: [CrisisEvaluation.Layers] = [.words]
        if let semantic = guardrail.semantic { rows += [.semantic(semantic.threshold), .all(semantic.threshold)] }
        print("| layers | recall | false alarms |\n|---|---|---|")
        for layers in rows { print(Self.row(layers.name, evaluation.outcome(layers))) }
        if sweep, guardrail.semantic != nil {
            print("\n| threshold | semantic alone: recall | false alarms | with the lexicon: recall | false alarms |\n|---|---|---|---|---|")
            let thresholds = evaluation.sweep()
            for (threshold, alone, all) in thresholds {
                print("| \(String(format: "%.2f", threshold)) | \(Self.rate(alone.caught, alone.crisis)) | \(Self.rate(alone.falseAlarms, alone.benign)) | "
                      + "\(Self.rate(all.caught, all.crisis)) | \(Self.rate(all.falseAlarms, all.benign)) |")
            }
            let rule = CrisisEvaluation.thresholdFalseAlarmBudget
            print("\nThe rule (docs/crisis-guard.md): the lowest threshold at which the semantic layer alone false-alarms on at most "
                  + "\(Int(rule * 100))% of the benign messages: "
                  + (CrisisEvaluation.lowestThreshold(thresholds, falseAlarmBudget: rule).map { String(format: "%.2f", $0) } ?? "none in the sweep")
                  + String(format: " (the built-in threshold, chosen so on the development list, is %.2f)", CrisisSemanticLayer.defaultThreshold))
        }
        let outcome = evaluation.outcome(rows.last!)
        print("\nmissed by \(rows.last!.name): \(outcome.misses.count)")
        for item in outcome.misses { print("  line \(item.line): \(item.message)") }
        print("false alarms of \(rows.last!.name): \(outcome.alarms.count)")
        for (item, flag) in outcome.alarms { print("  line \(item.line): \(item.message)  [\(flag.source): \(flag.finding)]") }
    }

    static func row(_ name: String, _ outcome: CrisisEvaluation.Outcome) -> String {
        "| \(name) | \(rate(outcome.caught, outcome.crisis)) | \(rate(outcome.falseAlarms, outcome.benign)) |"
    }

    static func rate(_ count: Int, _ total: Int) -> String {
        String(format: "%.1f%% (%d/%d)", total == 0 ? 0 : 100 * Double(count) / Double(total), count, total)
    }
}
