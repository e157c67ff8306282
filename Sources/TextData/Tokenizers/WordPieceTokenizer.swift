// WordPieceTokenizer: BERT's tokenizer, giving the ids of HuggingFace's `tokenizers` (transformers 5's
// BertTokenizer): added tokens cut out of the raw text, BertNormalizer + BertPreTokenizer
// (WordPieceNormalizer.swift), then greedy longest-match-first WordPiece with `##` continuations
// (a word of more than 100 characters, or one that cannot be covered, is [UNK]), then [CLS] … [SEP].
// Reads `vocab.txt` (+ `tokenizer_config.json`) or a `tokenizer.json` (WordPieceTokenizer+JSON.swift).
import Foundation

/// BERT's WordPiece tokenizer, with the same ids as HuggingFace `tokenizers` / `BertTokenizer`.
public struct WordPieceTokenizer: Tokenizer {
    /// One token that is matched whole in text before WordPiece (`[CLS]`, `[MASK]`, `<persona>` …).
    public struct AddedToken: Equatable, Sendable {
        public var content: String
        public var id: Int32
        /// Matched in normalised text (true) or in the raw text (false, as for BERT's special tokens).
        public var normalized: Bool
        /// Special tokens are dropped by `decode(_:skipSpecialTokens: true)`.
        public var special: Bool

        public init(content: String, id: Int32, normalized: Bool = false, special: Bool = true) {
            self.content = content
            self.id = id
            self.normalized = normalized
            self.special = special
        }
    }

