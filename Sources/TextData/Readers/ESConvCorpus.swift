// ESConvCorpus: the 1,300 ESConv conversations in ESConv.json order, loaded from the data folder
// (the HuggingFace files, or an ESConv.json / PESConv file), with PESConv persona annotations
// attached where they exist, and cut into PAL's split.
import Foundation

public struct ESConvCorpus: Sendable {
    /// In ESConv.json order.
    public var conversations: [Conversation]
    /// Notes from loading: fallbacks, mismatches, annotations not attached.
    public var report: SkipReport

    public init(conversations: [Conversation], report: SkipReport = SkipReport()) {
        self.conversations = conversations
        self.report = report
    }

    /// Loads `esconv/{train,valid,test}.json` under `data` and attaches the published PESConv
    /// annotations (`pesconv/{valid,test}.txt`) when present.
    public static func load(data: URL) throws -> ESConvCorpus {
        let reader = ESConvReader()
        let parts = try ["train", "valid", "test"].map { try reader.read(data.appendingPathComponent("esconv/\($0).json")).conversations }
        var corpus = ESConvCorpus(conversations: HuggingFaceESConvOrder.merge(train: parts[0], valid: parts[1], test: parts[2]))
        for part in ["valid", "test"] {
            let url = data.appendingPathComponent("pesconv/\(part).txt")
            if FileManager.default.fileExists(atPath: url.path) { try corpus.attachPersonas(from: url) }
        }
        return corpus
    }

    /// Copies `persona` and `persona_list` from the PESConv file at `url` onto the conversations
    /// with the same situation and turns. Annotations that match no conversation, and lists whose
    /// length differs from seeker turns − 2, are counted in `report`.
    public mutating func attachPersonas(from url: URL) throws {
        let annotated = try ESConvReader(personaListPolicy: .lenient).read(url)
        report.skip("kept from \(url.lastPathComponent) with a persona_list length other than seeker turns − 2 (turns past its end reuse its last entry)",
                    count: annotated.personaListMismatches.count)
        var index: [String: Int] = [:]
        for (i, c) in conversations.enumerated() { index[Self.key(c)] = i }
        for source in annotated.conversations {
            guard let i = index[Self.key(source)] else {
                report.skip("not attached: a conversation of \(url.lastPathComponent) that matches no ESConv conversation")
                continue
            }
            conversations[i].persona = source.persona
            conversations[i].personaList = source.personaList
        }
    }

    private static func key(_ c: Conversation) -> String {
        c.situation + "\u{1}" + c.turns.map { $0.speaker.rawValue + ":" + $0.text }.joined(separator: "\u{1}")
    }

    /// The conversations of each part of `split`.
    public func parts(_ split: DataSplit) -> (train: [Conversation], valid: [Conversation], test: [Conversation]) {
        (split.train.map { conversations[$0] }, split.valid.map { conversations[$0] }, split.test.map { conversations[$0] })
    }
}
