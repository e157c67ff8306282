// TokenizerAddedTokenTrie: finds added tokens (`</s>`, `[Question]`, `<persona>` …) inside text so
// they stay single tokens, with the exact cutting rules of transformers' Python `Trie.split`
// (BlenderbotSmall) or of `tokenizers`' leftmost-longest Aho-Corasick match (byte-level BPE).
import Foundation

/// A trie over Unicode scalars of the added tokens, cutting text into plain and added pieces.
struct TokenizerAddedTokenTrie: Sendable {
    /// How matches are chosen when tokens overlap.
    enum Semantics: Sendable {
        /// transformers `tokenization_python.Trie.split`, reproduced statement by statement.
        case transformers
        /// `tokenizers` AddedVocabulary: at the leftmost position that starts a match, the longest match.
        case leftmostLongest
    }

    /// One piece of text: scalar offsets, and whether it is an added token's exact text.
    struct Piece: Equatable {
        var range: Range<Int>
        var isAddedToken: Bool
    }

    private var children: [[Unicode.Scalar: Int32]] = [[:]]
    private var terminal: [Bool] = [false]
    private var tokens: Set<BPEExactString> = []
    let semantics: Semantics

    init(_ tokens: [String], semantics: Semantics) {
        self.semantics = semantics
        for token in tokens where !token.isEmpty { add(token) }
    }

    var isEmpty: Bool { tokens.isEmpty }

    private mutating func add(_ token: String) {
        tokens.insert(BPEExactString(token))
        var node = 0
        for scalar in token.unicodeScalars {
            if let next = children[node][scalar] {
                node = Int(next)
            } else {
                children.append([:])
                terminal.append(false)
                children[node][scalar] = Int32(children.count - 1)
                node = children.count - 1
            }
        }
        terminal[node] = true
    }

    @inline(__always) private func child(_ node: Int, _ scalar: Unicode.Scalar) -> Int? {
        children[node][scalar].map(Int.init)
    }

    /// Cuts `text` into pieces; a piece is marked added when its text is exactly an added token.
    func split(_ text: [Unicode.Scalar]) -> [Piece] {
        if text.isEmpty { return [] }
        if tokens.isEmpty { return [Piece(range: 0..<text.count, isAddedToken: false)] }
        switch semantics {
        case .transformers: return transformersSplit(text)
        case .leftmostLongest: return leftmostLongestSplit(text)
        }
    }

    // MARK: - transformers' Trie.split

    /// A line-by-line port of `Trie.split` (transformers/tokenization_python.py), including its
    /// lookahead that prefers the earliest start and then the longest token, then `cut_text`, then
    /// `token in no_split_token`.
    private func transformersSplit(_ text: [Unicode.Scalar]) -> [Piece] {
        let n = text.count
        var states: [(start: Int, node: Int)] = []  // an OrderedDict: insertion order is start order
        var offsets = [0]
        var skip = 0
        for current in 0..<n {
            let currentChar = text[current]
            if skip > 0 && current < skip { continue }
            var toRemove: Set<Int> = []
            var reset = false
            var index = 0
            while index < states.count {
                var start = states[index].start
                let triePointer = states[index].node
                if terminal[triePointer] {
                    // Lookahead to match longest first, also from earlier partial matches.
                    var end = 0
                    for (lookstart, lookPointer) in states {
                        var looktriePointer = lookPointer
                        var lookaheadIndex: Int
                        if lookstart > start {
                            break
                        } else if lookstart < start {
                            lookaheadIndex = current + 1
                            end = current + 1
                        } else {
                            lookaheadIndex = current
                            end = current
                        }
                        var nextChar: Unicode.Scalar? = lookaheadIndex < n ? text[lookaheadIndex] : nil
                        if terminal[looktriePointer] {
                            start = lookstart
                            end = lookaheadIndex
                            skip = lookaheadIndex
                        }
                        while let c = nextChar, let next = child(looktriePointer, c) {
                            looktriePointer = next
                            lookaheadIndex += 1
                            if terminal[looktriePointer] {
                                start = lookstart
                                end = lookaheadIndex
                                skip = lookaheadIndex
                            }
                            if lookaheadIndex == n { break }
                            nextChar = text[lookaheadIndex]
                        }
                    }
                    offsets.append(start)
                    offsets.append(end)
                    reset = true
                    break
                } else if let next = child(triePointer, currentChar) {
                    states[index].node = next
                } else {
                    toRemove.insert(start)
                }
                index += 1
            }
            if reset {
                states.removeAll(keepingCapacity: true)
            } else if !toRemove.isEmpty {
                states.removeAll { toRemove.contains($0.start) }
            }
            if current >= skip, let next = child(0, currentChar) {
                states.append((current, next))
            }
        }
        for (start, triePointer) in states where terminal[triePointer] {
            offsets.append(start)
            offsets.append(n)
            break
        }
        // cut_text
        offsets.append(n)
        var pieces: [Piece] = []
        var start = 0
        for end in offsets {
            if start >= end { continue }  // start > end: "bug in Trie algorithm", skipped as transformers does
            pieces.append(Piece(range: start..<end, isAddedToken: isToken(text[start..<end])))
            start = end
        }
        return pieces
    }

    private func isToken(_ scalars: ArraySlice<Unicode.Scalar>) -> Bool {
        var node = 0
        for scalar in scalars {
            guard let next = child(node, scalar) else { return false }
            node = next
        }
        return terminal[node]
    }

    // MARK: - tokenizers' leftmost-longest

    private func leftmostLongestSplit(_ text: [Unicode.Scalar]) -> [Piece] {
        let n = text.count
        var pieces: [Piece] = []
        var plainStart = 0
        var i = 0
        while i < n {
            var node = 0
            var matchEnd = -1
            var j = i
            while j < n, let next = child(node, text[j]) {
                node = next
                j += 1
                if terminal[node] { matchEnd = j }
            }
            if matchEnd > i {
                if plainStart < i { pieces.append(Piece(range: plainStart..<i, isAddedToken: false)) }
                pieces.append(Piece(range: i..<matchEnd, isAddedToken: true))
                i = matchEnd
                plainStart = i
            } else {
                i += 1
            }
        }
        if plainStart < n { pieces.append(Piece(range: plainStart..<n, isAddedToken: false)) }
        return pieces
    }
}