    /// BERT's five special tokens, registered as added tokens when the vocabulary has them.
    public static let bertSpecialTokens = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]

    public let normalization: WordPieceNormalization
    /// Token strings by id (an id no token has maps to "").
    public let tokens: [String]
    public let continuingSubwordPrefix: String
    /// Longer words (in Unicode scalars) become [UNK] whole.
    public let maxInputCharactersPerWord: Int
    public let addedTokens: [AddedToken]
    public let unkId: Int32
    public let clsId: Int32
    public let sepId: Int32
    public let padId: Int32
    public let identity: TokenizerIdentity

    private let vocabulary: [BPEExactString: Int32]
    private let rawAddedTrie: TokenizerAddedTokenTrie
    private let normalizedAddedTrie: TokenizerAddedTokenTrie
    private let addedIds: [BPEExactString: Int32]
    private let specialIds: Set<Int32>
    private let prefixScalars: [Unicode.Scalar]

    // MARK: - Creating

    /// A tokenizer over `vocabulary` (token → id), with `addedTokens` matched whole before WordPiece.
    ///
    /// - Throws: `DataError` naming `source` when [UNK], [CLS] or [SEP] (as named) has no id.
    public init(vocabulary entries: [(token: String, id: Int32)], normalization: WordPieceNormalization = .init(),
                addedTokens: [AddedToken], unkToken: String = "[UNK]", clsToken: String = "[CLS]",
                sepToken: String = "[SEP]", padToken: String = "[PAD]", continuingSubwordPrefix: String = "##",
                maxInputCharactersPerWord: Int = 100, source: String, sourceSHA256: String) throws {
        var vocabulary: [BPEExactString: Int32] = [:]
        var size = 0
        for (token, id) in entries {
            vocabulary[BPEExactString(token)] = id  // a repeated token keeps its last id, as HF's readers do
            size = max(size, Int(id) + 1)
        }
        for added in addedTokens { size = max(size, Int(added.id) + 1) }
        var tokens = [String](repeating: "", count: size)
        for (token, id) in entries where id >= 0 { tokens[Int(id)] = token }
        for added in addedTokens where added.id >= 0 { tokens[Int(added.id)] = added.content }

        var addedIds: [BPEExactString: Int32] = [:]
        for added in addedTokens {
            let key = added.normalized ? BPEExactString(normalization.normalize(Array(added.content.unicodeScalars)))
                                       : BPEExactString(added.content)
            addedIds[key] = added.id
        }
        let normalizedContents = addedTokens.filter(\.normalized).map { normalization.normalize($0.content) }
        func required(_ token: String, _ role: String) throws -> Int32 {
            if let id = addedIds[BPEExactString(token)] ?? vocabulary[BPEExactString(token)] { return id }
            throw DataError(file: source, "the vocabulary has no \(role) token \(token): give a BERT WordPiece vocabulary")
        }
        self.unkId = try required(unkToken, "unknown")
        self.clsId = try required(clsToken, "classification")
        self.sepId = try required(sepToken, "separator")
        self.padId = addedIds[BPEExactString(padToken)] ?? vocabulary[BPEExactString(padToken)] ?? 0
        self.vocabulary = vocabulary
        self.tokens = tokens
        self.normalization = normalization
        self.addedTokens = addedTokens
        self.addedIds = addedIds
        self.specialIds = Set(addedTokens.filter(\.special).map(\.id))
        self.rawAddedTrie = TokenizerAddedTokenTrie(addedTokens.filter { !$0.normalized }.map(\.content), semantics: .leftmostLongest)
        self.normalizedAddedTrie = TokenizerAddedTokenTrie(normalizedContents, semantics: .leftmostLongest)
        self.continuingSubwordPrefix = continuingSubwordPrefix
        self.prefixScalars = Array(continuingSubwordPrefix.unicodeScalars)
        self.maxInputCharactersPerWord = maxInputCharactersPerWord
        let flags = "lowercase=\(normalization.lowercase),strip_accents=\(normalization.stripsAccents),"
            + "chinese=\(normalization.handleChineseCharacters),clean=\(normalization.cleanText)"
        self.identity = TokenizerIdentity(kind: "wordpiece(\(flags))", vocabularySHA256: sourceSHA256, mergesSHA256: "",
                                          addedTokens: addedTokens.map(\.content))
    }

    /// Reads a BERT `vocab.txt` (one token a line, id = line number); BERT's special tokens that it
    /// holds become added tokens, as transformers' BertTokenizer registers them.
    public init(vocabularyFile url: URL, normalization: WordPieceNormalization = .init()) throws {
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw DataError(file: url.path, "missing: a BERT vocabulary (vocab.txt, one token a line)")
        }
        let data = try FileAccess.read(url)
        let entries = TextLines.split(try TextLines.decode(data, file: url.path)).enumerated().map { (token: String($0.element), id: Int32($0.offset)) }
        let known = Dictionary(entries.map { (BPEExactString($0.token), $0.id) }, uniquingKeysWith: { _, last in last })
        let specials = Self.bertSpecialTokens.compactMap { token in known[BPEExactString(token)].map { AddedToken(content: token, id: $0) } }
        try self.init(vocabulary: entries, normalization: normalization, addedTokens: specials, source: url.path,
                      sourceSHA256: SHA256.hex(data))
    }

    /// The tokenizer of a HuggingFace folder: `tokenizer.json` when present, else `vocab.txt` with the
    /// flags of `tokenizer_config.json` (`do_lower_case`, `strip_accents`, `tokenize_chinese_chars`).
    public init(directory: URL) throws {
        let json = directory.appendingPathComponent("tokenizer.json")
        if FileManager.default.fileExists(atPath: json.path) {
            try self.init(tokenizerJSON: json)
            return
        }
        let vocab = directory.appendingPathComponent("vocab.txt")
        guard FileManager.default.fileExists(atPath: vocab.path) else {
            throw DataError(file: directory.path, "no BERT tokenizer here: expected tokenizer.json or vocab.txt")
        }
        var normalization = WordPieceNormalization()
        let config = directory.appendingPathComponent("tokenizer_config.json")
        if FileManager.default.fileExists(atPath: config.path) {
            let contents = try FileAccess.read(config)
            guard let object = try? JSONSerialization.jsonObject(with: contents) as? [String: Any] else {
                throw DataError(file: config.path, "expected a JSON object (tokenizer_config.json)")
            }
            if let lower = object["do_lower_case"] as? Bool { normalization.lowercase = lower }
            if let strip = object["strip_accents"] as? Bool { normalization.stripAccents = strip }
            if let chinese = object["tokenize_chinese_chars"] as? Bool { normalization.handleChineseCharacters = chinese }
        }
        try self.init(vocabularyFile: vocab, normalization: normalization)
    }

    // MARK: - Encoding

    /// Ids of `text` without [CLS] and [SEP].
    public func encode(_ text: String) -> [Int32] {
        var ids: [Int32] = []
        let scalars = Array(text.unicodeScalars)
        for piece in rawAddedTrie.split(scalars) {
            if piece.isAddedToken, let id = addedIds[BPEExactString(scalars[piece.range])] {
                ids.append(id)
                continue
            }
            let normalized = normalization.normalize(Array(scalars[piece.range]))
            for inner in normalizedAddedTrie.split(normalized) {
                if inner.isAddedToken, let id = addedIds[BPEExactString(normalized[inner.range])] {
                    ids.append(id)
                    continue
                }
                for word in WordPieceNormalization.words(Array(normalized[inner.range])) { wordPieces(word, into: &ids) }
            }
        }
        return ids
    }

    /// `[CLS] text [SEP]`, the input of a BERT model; with `maxLength`, the text's ids are cut to
    /// `maxLength − 2` (HF's `truncation=True, max_length=maxLength` for one sequence).
    public func encodeWithSpecialTokens(_ text: String, maxLength: Int? = nil) -> [Int32] {
        var ids = encode(text)
        if let maxLength {
            precondition(maxLength >= 2, "maxLength \(maxLength) leaves no room for [CLS] and [SEP]")
            if ids.count > maxLength - 2 { ids.removeLast(ids.count - (maxLength - 2)) }
        }
        return [clsId] + ids + [sepId]
    }

    /// The token strings of `text` (no [CLS], [SEP]), e.g. `["un", "##aff", "##able"]`.
    public func tokenize(_ text: String) -> [String] { encode(text).map { tokens[Int($0)] } }

    /// WordPiece of one word: the longest vocabulary entry from the left, then `##` continuations.
    private func wordPieces(_ word: ArraySlice<Unicode.Scalar>, into ids: inout [Int32]) {
        if word.count > maxInputCharactersPerWord {
            ids.append(unkId)
            return
        }
        var pieces: [Int32] = []
        var start = word.startIndex
        while start < word.endIndex {
            var end = word.endIndex
            var found: Int32?
            while start < end {
                let candidate = start == word.startIndex ? BPEExactString(word[start..<end])
                                                         : BPEExactString(prefixScalars + word[start..<end])
                if let id = vocabulary[candidate] {
                    found = id
                    break
                }
                end -= 1
            }
            guard let id = found else {
                ids.append(unkId)
                return
            }
            pieces.append(id)
            start = end
        }
        ids += pieces
    }

    // MARK: - Decoding and lookup

    /// Text of `ids` as `tokenizers`' WordPiece decoder writes it: tokens joined by spaces, `##`
    /// continuations glued on, then its clean-up of each token (with its leading space): " ." → ".",
    /// " n't" → "n't" and the like. As there, "it's" comes back as "it ' s".
    public func decode(_ ids: [Int32], skipSpecialTokens: Bool) -> String {
        var out = ""
        var first = true
        for id in ids {
            if skipSpecialTokens && specialIds.contains(id) { continue }
            let token = id >= 0 && Int(id) < tokens.count ? tokens[Int(id)] : ""
            var piece: String
            if !first, token.hasPrefix(continuingSubwordPrefix) {
                piece = String(token.dropFirst(continuingSubwordPrefix.count))
            } else {
                piece = (first ? "" : " ") + token
            }
            for (from, to) in Self.decoderCleanup { piece = piece.replacingOccurrences(of: from, with: to) }
            out += piece
            first = false
        }
        return out
    }

    /// `tokenizers`' `decoders::wordpiece::cleanup`, in its order.
    static let decoderCleanup = [(" .", "."), (" ?", "?"), (" !", "!"), (" ,", ","), (" ' ", "'"), (" n't", "n't"),
                                 (" 'm", "'m"), (" do not", " don't"), (" 's", "'s"), (" 've", "'ve"), (" 're", "'re")]

    public var vocabularySize: Int { tokens.count }

    public func id(of token: String) -> Int32? {
        let key = BPEExactString(token)
        return addedTokens.first { BPEExactString($0.content) == key }?.id ?? vocabulary[key]
    }

    /// [CLS]: BERT's first token.
    public var bosId: Int32 { clsId }
    /// [SEP]: BERT's last token.
    public var eosId: Int32 { sepId }
}
