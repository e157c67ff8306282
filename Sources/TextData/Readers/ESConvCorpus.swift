// ESConvCorpus: the 1,300 ESConv conversations in ESConv.json order, loaded from the data folder
// (the HuggingFace files, or an ESConv.json / PESConv file), with PESConv persona annotations
// attached where they exist, and cut into PAL's split.
import Foundation

public struct ESConvCorpus: Sendable {
    /// In ESConv.json order.
    public var conversations: [Conversation]
    /// Notes from loading: fallbacks, mismatches, repeats, annotations not attached.
    public var report: SkipReport
    /// Whether the files read are the published ones (`data/manifest.sha256`).
    public var verification: DataVerification

    public init(conversations: [Conversation], report: SkipReport = SkipReport(), verification: DataVerification = .matchesManifest) {
        self.conversations = conversations
        self.report = report
        self.verification = verification
    }

    /// Loads `esconv/{train,valid,test}.json` under `data` and attaches the published PESConv
    /// annotations (`pesconv/{valid,test}.txt`) when present; checks every file read against
    /// `data/manifest.sha256` and counts conversations that repeat an earlier one.
    public static func load(data: URL) throws -> ESConvCorpus {
        let reader = ESConvReader()
        var read: [String: Data] = [:]
        func bytes(_ path: String) throws -> Data {
            let contents = try FileAccess.read(data.appendingPathComponent(path))
            read[path] = contents
            return contents
        }
        let files = ["train", "valid", "test"].map { "esconv/\($0).json" }
        let parts = try files.map { try reader.read(data: bytes($0), file: data.appendingPathComponent($0).path).conversations }
        var report = SkipReport()
        let conversations: [Conversation]
        if let merged = HuggingFaceESConvOrder.merge(train: parts[0], valid: parts[1], test: parts[2]) {
            conversations = merged
        } else {
            conversations = parts[0] + parts[1] + parts[2]
            let heldOut = HuggingFaceESConvOrder.heldOutSize
            report.skip("conversations in file order (train, valid, test), not ESConv.json order: the files hold "
                        + "\(parts.map { String($0.count) }.joined(separator: "/")) conversations, the published ones "
                        + "\(HuggingFaceESConvOrder.total - 2 * heldOut)/\(heldOut)/\(heldOut)", count: conversations.count)
        }
        countRepeatedConversations(parts, files: files, into: &report)
        var corpus = ESConvCorpus(conversations: conversations, report: report)
        for part in ["valid", "test"] {
            let path = "pesconv/\(part).txt"
            let url = data.appendingPathComponent(path)
            if FileManager.default.fileExists(atPath: url.path) { try corpus.attachPersonas(try bytes(path), file: url) }
        }
        corpus.verification = try DataVerification.check(read, data: data)
        return corpus
    }

    /// Conversations that repeat an earlier one word for word (situation and every turn), kept and
    /// counted, the first few located: a repeated line in a data file, or one conversation in two parts.
    static func countRepeatedConversations(_ parts: [[Conversation]], files: [String], into report: inout SkipReport) {
        var first: [String: String] = [:]
        var repeats: [String] = []
        for (part, file) in zip(parts, files) {
            for (index, conversation) in part.enumerated() {
                let here = "\(file) #\(index + 1)"
                if let earlier = first[key(conversation)] { repeats.append("\(here) = \(earlier)") } else { first[key(conversation)] = here }
            }
        }
        if !repeats.isEmpty {
            report.skip("kept: a conversation that repeats an earlier one word for word (conversation #n of a file: \(repeats.prefix(3).joined(separator: "; "))"
                        + (repeats.count > 3 ? "; …)" : ")"), count: repeats.count)
        }
    }

    /// What to tell the user about the data: whether they are the published files, then `report`.
    public var notes: [String] { (verification.note.map { [$0] } ?? []) + report.lines }

    /// PAL's 7:2:1 split of these conversations with `seed`.
    public func split(seed: UInt64) -> DataSplit { DataSplit.pal(count: conversations.count, seed: seed) }

    /// The paper's split (seed 13 over the published files); refused when the files are not known to be
    /// the published ones, since seed 13 then cuts other conversations than the paper's.
    public func papersSplit() throws -> DataSplit {
        let instead = "or name a seeded split (seed 13: `seed-13`) to cut these data anyway"
        switch verification {
        case .matchesManifest: return split(seed: DataSplit.papersSeed)
        case .differs(let files, let manifest):
            throw DataError(file: manifest, "\(files.joined(separator: ", ")) \(files.count == 1 ? "differs" : "differ") from it, and the paper's split "
                            + "is defined on the published data only: reinstall them with `make data`, \(instead)")
        case .noManifest(let path):
            throw DataError(file: path, "missing, so the data cannot be checked, and the paper's split is defined on the published data only: "
                            + "install them with `make data`, \(instead)")
        }
    }

    /// Copies `persona` and `persona_list` from the PESConv file at `url` onto the conversations
    /// with the same situation and turns. Annotations that match no conversation, and lists whose
    /// length differs from seeker turns − 2, are counted in `report`.
    public mutating func attachPersonas(from url: URL) throws {
        try attachPersonas(FileAccess.read(url), file: url)
    }

    /// `attachPersonas(from:)` with the file's bytes already read.
    mutating func attachPersonas(_ data: Data, file url: URL) throws {
        let annotated = try ESConvReader(personaListPolicy: .lenient).read(data: data, file: url.path)
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
