// CrisisGuardEvaluation: how the crisis guard does on a labelled list of messages (label<TAB>message,
// label crisis or benign; Tests/PALTests/Fixtures/crisis/): recall on the crisis messages and the
// false-alarm rate on the benign ones, for the words alone (lexicon and user patterns), the semantic
// layer alone and both, with every miss and false alarm; and a threshold sweep for choosing the
// semantic layer's threshold on a development list. Behind `paltrain guard --list`.
import Foundation
import TextData

/// A labelled list of messages.
public struct CrisisList {
    public struct Item {
        public let line: Int
        public let isCrisis: Bool
        public let message: String
    }

    public let file: String
    public let items: [Item]

    public var crisisCount: Int { items.filter(\.isCrisis).count }
    public var benignCount: Int { items.count - crisisCount }

    /// The list in `url`: one `crisis<TAB>message` or `benign<TAB>message` per line; blank lines and
    /// lines starting with # are skipped. Throws naming the line of anything else.
    public static func read(_ url: URL) throws -> CrisisList {
        var items: [Item] = []
        for (i, line) in TextLines.split(try TextLines.text(of: url)).enumerated() {
            if line.trimmingCharacters(in: .whitespaces).isEmpty || line.hasPrefix("#") { continue }
            let fields = line.split(separator: "\t", maxSplits: 1, omittingEmptySubsequences: false)
            guard fields.count == 2, ["crisis", "benign"].contains(fields[0]) else {
                throw DataError(file: url.path, line: i + 1, "expected crisis<TAB>message or benign<TAB>message, got \(line.prefix(40).debugDescription)")
            }
            let message = fields[1].trimmingCharacters(in: .whitespaces)
            guard !message.isEmpty else { throw DataError(file: url.path, line: i + 1, "the message is empty; write one or remove the line") }
            items.append(Item(line: i + 1, isCrisis: fields[0] == "crisis", message: message))
        }
        guard !items.isEmpty else { throw DataError(file: url.path, "holds no labelled message; write label<TAB>message lines") }
        return CrisisList(file: url.path, items: items)
    }
}

/// The guard's verdicts on every message of a list, under each combination of layers.
public struct CrisisEvaluation {
    /// Which layers flag.
    public enum Layers: Equatable {
        /// The lexicon and the user's patterns.
        case words
        /// The semantic layer alone at a threshold.
        case semantic(Float)
        /// Both, the semantic layer at a threshold.
        case all(Float)

        public var name: String {
            switch self {
            case .words: return "lexicon"
            case .semantic(let t): return String(format: "semantic alone (≥ %.2f)", t)
            case .all(let t): return String(format: "lexicon + semantic (≥ %.2f)", t)
            }
        }
    }

    /// Recall, false-alarm rate, misses and false alarms under some layers.
    public struct Outcome {
        public let caught: Int, crisis: Int, falseAlarms: Int, benign: Int
        public let misses: [CrisisList.Item]
        public let alarms: [(item: CrisisList.Item, flag: CrisisFlag)]

        public var recall: Double { crisis == 0 ? 0 : Double(caught) / Double(crisis) }
        public var falseAlarmRate: Double { benign == 0 ? 0 : Double(falseAlarms) / Double(benign) }
    }

    public let list: CrisisList
    /// Per message: the words' flag and, with a semantic layer, the nearest exemplar.
    public let words: [CrisisFlag?]
    public let nearest: [CrisisSemanticLayer.Nearest?]

    /// Runs `guardrail`'s layers on every message of `list`.
    public init(list: CrisisList, guardrail: CrisisGuard) {
        self.list = list
        words = list.items.map { guardrail.checkWords($0.message) }
        nearest = list.items.map { item in guardrail.semantic.flatMap { $0.nearest(item.message, lexicon: guardrail.lexicon) } }
    }

    /// The outcome when `layers` flag.
    public func outcome(_ layers: Layers) -> Outcome {
        var caught = 0, misses: [CrisisList.Item] = [], alarms: [(CrisisList.Item, CrisisFlag)] = []
        for (i, item) in list.items.enumerated() {
            let flag = self.flag(i, layers)
            if item.isCrisis {
                if flag != nil { caught += 1 } else { misses.append(item) }
            } else if let flag {
                alarms.append((item, flag))
            }
        }
        return Outcome(caught: caught, crisis: list.crisisCount, falseAlarms: alarms.count, benign: list.benignCount, misses: misses, alarms: alarms)
    }

    private func flag(_ i: Int, _ layers: Layers) -> CrisisFlag? {
        switch layers {
        case .words: return words[i]
        case .semantic(let t): return nearest[i]?.flag(at: t)
        case .all(let t): return words[i] ?? nearest[i]?.flag(at: t)
        }
    }

    /// The thresholds from `from` to `to` by `step`, each with the semantic layer's outcome alone
    /// and with the words.
    public func sweep(from: Float = 0.30, to: Float = 0.80, step: Float = 0.02) -> [(threshold: Float, alone: Outcome, all: Outcome)] {
        stride(from: from, through: to + step / 2, by: step).map { t in (t, outcome(.semantic(t)), outcome(.all(t))) }
    }

    /// The share of a development list's benign messages the semantic layer alone may flag: half
    /// the guard's 10% target, the other half left to the lexicon.
    public static let thresholdFalseAlarmBudget = 0.05

    /// The rule that chose the built-in threshold: the lowest of `sweep` at which the semantic
    /// layer alone flags at most `falseAlarmBudget` of the benign messages (it then catches the most
    /// crisis messages the budget allows); nil when none does.
    public static func lowestThreshold(_ sweep: [(threshold: Float, alone: Outcome, all: Outcome)], falseAlarmBudget: Double) -> Float? {
        sweep.first { $0.alone.falseAlarmRate <= falseAlarmBudget }?.threshold
    }
}
