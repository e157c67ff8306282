// `paltrain score <checkpoint>`: teacher-forced scores of targets read as JSON lines on stdin —
// token count, summed negative log-likelihood, perplexity, the strategy distribution at the first
// decoder step (dialogue models; not an extractor), and with --ids the log-probability of every label — to rank candidate replies or
// to check our numbers against another implementation without a tokenizer in between.
import ArgumentParser
import Foundation
import PAL

struct Score: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Score targets read as JSON lines on stdin: {\"context\": [...], \"persona\": [...], \"response\": \"...\", \"strategy\": \"...\"}, or with --ids {\"input_ids\", \"persona_ids\", \"labels\"}.")

    @Argument(help: "The checkpoint (from paltrain import or training).")
    var checkpoint: String

    @Flag(help: "Read token ids instead of text, and write each label's log-probability.")
    var ids = false

    @Option(help: "The tokenizer folder, when it is no longer where the checkpoint was made.")
    var tokenizer: String?

    @Option(help: "The data folder that `make data` fills.")
    var data = "data"

    @Option(help: "Encoder input length; longer histories are cut from the left (default: the length the model was trained with, which the checkpoint records; else 512, or the model's position table when shorter).")
    var maxInputLength: Int?

    func validate() throws {
        if let maxInputLength, maxInputLength < 1 { throw ValidationError("--max-input-length must be at least 1, got \(maxInputLength)") }
    }

    func run() throws {
        let scorer = try LineScorer(checkpoint: checkpoint, data: URL(fileURLWithPath: data), tokenizerOverride: tokenizer,
                                    readsIds: ids, maxInputLength: maxInputLength)
        var input = StandardInput()
        while let line = input.next() {
            guard let result = try scorer.score(line: line, number: input.lineNumber) else { continue }
            print(String(decoding: try JSONSerialization.data(withJSONObject: result, options: [.sortedKeys]), as: UTF8.self))
        }
    }
}
