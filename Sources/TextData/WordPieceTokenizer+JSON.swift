// WordPieceTokenizer+JSON: a BERT tokenizer from HuggingFace's `tokenizer.json` (a `tokenizers`
// file): model WordPiece (vocab, unk_token, continuing_subword_prefix, max_input_chars_per_word),
// normalizer BertNormalizer (its four flags), pre_tokenizer BertPreTokenizer, post_processor
// TemplateProcessing or BertProcessing ([CLS], [SEP]) and added_tokens. Anything else is refused by name.
// model.vocab is parsed byte-exactly (JSONSerialization would merge canonically equivalent keys).
import Foundation

extension WordPieceTokenizer {
    /// Reads a `tokenizer.json` whose model is WordPiece with BERT's normalizer and pre-tokenizer.
    ///
    /// Its `truncation` and `padding` settings are ignored: pass `maxLength` to
    /// `encodeWithSpecialTokens`, and let the model pad batches.
    public init(tokenizerJSON url: URL) throws {
        let file = url.path
        guard FileManager.default.fileExists(atPath: file) else { throw DataError(file: file, "missing: expected a tokenizer.json") }
        let data = try Data(contentsOf: url)
        guard let root = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
            throw DataError(file: file, "not a JSON object: expected a HuggingFace tokenizer.json")
        }
        guard let model = root["model"] as? [String: Any], (model["type"] as? String) == "WordPiece" else {
            let kind = ((root["model"] as? [String: Any])?["type"] as? String) ?? "none"
            throw DataError(file: file, "model.type is \(kind): only BERT's WordPiece tokenizer.json is read here")
        }

        var normalization = WordPieceNormalization(cleanText: false, handleChineseCharacters: false, stripAccents: false, lowercase: false)
        switch root["normalizer"] {
        case let normalizer as [String: Any] where (normalizer["type"] as? String) == "BertNormalizer":
            normalization = WordPieceNormalization(cleanText: normalizer["clean_text"] as? Bool ?? true,
                                                   handleChineseCharacters: normalizer["handle_chinese_chars"] as? Bool ?? true,
                                                   stripAccents: normalizer["strip_accents"] as? Bool,
                                                   lowercase: normalizer["lowercase"] as? Bool ?? true)
        case is NSNull, nil:
            break
        case let other:
            let kind = ((other as? [String: Any])?["type"] as? String) ?? "\(other ?? "?")"
            throw DataError(file: file, "normalizer \(kind) is not supported: expected BertNormalizer (or null)")
        }
        let preTokenizer = (root["pre_tokenizer"] as? [String: Any])?["type"] as? String
        guard preTokenizer == "BertPreTokenizer" else {
            throw DataError(file: file, "pre_tokenizer \(preTokenizer ?? "null") is not supported: expected BertPreTokenizer")
        }

        var added: [AddedToken] = []
        for (index, entry) in ((root["added_tokens"] as? [[String: Any]]) ?? []).enumerated() {
            guard let content = entry["content"] as? String, let id = (entry["id"] as? NSNumber)?.int32Value else {
                throw DataError(file: file, record: index, recordKind: "added token", "expected \"id\" and \"content\"")
            }
            for flag in ["single_word", "lstrip", "rstrip"] where entry[flag] as? Bool == true {
                throw DataError(file: file, record: index, recordKind: "added token",
                                "\(content) sets \(flag), which this tokenizer does not implement")
            }
            let special = entry["special"] as? Bool ?? false
            added.append(AddedToken(content: content, id: id, normalized: entry["normalized"] as? Bool ?? !special, special: special))
        }

