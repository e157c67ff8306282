// YAMLDocument: YAML text read into Yams' tree, with every failure a DataError naming the file, the line
// and the column (Yams' own errors name no file and quote the whole line). Documents that would exhaust
// Yams are refused first: deep nesting (its reader recurses once per level and overflows the stack at
// about 1,400 levels) and aliases that expand to a huge tree ("billion laughs").
import Foundation
import TextData
import Yams

enum YAMLDocument {
    /// Documents that may nest deeper than this are refused (a recipe nests 3 levels).
    static let maximumDepth = 64
    /// Documents of more values than this, each use of an alias counted anew, are refused.
    static let maximumValues = 100_000

    /// The document in `text`, the contents of `file` (nil when it is empty).
    static func load(_ text: String, file: String) throws -> Any? {
        let (depth, line) = nestingBound(text)
        guard depth <= maximumDepth else {
            throw DataError(file: file, line: line, "nested more than \(maximumDepth) levels deep (brackets, indentation, '- ' and '? '): "
                            + "a recipe needs 3; is this the right file?")
        }
        let node: Node?
        do { node = try Yams.compose(yaml: text) } catch let error as YamlError {
            throw DataError(error, file: file, text: text)
        }
        var budget = maximumValues
        if let node, let (problem, mark) = problem(in: node, budget: &budget) { throw DataError(file: file, line: mark?.line, problem) }
        return node?.any
    }

    /// An upper bound of how deep the document nests, and the line where the bound is reached, found
    /// without parsing: flow brackets still open (openers counted everywhere, closers outside quotes
    /// and comments), two levels per block indentation level (a sequence may sit at its key's
    /// indentation), and two per `- ` or `? ` that starts the line (compact nested collections).
    static func nestingBound(_ text: String) -> (depth: Int, line: Int) {
        let bytes = Array(text.utf8)
        let (space, tab, newline) = (UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\n"))
        var bound = (depth: 0, line: 1)
        var line = 1, flow = 0, indents: [Int] = [], indent = 0, indicators = 0
        var atLineStart = true, inComment = false, lineHasText = false
        var quote: UInt8?
        var index = 0
        while index < bytes.count {
            let byte = bytes[index], previous = index > 0 ? bytes[index - 1] : newline
            let next = index + 1 < bytes.count ? bytes[index + 1] : newline
            index += 1
            if byte == newline {
                (line, indent, indicators, atLineStart, inComment, lineHasText) = (line + 1, 0, 0, true, false, false)
                continue
            }
            if atLineStart {
                if byte == space || byte == tab { indent += 1; continue }
                atLineStart = false
                while let last = indents.last, last > indent { indents.removeLast() }
                if indent > indents.last ?? -1 { indents.append(indent) }
            }
            // `- ` and `? ` open a collection only before any other text on the line (counted inside
            // quotes too, where a wrongly detected quote would otherwise hide them).
            if byte == UInt8(ascii: "-") || byte == UInt8(ascii: "?"), [space, tab, newline].contains(next), !lineHasText {
                indicators += 1
            } else if byte != space && byte != tab {
                lineHasText = true
            }
            switch byte {
            case UInt8(ascii: "["), UInt8(ascii: "{"):
                flow += 1
            case _ where quote != nil:
                if byte == UInt8(ascii: "\\"), quote == UInt8(ascii: "\"") {
                    index += 1  // an escaped character
                } else if byte == quote {
                    if byte == UInt8(ascii: "'"), next == byte { index += 1 } else { quote = nil }
                }
            case _ where inComment:
                break
            case UInt8(ascii: "]"), UInt8(ascii: "}"):
                flow = max(0, flow - 1)
            case UInt8(ascii: "#") where [space, tab, newline].contains(previous):
                inComment = true
            case UInt8(ascii: "\""), UInt8(ascii: "'"):
                if [space, tab, newline, UInt8(ascii: "["), UInt8(ascii: "{"), UInt8(ascii: ","), UInt8(ascii: ":")].contains(previous) {
                    quote = byte
                }
            default:
                break
            }
            let depth = flow + 2 * indents.count + 2 * indicators
            if depth > bound.depth { bound = (depth, line) }
        }
        return bound
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
