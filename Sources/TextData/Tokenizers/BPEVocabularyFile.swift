// BPEVocabularyFile: reads and writes the `vocab.json` + `merges.txt` pair shared by GPT-2, BART and
// BlenderbotSmall. vocab.json is read with `JSONReader`: JSONSerialization's [String: Any] would merge keys
// that are canonically equivalent (BlenderbotSmall has both ";" U+037E and ";" U+003B).
import Foundation
import JSON

/// The raw contents of a BPE tokenizer directory.
struct BPEVocabularyFile {
    /// vocab.json entries in file order.
    var entries: [(token: String, id: Int32)]
    /// The bytes of vocab.json and merges.txt, for the identity's sha256.
    var vocabularyData: Data
    var mergesData: Data
    var mergesText: String

    /// Reads `vocab.json` and `merges.txt` from `directory`, failing with the file and what is wrong.
    init(directory: URL) throws {
        let vocabularyURL = directory.appendingPathComponent("vocab.json")
        let mergesURL = directory.appendingPathComponent("merges.txt")
        for url in [vocabularyURL, mergesURL] where !FileManager.default.fileExists(atPath: url.path) {
            throw DataError(file: url.path, "missing: a BPE tokenizer directory needs vocab.json and merges.txt")
        }
        vocabularyData = try FileAccess.read(vocabularyURL)
        mergesData = try FileAccess.read(mergesURL)
        mergesText = try TextLines.decode(mergesData, file: mergesURL.path)
        entries = try Self.parseVocabulary(vocabularyData, file: vocabularyURL.path)
    }

    // MARK: - vocab.json

    /// Parses a flat JSON object of string keys and integer values, keeping keys byte-exact.
    static func parseVocabulary(_ data: Data, file: String) throws -> [(token: String, id: Int32)] {
        let expected = "expected a JSON object of token → integer id"
        let value: JSONValue
        do { value = try JSONReader.parse(data) } catch let error as JSONSyntaxError {
            throw DataError(file: file, line: error.line, "malformed JSON at column \(error.column): \(error.message); \(expected)")
        }
        guard let members = value.objectValue else { throw DataError(file: file, "found \(value.kindDescription); \(expected)") }
        // Ids number the entries: 0 up to the entry count (a table of that size is made from them).
        return try members.map { token, id in
            guard let number = id.intValue, let id = Int32(exactly: number), (0..<members.count).contains(number) else {
                throw DataError(file: file, field: token, "the id is \(JSONWriter.text(id, style: .compact)); "
                                + "expected a JSON object of token → integer id from 0 to \(members.count - 1) (one per entry)")
            }
            return (token, id)
        }
    }

    /// vocab.json text for `tokens` (id = index), keys in id order, as `json.dumps(ensure_ascii=False)`
    /// without spaces would write it.
    static func vocabularyJSON(_ tokens: [String]) -> Data {
        Data(JSONWriter.text(.object(tokens.enumerated().map { ($1, .number($0)) }), style: .compact).utf8)
    }
}

/// Added tokens numbered as both HF libraries number them: one already in the vocabulary keeps its
/// id, any other takes the next id after the vocabulary, in order; repeats and empty strings are skipped.
struct AddedTokenNumbering {
    var ids: [BPEExactString: Int32] = [:]
    var tokenOfId: [Int32: String] = [:]
    /// The distinct tokens in the order given.
    var order: [String] = []
    /// The vocabulary size with the added tokens.
    var size: Int32

    init(_ tokens: [String], vocabulary: [BPEExactString: Int32]) {
        size = Int32(vocabulary.count)
        for token in tokens where !token.isEmpty && ids[BPEExactString(token)] == nil {
            let key = BPEExactString(token)
            let id: Int32
            if let existing = vocabulary[key] {
                id = existing
            } else {
                id = size
                size += 1
            }
            ids[key] = id
            tokenOfId[id] = token
            order.append(token)
        }
    }
}
