// WordPieceTokenizer+JSON: a BERT tokenizer from HuggingFace's `tokenizer.json` (a `tokenizers`
// file): model WordPiece (vocab, unk_token, continuing_subword_prefix, max_input_chars_per_word),
// normalizer BertNormalizer (its four flags), pre_tokenizer BertPreTokenizer, post_processor
// TemplateProcessing or BertProcessing ([CLS], [SEP]) and added_tokens. Anything else is refused by name.
// The file is read with `JSONReader`, so model.vocab keeps its keys byte-exact (JSONSerialization
// would merge canonically equivalent ones).
import Foundation
import JSON

extension WordPieceTokenizer {
    /// Reads a `tokenizer.json` whose model is WordPiece with BERT's normalizer and pre-tokenizer.
    ///
    /// Its `truncation` and `padding` settings are ignored: pass `maxLength` to
    /// `encodeWithSpecialTokens`, and let the model pad batches.
    public init(tokenizerJSON url: URL) throws {
        let file = url.path
        guard FileManager.default.fileExists(atPath: file) else { throw DataError(file: file, "missing: expected a tokenizer.json") }
        let data = try FileAccess.read(url)
        let root: JSONValue
        do { root = try JSONReader.parse(data) } catch let error as JSONSyntaxError {
            throw DataError(file: file, line: error.line, "malformed JSON at column \(error.column): \(error.message)")
        }
        guard root.objectValue != nil else { throw DataError(file: file, "not a JSON object: expected a HuggingFace tokenizer.json") }
        guard let model = root.member(named: "model"), model.member(named: "type")?.stringValue == "WordPiece" else {
            let kind = root.member(named: "model")?.member(named: "type")?.stringValue ?? "none"
            throw DataError(file: file, "model.type is \(kind): only BERT's WordPiece tokenizer.json is read here")
        }

        var normalization = WordPieceNormalization(cleanText: false, handleChineseCharacters: false, stripAccents: false, lowercase: false)
        switch root.member(named: "normalizer") {
        case let normalizer? where normalizer.member(named: "type")?.stringValue == "BertNormalizer":
            func flag(_ name: String) -> Bool? { normalizer.member(named: name)?.boolValue }
            normalization = WordPieceNormalization(cleanText: flag("clean_text") ?? true, handleChineseCharacters: flag("handle_chinese_chars") ?? true,
                                                   stripAccents: flag("strip_accents"), lowercase: flag("lowercase") ?? true)
        case .null?, nil:
            break
        case let other?:
            let kind = other.member(named: "type")?.stringValue ?? JSONWriter.text(other, style: .compact)
            throw DataError(file: file, "normalizer \(kind) is not supported: expected BertNormalizer (or null)")
        }
        let preTokenizer = root.member(named: "pre_tokenizer")?.member(named: "type")?.stringValue
        guard preTokenizer == "BertPreTokenizer" else {
            throw DataError(file: file, "pre_tokenizer \(preTokenizer ?? "null") is not supported: expected BertPreTokenizer")
        }

        var added: [AddedToken] = []
        for (index, entry) in (root.member(named: "added_tokens")?.arrayValue ?? []).enumerated() {
            guard let content = entry.member(named: "content")?.stringValue, let id = entry.member(named: "id")?.intValue.flatMap(Int32.init(exactly:)) else {
                throw DataError(file: file, record: index, recordKind: "added token", "expected \"id\" and \"content\"")
            }
            for flag in ["single_word", "lstrip", "rstrip"] where entry.member(named: flag)?.boolValue == true {
                throw DataError(file: file, record: index, recordKind: "added token",
                                "\(content) sets \(flag), which this tokenizer does not implement")
            }
            let special = entry.member(named: "special")?.boolValue ?? false
            added.append(AddedToken(content: content, id: id, normalized: entry.member(named: "normalized")?.boolValue ?? !special, special: special))
        }

        let (cls, sep) = try Self.specialTokens(root.member(named: "post_processor"), file: file)
        guard let vocabulary = model.member(named: "vocab")?.objectValue else { throw DataError(file: file, "no \"model.vocab\" object in this JSON") }
        let entries = try vocabulary.map { token, id -> (token: String, id: Int32) in
            guard let id = id.intValue.flatMap(Int32.init(exactly:)) else {
                throw DataError(file: file, field: "model.vocab", "the id of \(JSONWriter.quoted(token, asciiOnly: false)) is not an integer")
            }
            return (token, id)
        }
        try self.init(vocabulary: entries, normalization: normalization, addedTokens: added,
                      unkToken: model.member(named: "unk_token")?.stringValue ?? "[UNK]", clsToken: cls, sepToken: sep,
                      continuingSubwordPrefix: model.member(named: "continuing_subword_prefix")?.stringValue ?? "##",
                      maxInputCharactersPerWord: model.member(named: "max_input_chars_per_word")?.intValue ?? 100,
                      source: file, sourceSHA256: SHA256.hex(data))
    }

    /// The first and last special tokens of a single sequence in `post_processor`.
    private static func specialTokens(_ processor: JSONValue?, file: String) throws -> (cls: String, sep: String) {
        guard let processor, processor.objectValue != nil else {
            throw DataError(file: file, "post_processor is null: expected TemplateProcessing or BertProcessing with [CLS] and [SEP]")
        }
        switch processor.member(named: "type")?.stringValue {
        case "BertProcessing":
            guard let cls = processor.member(named: "cls")?.arrayValue?.first?.stringValue,
                  let sep = processor.member(named: "sep")?.arrayValue?.first?.stringValue else {
                throw DataError(file: file, "post_processor BertProcessing lacks cls or sep")
            }
            return (cls, sep)
        case "TemplateProcessing":
            let single = processor.member(named: "single")?.arrayValue ?? []
            let specials = single.compactMap { $0.member(named: "SpecialToken")?.member(named: "id")?.stringValue }
            guard single.count == 3, specials.count == 2,
                  single[0].member(named: "SpecialToken") != nil, single[2].member(named: "SpecialToken") != nil else {
                throw DataError(file: file, "post_processor TemplateProcessing: expected single = [CLS] $A [SEP]")
            }
            return (specials[0], specials[1])
        case let kind:
            throw DataError(file: file, "post_processor \(kind ?? "?") is not supported: expected TemplateProcessing or BertProcessing")
        }
    }
}
