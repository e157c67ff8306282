// `paltrain annotate --extractor <ckpt>`: PESConv made with our extractor for all 1,300 ESConv
// conversations, and how close it comes to the published annotations (valid and test).
import ArgumentParser
import Foundation
import Evaluation
import Models
import TextData
import Training

struct Annotate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Infer the seeker's persona for every ESConv conversation with a trained extractor, write PESConv, and compare with the published annotations.")

    @Option(help: "The persona extractor's checkpoint (e.g. runs/extractor-small/best.h5).")
    var extractor: String

    @Option(name: .shortAndLong, help: "The PESConv file to write (JSON lines).")
    var output = "data/pesconv.json"

    @Option(help: "The data folder that `make data` fills.")
    var data = "data"

    @Option(help: "Beams (the reference uses 10; 1 is greedy decoding).")
    var beams = 1

    @Option(help: "Longest generated persona text, in tokens.")
    var maxLength = 64

    @Option(help: "Annotate only the first N conversations in ESConv.json order (0 = all), for quick runs.")
    var limit = 0

    func run() throws {
        let start = Date()
        let dataURL = URL(fileURLWithPath: data)
        let annotator = try Self.loadExtractor(extractor, data: dataURL, beams: beams, maxLength: maxLength)
        let corpus = try ESConvCorpus.load(data: dataURL)
        let conversations = limit > 0 ? Array(corpus.conversations.prefix(limit)) : corpus.conversations
        let annotated = annotator.annotate(conversations) { done, total in
            if done == total || done % (annotator.batchSize * 20) == 0 { print("  \(done)/\(total) extractor inputs") }
        }
        let url = URL(fileURLWithPath: output)
        try PESConvWriter.write(annotated, to: url)
        // Read it back as strictly as training will: persona_list must have seeker turns − 2 entries.
        let check = try ESConvReader().read(url)
        let entries = check.conversations.reduce(0) { $0 + ($1.personaList?.count ?? 0) }
        let sentences = Set(check.conversations.flatMap { ($0.personaList ?? []).flatMap(DialogueExamples.personaSentences) }).count
        print("wrote \(output): \(check.conversations.count) conversations, \(entries) persona_list entries, \(sentences) distinct persona sentences "
              + String(format: "(%.0f s)", Date().timeIntervalSince(start)))
        let nltk = try NLTKTokenizer(nltkData: dataURL.appendingPathComponent("nltk_data"))
        let agreement = PersonaAgreement.compare(ours: annotated, published: conversations, tokenizer: nltk)
        print("agreement with the published PESConv (valid and test conversations):")
        print(agreement.table())
    }

    /// The persona extractor at `checkpoint` with its tokenizer, decoding with `beams` beams (1 = greedy).
    static func loadExtractor(_ checkpoint: String, data: URL, beams: Int, maxLength: Int) throws -> Annotator {
        let (model, contents) = try ModelCheckpoint.load(URL(fileURLWithPath: checkpoint))
        guard model.config.inputFormat == "extractor", let reference = TokenizerReference.decode(contents.tokenizer) else {
            throw ValidationError("\(checkpoint) is not a persona extractor with a tokenizer (format \(model.config.inputFormat ?? "none"))")
        }
        var generation = GenerationConfig(maxLength: maxLength, numBeams: beams)
        generation.earlyStopping = beams > 1 ? .true : .false
        return Annotator(model: model, tokenizer: try TokenizerLoader.load(reference, data: data), generation: generation)
    }
}
