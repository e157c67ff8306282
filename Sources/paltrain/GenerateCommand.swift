// `paltrain generate <ckpt>`: a supporter reply for each dialogue context read as a JSON line —
// the strategy predicted at the first decoder step (or the one given), then the response, sampled
// with the paper's settings and strategy-based control (or greedy). The crisis guard reads every
// seeker turn: a context it flags still gets its reply, marked with "crisis_guard" (which turn,
// which layer, why), so whoever uses the output can drop or review it.
import ArgumentParser
import CommandOptions
import Foundation
import Models
import NN
import PAL
import TensorCore
import TextData

struct Generate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Reply to dialogue contexts read as JSON lines on stdin: {\"context\": [...], \"persona\": [...], \"strategy\"?: \"...\"}.",
        discussion: "A context whose seeker turns hold crisis language is marked with \"crisis_guard\": {\"turn\", \"layer\", \"category\", \"evidence\", …}; "
            + "stderr says which guard layers are active and how many contexts were marked.")

    @Argument(help: "A PAL, Joint or Hard Prompt checkpoint.")
    var checkpoint: String

    @OptionGroup var reply: ReplyOptions

    @OptionGroup var crisis: CrisisGuardOptions

    @Option(help: "The tokenizer folder, when it is no longer where the checkpoint was made.")
    var tokenizer: String?

    @Option(help: "The data folder that `make data` fills.")
    var data = "data"

    func run() throws {
        let loaded = try DialogueModel(checkpoint: checkpoint, data: URL(fileURLWithPath: data), tokenizerOverride: tokenizer, weights: reply.weights)
        let (control, config) = (try reply.control(), reply.config(for: loaded))
        let (guardrail, layers) = try crisis.load()
        FileHandle.standardError.write(Data("generate: \(layers)\n".utf8))
        var contexts = 0, marked = 0
        var input = StandardInput()
        while let line = input.next() {
            let lineNumber = input.lineNumber
            if line.trimmingCharacters(in: .whitespaces).isEmpty { continue }
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
                throw DataError(file: "stdin", line: lineNumber, "expected one JSON object per line")
            }
            let request = try DialogueRequest(object, line: lineNumber)
            let gold = try DialogueRequest.strategy(object, line: lineNumber, required: false)
            let answer = try loaded.reply(to: request, strategy: gold, control: control, config: config)
            var result: [String: Any] = [
                "strategy": answer.strategy?.rawValue ?? "",
                "response": answer.response,
                "strategy_distribution": Dictionary(uniqueKeysWithValues: zip(Strategy.allCases.map(\.rawValue), answer.strategyDistribution)),
            ]
            contexts += 1
            if let (turn, flag) = guardrail.check(turns: request.turns) {
                result["crisis_guard"] = Self.mark(turn: turn, flag)
                marked += 1
            }
            print(String(decoding: try JSONSerialization.data(withJSONObject: result, options: [.sortedKeys]), as: UTF8.self))
        }
        FileHandle.standardError.write(Data("generate: the crisis guard marked \(marked) of \(contexts) contexts (\"crisis_guard\" in the output)\n".utf8))
    }

    /// The output's mark of a flagged context: the seeker turn (its index in the context) and why.
    static func mark(turn: Int, _ flag: CrisisFlag) -> [String: Any] {
        var mark: [String: Any] = ["turn": turn, "layer": flag.layer.rawValue, "evidence": flag.evidence]
        if let category = flag.category { mark["category"] = category.rawValue }
        if let language = flag.language { mark["language"] = language.rawValue }
        if let similarity = flag.similarity { mark["similarity"] = Double(similarity) }
        return mark
    }
}
