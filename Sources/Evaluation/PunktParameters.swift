// PunktParameters: the four tables of a trained Punkt model (nltk's `punkt_tab/<language>/`), read the
// way nltk's `load_punkt_params` reads them: UTF-8 lines joined by "\n", only a final "\n" stripped.
import Foundation
import PythonSemantics

/// The abbreviations, collocations, sentence starters and orthographic contexts of a Punkt model.
///
/// Entries are kept as exact code point sequences (Python compares strings code point by code point,
/// Swift's `String ==` by canonical equivalence), e.g. `abbrev_types.txt`'s entry `". . "` keeps its
/// trailing space.
public struct PunktParameters: Sendable {
    typealias Key = [Unicode.Scalar]

    /// Orthographic context bits: upper case at the beginning / middle / unknown position of a
    /// sentence, then lower case at the same positions.
    public enum Ortho {
        public static let begUC = 1 << 1, midUC = 1 << 2, unkUC = 1 << 3
        public static let begLC = 1 << 4, midLC = 1 << 5, unkLC = 1 << 6
        public static let uc = begUC | midUC | unkUC
        public static let lc = begLC | midLC | unkLC
    }

    /// A known collocation `(first, second)` of word types, the first without its final period.
    struct Collocation: Hashable, Sendable {
        var first: Key
        var second: Key
    }

    var abbrevTypes: Set<Key>
    var collocationSet: Set<Collocation>
    var sentStarters: Set<Key>
    var orthoContext: [Key: Int]

    /// The four English tables under `<nltkData>/tokenizers/punkt_tab/<language>/`.
    public static func load(nltkData: URL, language: String = "english") throws -> PunktParameters {
        try PunktParameters(directory: nltkData.appendingPathComponent("tokenizers/punkt_tab").appendingPathComponent(language))
    }

    /// Reads `abbrev_types.txt`, `collocations.tab`, `sent_starters.txt` and `ortho_context.tab`.
    public init(directory: URL) throws {
        abbrevTypes = Set(try Self.lines(directory, "abbrev_types.txt").map(\.text))
        sentStarters = Set(try Self.lines(directory, "sent_starters.txt").map(\.text))
        collocationSet = []
        for line in try Self.lines(directory, "collocations.tab") {
            let fields = line.text.split(separator: "\t", omittingEmptySubsequences: false)
            guard fields.count == 2 else {
                throw PunktError.malformed(line.location, "expected `word1<TAB>word2`, found \(fields.count) field(s)")
            }
            collocationSet.insert(Collocation(first: Array(fields[0]), second: Array(fields[1])))
        }
        orthoContext = [:]
        for line in try Self.lines(directory, "ortho_context.tab") {
            let fields = line.text.split(separator: "\t", omittingEmptySubsequences: false)
            let number = fields.count == 2 ? Int(PythonText.string(fields[1]).trimmingCharacters(in: .whitespaces)) : nil
            guard let flags = number else {
                throw PunktError.malformed(line.location, "expected `type<TAB>integer`")
            }
            orthoContext[Array(fields[0])] = flags  // a repeated type keeps its last value, as in a dict
        }
    }

    /// Builds parameters from explicit tables (word types lower-cased, abbreviations without their period).
    public init(abbreviations: [String], collocations: [(String, String)], sentenceStarters: [String], orthographicContext: [String: Int]) {
        abbrevTypes = Set(abbreviations.map(PythonText.scalars))
        collocationSet = Set(collocations.map { Collocation(first: PythonText.scalars($0.0), second: PythonText.scalars($0.1)) })
        sentStarters = Set(sentenceStarters.map(PythonText.scalars))
        orthoContext = Dictionary(orthographicContext.map { (PythonText.scalars($0.key), $0.value) }, uniquingKeysWith: { $1 })
    }

    // MARK: - Inspection

    /// Known abbreviation types, sorted.
    public var abbreviations: [String] { abbrevTypes.map(PythonText.string).sorted() }
    /// Known collocations, sorted.
    public var collocations: [(String, String)] {
        collocationSet.map { (PythonText.string($0.first), PythonText.string($0.second)) }.sorted { ($0.0, $0.1) < ($1.0, $1.1) }
    }
    /// Frequent sentence starters, sorted.
    public var sentenceStarters: [String] { sentStarters.map(PythonText.string).sorted() }
    /// Number of word types with an orthographic context.
    public var orthographicContextCount: Int { orthoContext.count }
    /// The orthographic context flags of a (lower-cased) word type; 0 when unseen.
    public func orthographicContext(_ type: String) -> Int { orthoContext[PythonText.scalars(type)] ?? 0 }

    // MARK: - Reading

    /// The lines of a table: the text split at "\n", a final empty piece (after a final "\n") dropped;
    /// "\r\n" and "\r" read as "\n" (Python's universal newlines).
    private static func lines(_ directory: URL, _ name: String) throws -> [(text: [Unicode.Scalar], location: String)] {
        let url = directory.appendingPathComponent(name)
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw PunktError.missing(url.path)
        }
        let data = try Data(contentsOf: url)
        guard let text = String(data: data, encoding: .utf8) else {
            throw PunktError.malformed(url.path, "not UTF-8")
        }
        var scalars: [Unicode.Scalar] = []
        scalars.reserveCapacity(data.count)
        var previousCR = false
        for s in text.unicodeScalars {
            if s == "\r" {
                scalars.append("\n")
                previousCR = true
                continue
            }
            if !(s == "\n" && previousCR) { scalars.append(s) }
            previousCR = false
        }
        var pieces = scalars.split(separator: "\n", omittingEmptySubsequences: false).map(Array.init)
        if pieces.last?.isEmpty == true { pieces.removeLast() }
        return pieces.enumerated().map { ($0.element, "\(url.path):\($0.offset + 1)") }
    }
}

/// A Punkt table that is missing or malformed.
public enum PunktError: Error, CustomStringConvertible {
    case missing(String)
    case malformed(String, String)

    public var description: String {
        switch self {
        case .missing(let path):
            return "\(path) is missing: run `make data` (scripts/install-data.sh) to install the Punkt tables"
        case .malformed(let location, let problem):
            return "\(location): \(problem)"
        }
    }
}
