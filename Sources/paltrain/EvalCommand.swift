// `paltrain eval <ckpt>`: the paper's automatic evaluation (PAL-SPEC §6-8) on a split — strategy
// accuracy (and top-3), perplexity, then responses generated with the paper's sampling settings
// and strategy-based control, scored with BLEU-2/4, Distinct-1/2, EAD-1/2, ROUGE-L and Cos-Sim
// (with a sentence encoder installed) — as a Table 3 row, with every generation written out.
import ArgumentParser
import Evaluation
import Checkpoint
import Foundation
import Models
import NN
import TensorCore
import TextData
import Training

struct Eval: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Evaluate a PAL, Joint or Hard Prompt checkpoint on the test (or valid) split: ACC, PPL, BLEU, Distinct, EAD, ROUGE-L, Cos-Sim.")

    @Argument(help: "The checkpoint (e.g. runs/pal-small/best.h5).")
    var checkpoint: String

    @Option(help: "The data folder that `make data` fills.")
    var data = "data"

    @Option(help: "A PESConv file with personas for every conversation (default: the published annotations, which cover valid and test).")
    var pesconv: String?

    @Option(help: "test or valid.")
    var split = "test"

    @Option(help: "Split seed (13 = the paper's split).")
    var splitSeed: UInt64 = 13

    @Option(help: "Which turns: every-supporter-turn, or after-seeker-turn (the reference's rule).")
    var turns = "every-supporter-turn"

    @Option(help: "Evaluate only the first N examples (0 = all).")
    var limit = 0

    @Option(help: "Strategy-based control: `paper` (Table 2's α per strategy), `none` (α = 0, PAL α=0), or one α for every strategy.")
    var alpha = "paper"

    @Option(help: "α applied at the first (strategy) step; the reference uses 0.075.")
    var strategyStepAlpha: Float = 0

    @Flag(help: "Generate from the gold strategy instead of the predicted one.")
    var goldStrategy = false

    @Option(help: "Perplexity over targets cut to this many tokens (the reference's 16), 0 = full length.")
    var pplTokens = 0

    @Option(help: "Sampling seed.")
    var seed: UInt64 = 13

    @Option(help: "Examples per batch.")
    var batchSize = 32

    @Option(help: "A folder to write metrics.json and generations.jsonl into.")
    var output: String?

    @Option(help: "Sentence encoder for Cos-Sim (a HuggingFace BERT folder; `make models` installs all-MiniLM-L6-v2 here).")
    var sentenceEncoder = "models/all-MiniLM-L6-v2"

    func run() throws {
        let start = Date()
        let dataURL = URL(fileURLWithPath: data)
        let loaded = try DialogueModel(checkpoint: checkpoint, data: dataURL)
        let (model, tokenizer, variant, strategyIds) = (loaded.model, loaded.tokenizer, loaded.variant, loaded.strategyIds)
        guard let rule = ExampleTurns(rawValue: turns), split == "test" || split == "valid" else {
            throw ValidationError("--split is test or valid; --turns is every-supporter-turn or after-seeker-turn")
        }
        let alphas = try DialogueModel.alphas(alpha)

        // Examples of the split, built exactly as for training.
        var corpus = try ESConvCorpus.load(data: dataURL)
        if let pesconv { try corpus.attachPersonas(from: URL(fileURLWithPath: pesconv)) }
        let parts = corpus.parts(DataSplit.pal(count: corpus.conversations.count, seed: splitSeed))
        let conversations = split == "test" ? parts.test : parts.valid
        let text = try DialogueExamples.make(from: conversations, file: split, turns: rule,
                                             persona: variant == .joint ? .seekerUtterances : .inferred)
        var examples = text.examples
        if limit > 0 { examples = Array(examples.prefix(limit)) }
        let limits = EncodingLimits(maxInputLength: min(512, model.config.maxPositionEmbeddings),
                                    maxDecoderLength: min(50, model.config.maxPositionEmbeddings - 1))
        let encoded = try examples.map { try ExampleEncoder.encode($0, variant: variant, tokenizer: tokenizer, limits: limits) }
        print("evaluating \(checkpoint) (\(variant.rawValue)) on \(encoded.count) \(split) examples")

        // Teacher-forced: perplexity and the strategy ranking at the first decoder step.
        let context = ForwardContext(training: false)
        var nll = 0.0, tokens = 0, correct = 0, top3 = 0
        let forPerplexity = pplTokens > 0 ? encoded.map { e -> EncodedExample in
            var cut = e
            cut.labels = Array(e.labels.prefix(pplTokens))
            cut.decoderInputIds = Array(e.decoderInputIds.prefix(pplTokens))
            return cut
        } : encoded
        for indices in Batcher.sequential(count: encoded.count, batchSize: batchSize) {
            let batch = Batcher.collate(forPerplexity, indices: indices, padId: tokenizer.padId)
            let (loss, logits) = withNoGrad { model.loss(Seq2SeqInputs(batch), context: context) }
            nll += Double(loss.item) * Double(batch.targetTokenCount)
            tokens += batch.targetTokenCount
            let v = model.config.vocabSize, t = batch.targetLength
            for (row, i) in indices.enumerated() {
                let first = logits.data + row * t * v
                let ranked = strategyIds.indices.sorted { first[Int(strategyIds[$0])] > first[Int(strategyIds[$1])] }
                let gold = encoded[i].strategy!.index
                if ranked[0] == gold { correct += 1 }
                if ranked.prefix(3).contains(gold) { top3 += 1 }
            }
        }

        // Generation with the paper's sampling settings and strategy-based control.
        let generation = loaded.samplingConfig(seed: seed)
        let nltk = try NLTKTokenizer(nltkData: dataURL.appendingPathComponent("nltk_data"))
        var metrics = ResponseMetrics(tokenizer: nltk)
        var generated: [[String: Any]] = [], generatedCorrect = 0, responses: [String] = []
        for indices in Batcher.sequential(count: encoded.count, batchSize: batchSize) {
            let inputs = Seq2SeqInputs(Batcher.collate(encoded, indices: indices, padId: tokenizer.padId))
            let source = loaded.source(inputs, alphas: alphas, strategyStepAlpha: strategyStepAlpha)
            let prefix: DecoderPrefix = goldStrategy ? .forcedFirst(indices.map { encoded[$0].labels[0] }) : .argmaxFirst(among: strategyIds)
            let out = Generator.generate(source: source, batchSize: indices.count, config: ResolvedGenerationConfig(generation, model: model.config),
                                         options: GenerationOptions(prefix: prefix))
            for (row, i) in indices.enumerated() {
                let ids = out.sequences[row]
                let strategy = ids.first.flatMap { strategyIds.firstIndex(of: $0) }
                if strategy == encoded[i].strategy!.index { generatedCorrect += 1 }
                let response = tokenizer.decode(Array(ids.dropFirst()).filter { $0 != tokenizer.eosId }, skipSpecialTokens: true)
                metrics.add(hypothesis: response, reference: examples[i].response)
                responses.append(response)
                generated.append(["conversation": examples[i].conversation, "turn": examples[i].turn,
                                  "strategy": strategy.map { Strategy.allCases[$0].rawValue } ?? "", "gold_strategy": examples[i].strategy.rawValue,
                                  "response": response, "reference": examples[i].response])
            }
        }
        let report = metrics.report(vocabularySize: tokenizer.vocabularySize)
        let cosine = try personaSimilarity(responses: responses, personas: examples.map(\.persona))
        let n = Double(max(encoded.count, 1))
        let row: [String: Any] = [
            "ACC": 100 * Double(correct) / n, "top3_ACC": 100 * Double(top3) / n, "generation_ACC": 100 * Double(generatedCorrect) / n,
            "PPL": Foundation.exp(nll / Double(max(tokens, 1))), "B-1": report.bleu[0], "B-2": report.bleu[1], "B-3": report.bleu[2], "B-4": report.bleu[3],
            "D-1": report.distinct[0], "D-2": report.distinct[1], "E-1": report.ead[0], "E-2": report.ead[1], "R-L": report.rougeL,
            "Cos-Sim": cosine.map { $0 as Any } ?? NSNull(), "examples": encoded.count, "alpha": alpha, "seed": seed, "ppl_tokens": pplTokens == 0 ? "full" : "\(pplTokens)",
        ]
        let columns = ["ACC", "PPL", "B-2", "B-4", "D-1", "D-2", "E-1", "E-2", "R-L"]
        print(columns.map { $0.padding(toLength: 7, withPad: " ", startingAt: 0) }.joined() + "Cos-Sim")
        print(columns.map { String(format: "%-7.2f", row[$0] as! Double) }.joined()
              + (cosine.map { String(format: "%.3f", $0) } ?? "n/a (no sentence encoder: make models)"))
        print(String(format: "top-3 ACC %.2f; ACC of the generated strategies %.2f; %d examples in %.0f s", row["top3_ACC"] as! Double,
                     row["generation_ACC"] as! Double, encoded.count, Date().timeIntervalSince(start)))
        if let output {
            let dir = URL(fileURLWithPath: output)
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            try JSONSerialization.data(withJSONObject: row, options: [.prettyPrinted, .sortedKeys]).write(to: dir.appendingPathComponent("metrics.json"))
            let lines = try generated.map { String(decoding: try JSONSerialization.data(withJSONObject: $0, options: [.sortedKeys]), as: UTF8.self) }
            try (lines.joined(separator: "\n") + "\n").write(to: dir.appendingPathComponent("generations.jsonl"), atomically: true, encoding: .utf8)
            print("wrote \(output)/metrics.json and generations.jsonl")
        }
    }

    /// Mean cosine similarity between each response and its persona under the sentence encoder
    /// (mean pooling, as all-MiniLM-L6-v2; PAL's SimCSE uses the pooler), over examples that have a
    /// persona; nil when no encoder is installed.
    private func personaSimilarity(responses: [String], personas: [String]) throws -> Double? {
        let folder = URL(fileURLWithPath: sentenceEncoder)
        guard FileManager.default.fileExists(atPath: folder.appendingPathComponent("model.safetensors").path) else { return nil }
        let (encoder, _) = try BertModel.load(folder: folder) { try SafeTensorsFile.read(from: $0).tensorsByName }
        let words = try WordPieceTokenizer(directory: folder)
        let pairs = zip(responses, personas.map { DialogueExamples.personaSentences($0).joined(separator: " ") }).filter { !$0.1.isEmpty }
        guard !pairs.isEmpty else { return nil }
        let a = encoder.embed(pairs.map { words.encodeWithSpecialTokens($0.0, maxLength: 256) })
        let b = encoder.embed(pairs.map { words.encodeWithSpecialTokens($0.1, maxLength: 256) })
        return zip(a, b).map { Double(BertModel.cosineSimilarity($0, $1)) }.reduce(0, +) / Double(pairs.count)
    }
}
