// `paltrain metrics --hyps FILE --refs FILE [--personas FILE]`: the paper's text metrics (BLEU-n,
// Distinct-n, EAD-n, ROUGE-L, and Cos-Sim with a sentence encoder) on any system's outputs, one
// sentence per line, computed by exactly the code `paltrain eval` uses.
import ArgumentParser
import Evaluation
import Foundation
import PAL
import TextData

struct Metrics: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Score any system's responses (one per line) against references: BLEU-1..4, Distinct-1/2, EAD-1/2, ROUGE-L, Cos-Sim.")

    @Option(help: "Generated responses, one per line.")
    var hyps: String

    @Option(help: "References, one per line, line for line with --hyps.")
    var refs: String

    @Option(help: "Personas for Cos-Sim, one per line: plain text, or PESConv's `<persona> a <persona> b <input>`.")
    var personas: String?

    @Flag(help: "Print JSON instead of a markdown table.")
    var json = false

    @Flag(help: "Distinct-n with the reference's count (each sentence's last n-gram dropped) instead of the exact count.")
    var referenceDistinct = false

    @Option(help: "Vocabulary size V of EAD (the reference's 54,956: BlenderbotSmall with the added tokens).")
    var eadVocabularySize = Distinct.palVocabularySize

    @Option(help: "The data folder that `make data` fills (for nltk's Punkt tables).")
    var data = "data"

    @OptionGroup var encoder: SentenceEncoderOptions

    func validate() throws {
        guard eadVocabularySize >= 1 else { throw ValidationError("--ead-vocabulary-size must be at least 1, got \(eadVocabularySize)") }
    }

    func run() throws {
        let hypotheses = try Self.lines(hyps), references = try Self.lines(refs)
        guard !hypotheses.isEmpty else { throw ValidationError("\(hyps) holds no line: give one response per line") }
        guard hypotheses.count == references.count else {
            throw ValidationError("\(hyps) has \(hypotheses.count) lines but \(refs) has \(references.count): give one reference per response")
        }
        let nltk = try NLTKTokenizer(nltkData: URL(fileURLWithPath: data).appendingPathComponent("nltk_data"))
        var metrics = ResponseMetrics(tokenizer: nltk)
        for (h, r) in zip(hypotheses, references) { metrics.add(hypothesis: h, reference: r) }
        var cosine: Double?
        var encoderName = "none"
        if let personas {
            let personaLines = try Self.lines(personas)
            guard personaLines.count == hypotheses.count else {
                throw ValidationError("\(personas) has \(personaLines.count) lines but \(hyps) has \(hypotheses.count): give one persona per response")
            }
            if let sentenceEncoder = try encoder.load() {
                let examples = encoder.examples(reference: false)
                encoderName = sentenceEncoder.describe(examples)
                cosine = sentenceEncoder.personaSimilarity(
                    responses: hypotheses, personas: personaLines.map { $0.contains(PALTokens.persona) ? DialogueExamples.personaSentences($0) : [$0] },
                    examples: examples)
            }
        }
        let columns = MetricsTable.textColumns(metrics.report(vocabularySize: eadVocabularySize), referenceDistinct: referenceDistinct, cosine: cosine)
        if json {
            var object: [String: Any] = columns
            object["responses"] = hypotheses.count
            object["distinct_count"] = referenceDistinct ? "reference" : "exact"
            object["sentence_encoder"] = encoderName
            print(String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys]), as: UTF8.self))
        } else {
            let header = ["B-1", "B-2", "B-3", "B-4", "D-1", "D-2", "E-1", "E-2", "R-L", "Cos-Sim"]
            print(MetricsTable.markdown(header: header, rows: [header.map { MetricsTable.cell($0, columns[$0]) }]))
            print("\(hypotheses.count) responses; Distinct with the \(referenceDistinct ? "reference's" : "exact") count; sentence encoder: "
                  + (personas == nil ? "not used (no --personas)" : encoderName == "none" ? "none installed (make models)" : encoderName))
        }
    }

    /// The lines of `path` ("\n" or "\r\n" ends a line; a last line needs no newline).
    static func lines(_ path: String) throws -> [String] {
        TextLines.split(try TextLines.text(of: URL(fileURLWithPath: path))).map(String.init)
    }
}