        let (cls, sep) = try Self.specialTokens(root["post_processor"], file: file)
        let vocabularyBytes = try JSONObjectLocator.valueBytes(Array(data), path: ["model", "vocab"], file: file)
        let entries = try BPEVocabularyFile.parseVocabulary(vocabularyBytes, file: file)
        try self.init(vocabulary: entries, normalization: normalization, addedTokens: added,
                      unkToken: model["unk_token"] as? String ?? "[UNK]", clsToken: cls, sepToken: sep,
                      continuingSubwordPrefix: model["continuing_subword_prefix"] as? String ?? "##",
                      maxInputCharactersPerWord: (model["max_input_chars_per_word"] as? NSNumber)?.intValue ?? 100,
                      source: file, sourceSHA256: SHA256.hex(data))
    }

    /// The first and last special tokens of a single sequence in `post_processor`.
    private static func specialTokens(_ processor: Any?, file: String) throws -> (cls: String, sep: String) {
        guard let processor = processor as? [String: Any] else {
            throw DataError(file: file, "post_processor is null: expected TemplateProcessing or BertProcessing with [CLS] and [SEP]")
        }
        switch processor["type"] as? String {
        case "BertProcessing":
            guard let cls = (processor["cls"] as? [Any])?.first as? String, let sep = (processor["sep"] as? [Any])?.first as? String else {
                throw DataError(file: file, "post_processor BertProcessing lacks cls or sep")
            }
            return (cls, sep)
        case "TemplateProcessing":
            let single = (processor["single"] as? [[String: Any]]) ?? []
            let specials = single.compactMap { ($0["SpecialToken"] as? [String: Any])?["id"] as? String }
            guard single.count == 3, specials.count == 2,
                  single[0]["SpecialToken"] != nil, single[2]["SpecialToken"] != nil else {
                throw DataError(file: file, "post_processor TemplateProcessing: expected single = [CLS] $A [SEP]")
            }
            return (specials[0], specials[1])
        default:
            throw DataError(file: file, "post_processor \(processor["type"] ?? "?") is not supported: expected TemplateProcessing or BertProcessing")
        }
    }
}

// MARK: - Locating a value in JSON bytes

/// Finds the bytes of one value inside a JSON document by a path of object keys, without decoding it.
enum JSONObjectLocator {
    /// The bytes of the value at `path` (object keys from the root).
    static func valueBytes(_ bytes: [UInt8], path: [String], file: String) throws -> [UInt8] {
        var scanner = Scanner(bytes: bytes, file: file)
        var range = 0..<bytes.count
        for key in path {
            scanner.i = range.lowerBound
            guard let found = try scanner.member(Array(key.utf8)) else {
                throw DataError(file: file, "no \"\(path.joined(separator: "."))\" in this JSON")
            }
            range = found
        }
        return Array(bytes[range])
    }

    private struct Scanner {
        let bytes: [UInt8]
        let file: String
        var i = 0

        init(bytes: [UInt8], file: String) {
            self.bytes = bytes
            self.file = file
        }

        func fail(_ message: String) -> DataError { DataError(file: file, "\(message) at byte \(i): not valid JSON") }

        mutating func skipSpace() {
            while i < bytes.count, [0x20, 0x0A, 0x0D, 0x09, 0xEF, 0xBB, 0xBF].contains(bytes[i]) { i += 1 }
        }

        /// In the object starting at `i`: the range of the value of `key`, or nil.
        mutating func member(_ key: [UInt8]) throws -> Range<Int>? {
            skipSpace()
            guard i < bytes.count, bytes[i] == UInt8(ascii: "{") else { throw fail("expected an object") }
            i += 1
            while true {
                skipSpace()
                guard i < bytes.count else { throw fail("unterminated object") }
                if bytes[i] == UInt8(ascii: "}") { return nil }
                if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
                let name = try skipString()
                skipSpace()
                guard i < bytes.count, bytes[i] == UInt8(ascii: ":") else { throw fail("expected ':'") }
                i += 1
                skipSpace()
                let start = i
                try skipValue()
                if Array(bytes[(name.lowerBound + 1)..<(name.upperBound - 1)]) == key { return start..<i }
            }
        }

        /// Skips a string; returns its range including the quotes.
        mutating func skipString() throws -> Range<Int> {
            let start = i
            guard i < bytes.count, bytes[i] == UInt8(ascii: "\"") else { throw fail("expected a string") }
            i += 1
            while i < bytes.count, bytes[i] != UInt8(ascii: "\"") { i += bytes[i] == UInt8(ascii: "\\") ? 2 : 1 }
            guard i < bytes.count else { throw fail("unterminated string") }
            i += 1
            return start..<i
        }

        mutating func skipValue() throws {
            skipSpace()
            guard i < bytes.count else { throw fail("expected a value") }
            switch bytes[i] {
            case UInt8(ascii: "\""):
                _ = try skipString()
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                var depth = 0
                repeat {
                    guard i < bytes.count else { throw fail("unterminated object or array") }
                    switch bytes[i] {
                    case UInt8(ascii: "\""): _ = try skipString(); continue
                    case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
                    case UInt8(ascii: "}"), UInt8(ascii: "]"): depth -= 1
                    default: break
                    }
                    i += 1
                } while depth > 0
            default:
                while i < bytes.count, ![UInt8(ascii: ","), UInt8(ascii: "}"), UInt8(ascii: "]")].contains(bytes[i]) { i += 1 }
            }
        }
    }
}
