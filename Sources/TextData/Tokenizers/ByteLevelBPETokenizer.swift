// ByteLevelBPETokenizer: GPT-2 / RoBERTa / BART byte-level BPE (vocab.json + merges.txt), giving the
// ids of HF `tokenizers`' ByteLevel BPE (add_prefix_space=False) and of transformers' BartTokenizer.
import Foundation
import JSON

/// A byte-level BPE tokenizer: added tokens cut out first (leftmost-longest), the GPT-2 regex splits
/// the rest, each pre-token's UTF-8 bytes become alphabet symbols, BPE merges them.
public struct ByteLevelBPETokenizer: Tokenizer {
    /// BART's special tokens, registered as added tokens when given (`<s> <pad> </s> <unk> <mask>`).
    public static let bartSpecialTokens = ["<s>", "<pad>", "</s>", "<unk>", "<mask>"]

    public let padId: Int32
    public let bosId: Int32
    public let eosId: Int32
    public let unkId: Int32
    public let identity: TokenizerIdentity
    public let vocabularySize: Int

    private let vocabulary: [BPEExactString: Int32]
    private let tokenOfId: [String?]
    /// `byteIds[b]`: the vocabulary id of byte `b`'s symbol, or -1 (such bytes are dropped, as
    /// `tokenizers` drops unknown symbols when the model has no unk token).
    private let byteIds: [Int32]
    private let merges: BPEMergeTable
    private let addedIds: [BPEExactString: Int32]
    private let addedTokenOfId: [Int32: String]
    private let specialIds: Set<Int32>
    private let trie: TokenizerAddedTokenTrie
    private let cache = BPECache()

    /// Loads `vocab.json` + `merges.txt` from `directory`. `specialTokens` (default BART's) and then
    /// `addedTokens` (e.g. `<persona>`, `<sep>`) become special added tokens: one already in the
    /// vocabulary keeps its id, any other gets the next id after the vocabulary, in order. `<s>`,
    /// `<pad>`, `</s>` and `<unk>` must be among them.
    public init(directory: URL, addedTokens: [String] = [], specialTokens: [String] = Self.bartSpecialTokens) throws {
        let files = try BPEVocabularyFile(directory: directory)
        let vocabularyPath = directory.appendingPathComponent("vocab.json").path
        let mergesPath = directory.appendingPathComponent("merges.txt").path
        var vocabulary: [BPEExactString: Int32] = [:]
        var maxId: Int32 = -1
        for (token, id) in files.entries {
            guard id >= 0 else { throw DataError(file: vocabularyPath, "token \(JSONWriter.quoted(token, asciiOnly: false)) has negative id \(id)") }
            vocabulary[BPEExactString(token)] = id
            maxId = max(maxId, id)
        }
        var tokenOfId = [String?](repeating: nil, count: Int(maxId) + 1)
        for (token, id) in files.entries { tokenOfId[Int(id)] = token }
        self.byteIds = (0...255).map { vocabulary[BPEExactString(ByteLevelBPEAlphabet.symbol([UInt8($0)]))] ?? -1 }

        // MARK: merges.txt as `tokenizers` reads it: "#version" lines skipped, "left right" per line
        var table = BPEMergeTable()
        var rank: Int32 = 0
        for (number, line) in files.mergesText.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            var text = String(line)
            if text.hasSuffix("\r") { text.removeLast() }
            if text.isEmpty || text.hasPrefix("#version") { continue }
            let parts = text.unicodeScalars.split(separator: " ", omittingEmptySubsequences: false).map { String($0) }
            guard parts.count == 2 else {
                throw DataError(file: mergesPath, line: number + 1, "expected two symbols separated by one space, found \"\(text)\"")
            }
            guard let left = vocabulary[BPEExactString(parts[0])], let right = vocabulary[BPEExactString(parts[1])],
                  let merged = vocabulary[BPEExactString(parts[0] + parts[1])] else {
                throw DataError(file: mergesPath, line: number + 1, "merge \"\(text)\" uses a symbol that vocab.json does not have")
            }
            table.add(left, right, rank: rank, merged: merged)
            rank += 1
        }
        self.merges = table

