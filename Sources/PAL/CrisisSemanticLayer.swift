// CrisisSemanticLayer: the crisis guard's last layer, for what no phrase list foresees — the cosine
// similarity (all-MiniLM-L6-v2, mean pooling) between a message, and each of its sentences, and a
// curated set of crisis exemplars and benign anchors (CrisisSemanticLayer+Exemplars.swift). The
// message is read as the lexicon reads it (CrisisText, idioms removed). A message is flagged when
// its best similarity to an exemplar reaches the threshold, chosen on the development list only
// (docs/crisis-guard.md), and beats its best similarity to every anchor.
import Foundation
import Models
import TextData

public struct CrisisSemanticLayer {
    /// One crisis statement the layer compares messages with.
    public struct Exemplar: Sendable {
        public let category: CrisisCategory
        public let text: String

        init(_ category: CrisisCategory, _ text: String) {
            (self.category, self.text) = (category, text)
        }
    }

    /// The exemplar nearest to a message, how near, and how near the nearest anchor is.
    public struct Nearest {
        public let exemplar: Exemplar
        public let similarity: Float
        public let anchorSimilarity: Float

        /// The flag this is at `threshold`: at least that similar to the exemplar, and more than to any anchor.
        public func flag(at threshold: Float) -> CrisisFlag? {
            guard similarity >= threshold, similarity > anchorSimilarity else { return nil }
            return CrisisFlag(layer: .semantic, category: exemplar.category, language: nil, evidence: exemplar.text, similarity: similarity)
        }
    }

    /// Chosen on Tests/PALTests/Fixtures/crisis/dev.tsv with `paltrain guard --list … --sweep`
    /// (docs/crisis-guard.md says how): never on the held-out list.
    public static let defaultThreshold: Float = 0.50
    /// The encoder the threshold was chosen for.
    public static let encoderName = "all-MiniLM-L6-v2"

    public let encoder: SentenceEncoder
    public let threshold: Float
    public let exemplars: [Exemplar]
    public let anchors: [String]
    private let vectors: [[Float]], anchorVectors: [[Float]]

    /// The layer over `encoder`, flagging at `threshold`; embeds the exemplars and anchors once.
    public init(encoder: SentenceEncoder, threshold: Float = CrisisSemanticLayer.defaultThreshold,
                exemplars: [Exemplar] = CrisisSemanticLayer.builtInExemplars, anchors: [String] = CrisisSemanticLayer.builtInAnchors) {
        self.encoder = encoder
        self.threshold = threshold
        self.exemplars = exemplars
        self.anchors = anchors
        vectors = encoder.embed(exemplars.map { CrisisText($0.text).text })
        anchorVectors = encoder.embed(anchors.map { CrisisText($0).text })
    }

    /// The layer over the all-MiniLM-L6-v2 in `folder`, or nil when none is installed there; throws
    /// when the folder holds another model, for which the threshold means nothing.
    public static func load(folder: URL) throws -> CrisisSemanticLayer? {
        guard let encoder = try SentenceEncoder.load(folder: folder, pooling: .mean) else { return nil }
        guard encoder.model.config == .allMiniLML6v2 else {
            throw DataError(file: folder.path, "is not \(encoderName) (its config differs), and the crisis guard's threshold was chosen for that "
                            + "encoder; point --crisis-encoder at \(encoderName) or pass --no-semantic-guard")
        }
        return CrisisSemanticLayer(encoder: encoder)
    }

    // MARK: - Scoring

    /// Of the pieces of `message` (the whole and each sentence, idioms removed), the one nearest to
    /// an exemplar, with its nearest anchor; nil when nothing of the message is left to read.
    public func nearest(_ message: String, lexicon: CrisisLexicon) -> Nearest? {
        let pieces = Self.pieces(of: message, lexicon: lexicon)
        guard !pieces.isEmpty else { return nil }
        var best: Nearest?
        for vector in encoder.embed(pieces) {
            let (i, similarity) = Self.nearest(vector, in: vectors)
            if similarity > best?.similarity ?? -2 {
                best = Nearest(exemplar: exemplars[i], similarity: similarity, anchorSimilarity: Self.nearest(vector, in: anchorVectors).similarity)
            }
        }
        return best
    }

    /// The index of the vector of `candidates` nearest to `vector`, and its cosine similarity (-2 when there is none).
    private static func nearest(_ vector: [Float], in candidates: [[Float]]) -> (index: Int, similarity: Float) {
        var best = (index: 0, similarity: Float(-2))
        for (i, other) in candidates.enumerated() {
            let similarity = BertModel.cosineSimilarity(vector, other)
            if similarity > best.similarity { best = (i, similarity) }
        }
        return best
    }

    /// A flag when `message` is at least `threshold` similar to an exemplar, and more than to any anchor.
    public func flag(_ message: String, lexicon: CrisisLexicon) -> CrisisFlag? {
        nearest(message, lexicon: lexicon)?.flag(at: threshold)
    }

    /// The texts the layer embeds for `message`: the whole message and, when it has several, each
    /// sentence, as CrisisText writes them, idioms removed, empty ones dropped.
    static func pieces(of message: String, lexicon: CrisisLexicon) -> [String] {
        let sentences = message.split(whereSeparator: { ".!?;\n".contains($0) }).map(String.init)
        var pieces: [String] = []
        for text in [message] + (sentences.count > 1 ? sentences : []) {
            let words = lexicon.withoutIdioms(CrisisText(text).text).split(whereSeparator: { $0 == " " || $0 == "|" }).joined(separator: " ")
            if !words.isEmpty, !pieces.contains(words) { pieces.append(words) }
        }
        return pieces
    }
}
