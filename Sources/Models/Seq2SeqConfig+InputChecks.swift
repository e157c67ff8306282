// Input checks at the boundary: ids that come from outside (files, stdin, a tokenizer that is not
// the model's) are checked once against the model's tables before they reach the kernels, so bad
// input is a thrown error naming the field, not a trap or a read past a table.

/// An input a model cannot read: an id outside its vocabulary, or more positions than its table holds.
public struct ModelInputError: Error, CustomStringConvertible, Equatable {
    public let description: String

    public init(_ description: String) { self.description = description }
}

extension Seq2SeqConfig {
    /// Throws unless `ids`, read as `field`, fit this model: every id in 0..<vocab_size and at most
    /// max_position_embeddings of them (encoder input, persona and decoder input all take positions).
    public func checkInput(_ ids: [Int32], field: String) throws {
        if ids.count > maxPositionEmbeddings {
            throw ModelInputError("\(field) has \(ids.count) tokens; this model's position table holds \(maxPositionEmbeddings) (max_position_embeddings): cut the input shorter")
        }
        if let bad = ids.firstIndex(where: { $0 < 0 || Int($0) >= vocabSize }) {
            throw ModelInputError("\(field)[\(bad)] is token id \(ids[bad]), outside this model's vocabulary 0..<\(vocabSize) (vocab_size): is this the model's tokenizer?")
        }
    }

    /// Throws unless every token id `tokenizerSize` can produce is in this model's vocabulary.
    public func checkTokenizer(vocabularySize tokenizerSize: Int) throws {
        if tokenizerSize > vocabSize {
            throw ModelInputError("the tokenizer has \(tokenizerSize) tokens and the model \(vocabSize) (vocab_size): is this the model's tokenizer?")
        }
    }
}