        // MARK: added tokens, as tokenizers' AddedVocabulary numbers them
        let added = AddedTokenNumbering(specialTokens + addedTokens, vocabulary: vocabulary)
        let addedIds = added.ids, addedTokenOfId = added.tokenOfId, order = added.order
        func required(_ token: String) throws -> Int32 {
            guard let id = addedIds[BPEExactString(token)] else {
                throw DataError(file: vocabularyPath, "\(token) is neither in the vocabulary's special tokens nor added: pass it in specialTokens")
            }
            return id
        }
        self.bosId = try required("<s>")
        self.padId = try required("<pad>")
        self.eosId = try required("</s>")
        self.unkId = try required("<unk>")
        self.vocabulary = vocabulary
        self.tokenOfId = tokenOfId
        self.addedIds = addedIds
        self.addedTokenOfId = addedTokenOfId
        self.specialIds = Set(addedIds.values)
        self.vocabularySize = Int(added.size)
        self.trie = TokenizerAddedTokenTrie(order, semantics: .leftmostLongest)
        self.identity = TokenizerIdentity(kind: "byte_level_bpe", vocabularySHA256: SHA256.hex(files.vocabularyData),
                                          mergesSHA256: SHA256.hex(files.mergesData), addedTokens: addedTokens)
    }

    public func id(of token: String) -> Int32? {
        let key = BPEExactString(token)
        return addedIds[key] ?? vocabulary[key]
    }

    // MARK: - Encoding

    public func encode(_ text: String) -> [Int32] {
        let scalars = Array(text.unicodeScalars)
        var ids: [Int32] = []
        var ranges: [Range<Int>] = []
        for piece in trie.split(scalars) {
            if piece.isAddedToken {
                ids.append(addedIds[BPEExactString(scalars[piece.range])]!)
                continue
            }
            ranges.removeAll(keepingCapacity: true)
            ByteLevelBPEPreTokenizer.split(scalars, piece.range, into: &ranges)
            for range in ranges { ids.append(contentsOf: preTokenIds(scalars[range])) }
        }
        return ids
    }

    /// `<s>` + `encode(text)` + `</s>` when `addSpecialTokens` (as BartTokenizer's `tok(text)`), else `encode(text)`.
    public func encode(_ text: String, addSpecialTokens: Bool) -> [Int32] {
        addSpecialTokens ? [bosId] + encode(text) + [eosId] : encode(text)
    }

    /// The ids of one pre-token, memoised.
    private func preTokenIds(_ scalars: ArraySlice<Unicode.Scalar>) -> [Int32] {
        let key = BPEExactString(scalars)
        if let cached = cache.ids(for: key) { return cached }
        var word: [Int32] = []
        for byte in key.string.utf8 where byteIds[Int(byte)] >= 0 { word.append(byteIds[Int(byte)]) }
        let ids = merges.merge(word)
        cache.store(ids, for: key)
        return ids
    }

    // MARK: - Decoding

    /// As `tokenizers`' decode with the ByteLevel decoder: ids no token has are dropped; each token's
    /// scalars map back to bytes (a token with a scalar outside the byte alphabet, such as an added
    /// token with a space, contributes its own UTF-8 bytes); invalid UTF-8 becomes U+FFFD.
    public func decode(_ ids: [Int32], skipSpecialTokens: Bool) -> String {
        var bytes: [UInt8] = []
        for id in ids {
            if skipSpecialTokens && specialIds.contains(id) { continue }
            guard let token = token(of: id) else { continue }
            let start = bytes.count
            var inAlphabet = true
            for scalar in token.unicodeScalars {
                guard let byte = ByteLevelBPEAlphabet.byte(of: scalar) else { inAlphabet = false; break }
                bytes.append(byte)
            }
            if !inAlphabet {
                bytes.removeSubrange(start...)
                bytes.append(contentsOf: token.utf8)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The token string of `id` (added or base), or nil.
    public func token(of id: Int32) -> String? {
        addedTokenOfId[id] ?? (id >= 0 && Int(id) < tokenOfId.count ? tokenOfId[Int(id)] : nil)
    }
}
