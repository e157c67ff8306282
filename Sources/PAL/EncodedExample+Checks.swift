// The boundary check of encoded examples against the model that will read them: every id sequence
// in the vocabulary and within the position table, checked once when the examples are made.
import Models
import TextData

extension Seq2SeqConfig {
    /// Throws unless every sequence of `example` fits this model; `place` says where it came from
    /// (e.g. "stdin line 3", "train example 17").
    public func check(_ example: EncodedExample, place: String) throws {
        do {
            try checkInput(example.inputIds, field: "input_ids")
            try checkInput(example.personaIds, field: "persona_ids")
            try checkInput(example.decoderInputIds, field: "decoder_input_ids")
            try checkInput(example.labels, field: "labels")
        } catch let error as ModelInputError {
            throw ModelInputError("\(place): \(error)")
        }
    }

    /// `check` of each example, named `name` and its index.
    public func check(_ examples: [EncodedExample], name: String) throws {
        for (i, example) in examples.enumerated() { try check(example, place: "\(name) example \(i)") }
    }
}
