// BlenderbotSmallTokenizer: the BlenderbotSmall-90M tokenizer (lower-cased, punctuation split, BPE
// with `@@` continuations, `__unk__` for unknown pieces), giving exactly the ids of transformers'
// `BlenderbotSmallTokenizer` (tokenization_blenderbot_small.py) with PAL's tokens added as special.
import Foundation
import PythonSemantics

/// BlenderbotSmall's word-level BPE tokenizer, loaded from a directory with `vocab.json` + `merges.txt`.
///
/// Encoding follows transformers step by step: added tokens (the special `__start__ __end__ __unk__
/// __null__` and the caller's) are cut out of the text first and kept whole, with the whitespace
/// around them left to the neighbouring pieces; each remaining piece is split by `\S+\n?`; each
/// word gets a space before `. , ! ? ( )` and around `'`, whitespace runs collapse, a newline becomes
/// the word `__newln__`; each space-separated part is lower-cased and BPE-merged, every symbol but
/// the last carrying `@@`; pieces missing from the vocabulary become `__unk__`.
public struct BlenderbotSmallTokenizer: Tokenizer {
    public let padId: Int32
    public let bosId: Int32
    public let eosId: Int32
    public let unkId: Int32
    public let identity: TokenizerIdentity
    public let vocabularySize: Int

    /// Base vocabulary, exact keys.
    private let vocabulary: [BPEExactString: Int32]
    /// id → token for the base vocabulary (nil for ids no token has).
    private let tokenOfId: [String?]
    /// Added tokens (special ones included): text → id and id → text.
    private let addedIds: [BPEExactString: Int32]
    private let addedTokenOfId: [Int32: String]
    /// Ids skipped by `decode(_:skipSpecialTokens: true)`: the four special tokens and every added token.
    private let specialIds: Set<Int32>
    private let unkToken: String
    private let trie: TokenizerAddedTokenTrie
    /// BPE symbols (every string in merges.txt, and each merge's result) and their merges.
    private let symbolIds: [BPEExactString: Int32]
    private let symbols: [String]
    private let merges: BPEMergeTable
    private let cache = BPECache()

    /// Loads `vocab.json` and `merges.txt` from `directory` and adds `addedTokens` (PAL passes
    /// `PALTokens.added`) as special tokens: each one not already in the vocabulary gets the next id
    /// after it, in order (54944, 54945, … for BlenderbotSmall-90M).
    public init(directory: URL, addedTokens: [String] = []) throws {
        let files = try BPEVocabularyFile(directory: directory)
        var vocabulary: [BPEExactString: Int32] = [:]
        var maxId: Int32 = -1
        for (token, id) in files.entries {
            vocabulary[BPEExactString(token)] = id  // a repeated key keeps its last id, as json.load does
            maxId = max(maxId, id)
        }
        var tokenOfId = [String?](repeating: nil, count: Int(maxId) + 1)
        for (token, id) in files.entries where id >= 0 { tokenOfId[Int(id)] = token }

        // MARK: added tokens, as PythonBackend.__init__ then add_tokens(…, special_tokens=True) do
        let specials = ["__start__", "__end__", "__unk__", "__null__"]  // bos, eos, unk, pad: SPECIAL_TOKENS_ATTRIBUTES order
        let added = AddedTokenNumbering(specials + addedTokens, vocabulary: vocabulary)
        let addedIds = added.ids, addedTokenOfId = added.tokenOfId, addedOrder = added.order
        self.vocabulary = vocabulary
        self.tokenOfId = tokenOfId
        self.addedIds = addedIds
        self.addedTokenOfId = addedTokenOfId
        self.specialIds = Set(addedIds.values)
        self.vocabularySize = Int(added.size)
        self.unkToken = "__unk__"
        self.bosId = addedIds[BPEExactString("__start__")]!
        self.eosId = addedIds[BPEExactString("__end__")]!
        self.unkId = addedIds[BPEExactString("__unk__")]!
        self.padId = addedIds[BPEExactString("__null__")]!
        self.trie = TokenizerAddedTokenTrie(addedOrder, semantics: .transformers)
        (symbolIds, symbols, merges) = Self.readMerges(files.mergesText)
        self.identity = TokenizerIdentity(kind: "blenderbot_small", vocabularySHA256: SHA256.hex(files.vocabularyData),
                                          mergesSHA256: SHA256.hex(files.mergesData), addedTokens: addedTokens)
    }

