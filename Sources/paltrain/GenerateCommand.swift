// `paltrain generate <ckpt>`: a supporter reply for each dialogue context read as a JSON line —
// the strategy predicted at the first decoder step (or the one given), then the response, sampled
// with the paper's settings and strategy-based control (or greedy).
import ArgumentParser
import Foundation
import Models
import NN
import PAL
import TensorCore
import TextData

struct Generate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Reply to dialogue contexts read as JSON lines on stdin: {\"context\": [...], \"persona\": [...], \"strategy\"?: \"...\"}.")

    @Argument(help: "A PAL, Joint or Hard Prompt checkpoint.")
    var checkpoint: String

    @OptionGroup var reply: ReplyOptions

    @Option(help: "The tokenizer folder, when it is no longer where the checkpoint was made.")
    var tokenizer: String?

    @Option(help: "The data folder that `make data` fills.")
    var data = "data"

    func run() throws {
        let loaded = try DialogueModel(checkpoint: checkpoint, data: URL(fileURLWithPath: data), tokenizerOverride: tokenizer)
        let (control, config) = (try reply.control(), reply.config(for: loaded))
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
            let result: [String: Any] = [
                "strategy": answer.strategy?.rawValue ?? "",
                "response": answer.response,
                "strategy_distribution": Dictionary(uniqueKeysWithValues: zip(Strategy.allCases.map(\.rawValue), answer.strategyDistribution)),
            ]
            print(String(decoding: try JSONSerialization.data(withJSONObject: result, options: [.sortedKeys]), as: UTF8.self))
        }
    }
}
