// Recipes as YAML: the inputs the fuzzer found (FuzzingTests, recipe target) fail with a DataError naming
// the file, line and column instead of crashing or escaping as Yams' error; the nesting bound that keeps
// Yams off deep documents is an upper bound of the real depth.
import Foundation
@testable import PAL
import TextData
import XCTest
import Yams

final class YAMLDocumentTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("paltrain-yaml-\(getpid())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDown() { try? FileManager.default.removeItem(at: directory) }

    private func loadError(_ text: String) throws -> String {
        let file = directory.appendingPathComponent("r.yaml")
        try text.write(to: file, atomically: true, encoding: .utf8)
        do {
            _ = try Recipe.load(file)
            return "accepted"
        } catch let error as DataError {
            return String(describing: error).replacingOccurrences(of: file.path, with: "r.yaml")
        }
    }

    /// Found by the fuzzer: 1,440 nested flow mappings overflowed the stack inside Yams (a crash, signal 11).
    func testDeepNestingIsAnErrorNotACrash() throws {
        let limit = "may nest more than 64 levels (counting its brackets, indentation steps and leading '- ', '? ', ': '; a recipe nests 3): is this the right file?"
        XCTAssertEqual(try loadError("stage: pal\noutput: " + String(repeating: "{a: ", count: 3000) + "\n"), "r.yaml:2: " + limit)
        XCTAssertEqual(try loadError("stage: pal\noutput:\n" + String(repeating: "- ", count: 3000) + "x\n"), "r.yaml:3: " + limit)
        // Found by the fuzzer (10 minutes, seed 2001): a carriage return is a line break to YAML, so the
        // 5,100 '? ' after it nested complex keys, which the bound had counted as text in the first line.
        XCTAssertEqual(try loadError("stage: pal\r" + String(repeating: "? ", count: 3000) + "x\n"), "r.yaml:2: " + limit)
        XCTAssertEqual(try loadError("stage: pal\u{2028}" + String(repeating: "- ", count: 3000) + "x\n"), "r.yaml:2: " + limit)
        var recipe = Recipe(stage: .pal)
        XCTAssertThrowsError(try recipe.override(["output=" + String(repeating: "[", count: 3000)])) {
            XCTAssertEqual("\($0)", "--set:1: " + limit)
        }
    }

    /// Found by the fuzzer (seed 14, iteration 1,499): 30 '[' inside a value fit the bound in a
    /// four-line recipe but not in its saved form, which adds every section's indentation, so the run's
    /// config.yaml could not be read back by a resume. Such a recipe is refused when it is read.
    func testARecipeWhoseSavedFormCannotBeReadBackIsRefused() throws {
        let brackets = String(repeating: "[", count: 30)
        XCTAssertEqual(try loadError("stage: extractor\nvariant: pal\nmodel:\n  init: s\(brackets)\n"),
                       "r.yaml: saved as config.yaml, the line 'init: s\(brackets)' would make the recipe nest more than 64 levels "
                       + "(every '[' and '{' counts, even inside a value), and a resumed run could not read it back: use fewer brackets in that value")
        let file = directory.appendingPathComponent("few.yaml")
        try "stage: extractor\nmodel:\n  init: s[[[\n".write(to: file, atomically: true, encoding: .utf8)
        let recipe = try Recipe.load(file)
        try recipe.yaml().write(to: file, atomically: true, encoding: .utf8)
        XCTAssertEqual(try Recipe.load(file), recipe, "a few brackets in a value still read back")
    }

    /// Aliases of aliases expand exponentially; Yams would build all 10⁹ values of this document.
    func testAliasExpansionIsBounded() throws {
        var lines = ["stage: pal", "a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
        for level in 1...8 { lines.append("a\(level): &a\(level) [" + Array(repeating: "*a\(level - 1)", count: 10).joined(separator: ", ") + "]") }
        lines.append("output: *a8")
        XCTAssertEqual(try loadError(lines.joined(separator: "\n")),
                       "r.yaml: more than 100000 values once its aliases (*name) are expanded: write the values out instead of aliasing aliases")
        XCTAssertEqual(try loadError("stage: pal\noutput: &o runs/a\ntokenizer: *o\n"), "accepted", "a plain alias reads")
    }

    /// Yams force-unwraps every mapping key as a string: a sequence or mapping as a key trapped (signal 4).
    func testComplexKeysAreAnErrorNotATrap() throws {
        XCTAssertEqual(try loadError("stage: pal\n? [a]\n: b\n"),
                       "r.yaml:2: not valid here at column 3: a sequence as a key (? [...] or {...}: ...): keys are plain names")
        XCTAssertEqual(try loadError("stage: pal\nmodel: {{a: 1}: 2}\n"),
                       "r.yaml:2: not valid here at column 9: a mapping as a key (? [...] or {...}: ...): keys are plain names")
        XCTAssertEqual(try loadError("stage: pal\nmodel: {layers: 2, ? [a]}\n"),
                       "r.yaml:2: not valid here at column 22: a sequence as a key (? [...] or {...}: ...): keys are plain names")
    }

    /// Found by the fuzzer: an ordered map became Swift tuples, which Yams cannot dump again (YamlError escaped).
    func testSetsAndOrderedMapsAreAnError() throws {
        XCTAssertEqual(try loadError("stage: pal\noutput: !!omap [a, {b: c}]\n"),
                       "r.yaml:2: not valid here at column 9: a !!omap is not a value a recipe holds: write a plain list or mapping")
        XCTAssertEqual(try loadError("stage: pal\noutput: !!set {a}\n"),
                       "r.yaml:2: not valid here at column 9: a !!set is not a value a recipe holds: write a plain list or mapping")
    }

    /// Found by the fuzzer: a long unknown key or value made a message as long (YAML allows 1,024-character keys).
    func testLongKeysAndValuesAreShortenedInMessages() throws {
        let key = String(repeating: "k", count: 1000), value = String(repeating: "v", count: 10_000)
        XCTAssertEqual(try loadError("stage: pal\n\(key): 1\n"), "r.yaml: \(String(key.prefix(60)))…: unknown key "
                       + "(known here: data, model, output, stage, tokenizer, training, variant)")
        XCTAssertEqual(try loadError("stage: pal\nmodel:\n  family: \(value)\n"),
                       "r.yaml: model.family: expected blenderbot-small, bart, got \(String(value.prefix(60)))…")
    }

    /// Found by the fuzzer: YAML syntax errors escaped as Yams' YamlError, naming no file and quoting the whole line.
    func testSyntaxErrorsNameFileLineAndColumn() throws {
        XCTAssertEqual(try loadError("stage: pal\nmodel:\n  ffamily: fn: 2048\n"),
                       "r.yaml:3: not valid YAML at column 14: mapping values are not allowed in this context")
        XCTAssertEqual(try loadError("stage: pal\nmodel:\n\tlayers: 2\n"),
                       "r.yaml:3: not valid YAML at column 1: found character that cannot start any token (while scanning for the next token from line 3, column 1)")
        XCTAssertEqual(try loadError("stage: pal\ndata: {folder: \"x\n"),
                       "r.yaml:3: not valid YAML at column 1: found unexpected end of stream (while scanning a quoted scalar from line 2, column 16)")
        XCTAssertEqual(try loadError("stage: pal\noutput: a\u{7}b\n"), "r.yaml:2: not valid YAML: control characters are not allowed")
    }

    /// Found by the fuzzer: invalid UTF-8 gave Foundation's "The file isn't in the correct format", naming no file.
    func testInvalidUTF8NamesTheFile() throws {
        let file = directory.appendingPathComponent("r.yaml")
        try Data("stage: pal\noutput: ab".utf8 + [0xFF] + Data("c\n".utf8)).write(to: file)
        XCTAssertThrowsError(try Recipe.load(file)) { XCTAssertEqual("\($0)", "\(file.path): not UTF-8 text: a recipe is a YAML file") }
    }

    /// The bound never underestimates: brackets in quotes and comments, block scalars, compact sequences.
    func testNestingBoundIsAnUpperBound() throws {
        func depth(_ node: Node) -> Int {
            switch node {
            case .scalar: return 0
            case .sequence(let items): return 1 + (items.map(depth).max() ?? 0)
            case .mapping(let pairs): return 1 + (pairs.map { max(depth($0.key), depth($0.value)) }.max() ?? 0)
            }
        }
        let documents = [
            "a: \"]]]]\"\nb: [[[[1]]]]\n", "a: [[[[ \"]]]]\", [[[x]]]]]]]\n", "# ]]]]\nb: [[[x]]]\n", "a: 'it''s ]]' \nb: [[[[x]]]]\n",
            "- - - - x\n", "a:\n- b:\n  - c:\n    - d: [e, {f: g}]\n", "a: |\n  ]]]] text\nb: [[[x]]]\n", "? [a, [b]]\n: - - c\n",
            "{\"a\": {\"b\": [1, {\"c\": [2]}]}}", "a: x]]]\nb: [[y]]\n", "a: x ,\"\nb:\n- - - - - x\nc: d\"\n", "- ? - - x\n  : y\n",
            "a:\r- - - x\r\nb: [[c]]\u{85}d:\u{2029}- - e\n", "--- [[x]]\n", "? a\n: - - - y\n", "- ? - x\n  : - - y\n",
            "[a: [b: [c: d]]]\n", "a:\n  b:\n    c: [x,\ny]\n    d:\n      e:\n        f: g\n", "- a: b\n  c:\n  - - d: e\n",
        ]
        for text in documents {
            let node = try XCTUnwrap(Yams.compose(yaml: text), text)
            XCTAssertGreaterThanOrEqual(YAMLDocument.nestingBound(text).depth, depth(node), text)
        }
        for name in try FileManager.default.contentsOfDirectory(atPath: "recipes") where name.hasSuffix(".yaml") {
            let text = try String(contentsOfFile: "recipes/" + name, encoding: .utf8)
            XCTAssertLessThanOrEqual(YAMLDocument.nestingBound(text).depth, 12, "\(name) is far from the limit")
        }
        // Found by the fuzzer: a value holding many "- " read back as nesting once saved (folded at 80 columns).
        var recipe = Recipe(stage: .pal)
        recipe.training.noDecay = ["bia" + String(repeating: "- ", count: 100) + "s", "norm"]
        XCTAssertEqual(try loadError(recipe.yaml()), "accepted")
    }
}