    /// merges.txt as the Python tokenizer reads it: `read().split("\n")[1:-1]` (the first line is the
    /// version header; the last, after the final newline, is dropped), each line `split()` on whitespace;
    /// lines that are not two symbols never match a pair.
    private static func readMerges(_ text: String) -> ([BPEExactString: Int32], [String], BPEMergeTable) {
        var symbolIds: [BPEExactString: Int32] = [:]
        var symbols: [String] = []
        func intern(_ symbol: String) -> Int32 {
            let key = BPEExactString(symbol)
            if let id = symbolIds[key] { return id }
            symbols.append(symbol)
            symbolIds[key] = Int32(symbols.count - 1)
            return Int32(symbols.count - 1)
        }
        var table = BPEMergeTable()
        let lines = text.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false)
        for (rank, line) in lines.dropFirst().dropLast().enumerated() {
            let parts = PythonText.split(Array(line))
            guard parts.count == 2 else { continue }
            table.add(intern(parts[0]), intern(parts[1]), rank: Int32(rank), merged: intern(parts[0] + parts[1]))
        }
        return (symbolIds, symbols, table)
    }

    public func id(of token: String) -> Int32? {
        let key = BPEExactString(token)
        return addedIds[key] ?? vocabulary[key]
    }

    // MARK: - Encoding

    public func encode(_ text: String) -> [Int32] {
        let scalars = Array(text.unicodeScalars)
        var ids: [Int32] = []
        for piece in trie.split(scalars) {
            if piece.isAddedToken {
                ids.append(addedIds[BPEExactString(scalars[piece.range])]!)
                continue
            }
            // _tokenize: re.findall(r"\S+\n?", text)
            var i = piece.range.lowerBound
            let end = piece.range.upperBound
            while i < end {
                if PythonText.isRegexSpace(scalars[i]) { i += 1; continue }
                var j = i + 1
                while j < end, !PythonText.isRegexSpace(scalars[j]) { j += 1 }
                if j < end, scalars[j] == "\n" { j += 1 }
                ids.append(contentsOf: wordIds(scalars[i..<j]))
                i = j
            }
        }
        return ids
    }

    /// The ids of one `\S+\n?` word, memoised.
    private func wordIds(_ word: ArraySlice<Unicode.Scalar>) -> [Int32] {
        let key = BPEExactString(word)
        if let cached = cache.ids(for: key) { return cached }
        var ids: [Int32] = []
        for part in Self.parts(of: word) {
            for token in bpe(PythonText.lowercased(part[...])) {
                let key = BPEExactString(token)
                ids.append(addedIds[key] ?? vocabulary[key] ?? unkId)
            }
        }
        cache.store(ids, for: key)
        return ids
    }

    /// The substitutions of `bpe()` before its split on " ": space before `.,!?()`, spaces around `'`,
    /// `\s{2,}` → " ", "\n" → " __newln__"; then the non-empty " "-separated parts.
    static func parts(of word: ArraySlice<Unicode.Scalar>) -> [[Unicode.Scalar]] {
        var a: [Unicode.Scalar] = []
        a.reserveCapacity(word.count + 8)
        for s in word {
            switch s {
            case ".", ",", "!", "?", "(", ")": a.append(" "); a.append(s)
            case "'": a.append(" "); a.append(s); a.append(" ")
            default: a.append(s)
            }
        }
        var b: [Unicode.Scalar] = []
        b.reserveCapacity(a.count)
        var i = 0
        while i < a.count {
            if PythonText.isRegexSpace(a[i]) {
                var j = i + 1
                while j < a.count, PythonText.isRegexSpace(a[j]) { j += 1 }
                if j - i >= 2 { b.append(" ") } else { b.append(a[i]) }
                i = j
            } else {
                b.append(a[i])
                i += 1
            }
        }
        var parts: [[Unicode.Scalar]] = []
        var current: [Unicode.Scalar] = []
        for s in b {
            if s == "\n" {
                if !current.isEmpty { parts.append(current); current = [] }
                current = Array("__newln__".unicodeScalars)
            } else if s == " " {
                if !current.isEmpty { parts.append(current); current = [] }
            } else {
                current.append(s)
            }
        }
        if !current.isEmpty { parts.append(current) }
        return parts
    }

    /// BPE of one lower-cased part: symbols are its scalars with `</w>` on the last; the lowest-ranked
    /// adjacent pair is merged everywhere, until no pair has a rank; then every symbol but the last gets
    /// `@@` and the last loses `</w>`. A one-scalar part is returned as is.
    private func bpe(_ part: [Unicode.Scalar]) -> [String] {
        if part.count == 1 { return [String(Character(part[0]))] }
        var extra: [String] = []  // symbols no merge knows: ids -1, -2, …
        func symbol(_ text: String) -> Int32 {
            if let id = symbolIds[BPEExactString(text)] { return id }
            extra.append(text)
            return -Int32(extra.count)
        }
        var word: [Int32] = []
        word.reserveCapacity(part.count)
        for (k, s) in part.enumerated() {
            word.append(symbol(k == part.count - 1 ? String(Character(s)) + "</w>" : String(Character(s))))
        }
        word = merges.merge(word)
        var tokens: [String] = []
        tokens.reserveCapacity(word.count)
        for (k, id) in word.enumerated() {
            let text = id >= 0 ? symbols[Int(id)] : extra[Int(-id) - 1]
            if k < word.count - 1 {
                tokens.append(text + "@@")
            } else {
                var scalars = Array(text.unicodeScalars)
                scalars.removeLast(min(4, scalars.count))  // "</w>"
                tokens.append(String(String.UnicodeScalarView(scalars)))
            }
        }
        return tokens
    }

    // MARK: - Decoding

    /// `tok.decode(ids, skip_special_tokens:)`: tokens joined by spaces, `"@@ "` removed, stripped.
    /// Unknown ids decode as `__unk__`.
    public func decode(_ ids: [Int32], skipSpecialTokens: Bool) -> String {
        var joined: [Unicode.Scalar] = []
        var first = true
        for id in ids {
            if skipSpecialTokens && specialIds.contains(id) { continue }
            let token = addedTokenOfId[id] ?? (id >= 0 && Int(id) < tokenOfId.count ? tokenOfId[Int(id)] : nil) ?? unkToken
            if !first { joined.append(" ") }
            first = false
            joined.append(contentsOf: token.unicodeScalars)
        }
        let cleaned = PythonText.removing(Array("@@ ".unicodeScalars), from: joined)
        return String(String.UnicodeScalarView(PythonText.stripped(cleaned)))
    }

    /// The token strings of `ids` (added tokens by their text, unknown ids as `__unk__`).
    public func tokens(_ ids: [Int32]) -> [String] {
        ids.map { addedTokenOfId[$0] ?? ($0 >= 0 && Int($0) < tokenOfId.count ? tokenOfId[Int($0)] : nil) ?? unkToken }
    }
}
