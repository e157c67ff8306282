// YAMLDocument: YAML text read into Yams' tree, with every failure a DataError naming the file, the line
// and the column (Yams' own errors name no file and quote the whole line). What would exhaust or trap
// Yams is refused first: deep nesting (its reader recurses once per level and overflows the stack at
// about 1,400 levels), aliases that expand to a huge tree ("billion laughs"), collections as mapping
// keys (it force-unwraps keys as strings) and !!set, !!omap, !!pairs (values it cannot write back).
import Foundation
import TextData
import Yams

enum YAMLDocument {
    /// Documents that may nest deeper than this are refused (a recipe nests 3 levels; the shipped ones
    /// reach a bound of at most 12).
    static let maximumDepth = 64
    /// Documents of more values than this, each use of an alias counted anew, are refused.
    static let maximumValues = 100_000

    /// The document in `text`, the contents of `file` (nil when it is empty).
    static func load(_ text: String, file: String) throws -> Any? {
        let (depth, line) = nestingBound(text)
        guard depth <= maximumDepth else {
            throw DataError(file: file, line: line, "may nest more than \(maximumDepth) levels (counting its brackets, indentation steps "
                            + "and leading '- ', '? ', ': '; a recipe nests 3): is this the right file?")
        }
        let node: Node?
        do { node = try Yams.compose(yaml: text) } catch let error as YamlError {
            throw DataError(error, file: file, text: text)
        }
        var budget = maximumValues
        if let node, let (problem, mark) = problem(in: node, budget: &budget) { throw DataError(file: file, line: mark?.line, problem) }
        return node?.any
    }

    /// An upper bound of how deep the document nests, and the line where it first passes
    /// `maximumDepth`, found without parsing by counting what every level needs, over the whole
    /// document and never subtracting: a flow bracket (two levels: `[a: b]` is a sequence holding a
    /// mapping), a line indented more than the line before (a block level below its parent), a `- `,
    /// `? ` or `: ` before any other text on its line (two levels: compact collections such as
    /// `- - a` and `- a: b` nest on one line, and a sequence may sit at its key's indentation). Each
    /// level on the path to the deepest node is paid for by its own bracket, indentation step or
    /// indicator, so quotes, comments and block scalars need no care: they only add to the bound.
    /// Lines end where YAML's do: at \n, \r, \r\n, NEL, LS and PS.
    static func nestingBound(_ text: String) -> (depth: Int, line: Int) {
        let bytes = Array(text.utf8)
        let (space, tab) = (UInt8(ascii: " "), UInt8(ascii: "\t"))
        func byte(at index: Int) -> UInt8? { index < bytes.count ? bytes[index] : nil }
        /// How many bytes the line break at `index` takes (0: none).
        func lineBreak(at index: Int) -> Int {
            switch (byte(at: index), byte(at: index + 1), byte(at: index + 2)) {
            case (0x0A, _, _): return 1
            case (0x0D, 0x0A, _): return 2
            case (0x0D, _, _): return 1
            case (0xC2, 0x85, _): return 2
            case (0xE2, 0x80, 0xA8), (0xE2, 0x80, 0xA9): return 3
            default: return 0
            }
        }
        /// Whether a space, a tab, a line break or the end follows `index`.
        func separated(after index: Int) -> Bool { index + 1 >= bytes.count || [space, tab].contains(bytes[index + 1]) || lineBreak(at: index + 1) > 0 }

        var depth = 1, line = 1, crossed = 0
        func add(_ levels: Int) {
            depth += levels
            if depth > maximumDepth && crossed == 0 { crossed = line }
        }
        var indent = 0, previousIndent: Int?, atLineStart = true, lineHasText = false
        var index = 0
        while index < bytes.count {
            let length = lineBreak(at: index)
            if length > 0 {
                (index, line, indent, atLineStart, lineHasText) = (index + length, line + 1, 0, true, false)
                continue
            }
            let current = bytes[index]
            index += 1
            if atLineStart {
                if current == space || current == tab { indent += 1; continue }
                atLineStart = false
                if let previousIndent, indent > previousIndent { add(1) }
                previousIndent = indent
                if indent == 0, [UInt8(ascii: "-"), UInt8(ascii: ".")].contains(current), byte(at: index) == current,
                   byte(at: index + 1) == current, separated(after: index + 1) {
                    index += 2  // a document marker (--- or ...): what follows it starts a node
                    continue
                }
            }
            let isIndicator = [UInt8(ascii: "-"), UInt8(ascii: "?"), UInt8(ascii: ":")].contains(current) && !lineHasText && separated(after: index - 1)
            if isIndicator || current == UInt8(ascii: "[") || current == UInt8(ascii: "{") { add(2) }
            if !isIndicator && current != space && current != tab { lineHasText = true }
        }
        return (depth, crossed)
    }

    /// What in `node` Yams' constructor would trap on or drown in, or build a value that cannot be
    /// written back, and where: a mapping key that is a sequence or a mapping (Yams force-unwraps every
    /// key as a string), a `!!set`, `!!omap` or `!!pairs` (Swift sets and tuples, which Yams cannot
    /// dump), or more than `budget` values (aliases counted at each use; counting stops past the budget).
    private static func problem(in node: Node, budget: inout Int) -> (String, Mark?)? {
        budget -= 1
        guard budget >= 0 else {
            return ("more than \(maximumValues) values once its aliases (*name) are expanded: write the values out instead of aliasing aliases", nil)
        }
        let tag = node.tag.description  // tag:yaml.org,2002:omap …
        if [Tag.Name.set, .omap, .pairs].map(\.rawValue).contains(tag) {
            return ("not valid here at column \(node.mark?.column ?? 0): a !!\(tag.split(separator: ":").last ?? "") is not a value a recipe holds: "
                    + "write a plain list or mapping", node.mark)
        }
        switch node {
        case .scalar:
            return nil
        case .sequence(let items):
            for item in items { if let found = problem(in: item, budget: &budget) { return found } }
            return nil
        case .mapping(let pairs):
            for (key, value) in pairs {
                if key.scalar == nil {
                    return ("not valid here at column \(key.mark?.column ?? 0): a \(key.sequence == nil ? "mapping" : "sequence") as a key (? [...] or "
                            + "{...}: ...): keys are plain names", key.mark)
                }
                if let found = problem(in: value, budget: &budget) { return found }
            }
            return nil
        }
    }
}

extension DataError {
    /// Yams' error as a DataError at the line of `file` (whose text is `text`) where the problem is.
    init(_ error: YamlError, file: String, text: String) {
        func place(_ context: YamlError.Context?) -> String {
            context.map { " (\($0.text) from line \($0.mark.line), column \($0.mark.column))" } ?? ""
        }
        switch error {
        case let .scanner(context, problem, mark, _), let .parser(context, problem, mark, _), let .composer(context, problem, mark, _):
            self.init(file: file, line: mark.line, "not valid YAML at column \(mark.column): \(problem)\(place(context))")
        case let .reader(problem, offset, _, _):
            // The offset counts Characters (Yams converts libyaml's byte offset).
            let line = offset.map { text.prefix($0).reduce(1) { $0 + ($1.isNewline ? 1 : 0) } }
            self.init(file: file, line: line, "not valid YAML: \(problem)")
        default:
            self.init(file: file, "not valid YAML: \(error)")
        }
    }
}
