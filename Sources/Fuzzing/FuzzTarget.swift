// FuzzTarget: each reader of files from outside, wrapped as a property check for the fuzzers: any input
// gives a value that keeps the reader's promises, or a thrown error of the reader's own type whose
// message names the file (and line or field); never a crash, a trap, a hang or unbounded memory.
import Checkpoint
import Foundation
import JSON
import Models
import PAL
import TextData
import Training

/// A reader under fuzzing.
public enum FuzzTarget: String, CaseIterable, Sendable {
    /// `JSONReader` on a whole document.
    case json
    /// `ESConvReader` (strict) on ESConv.json arrays and HF JSON lines.
    case esconv
    /// `ESConvReader` on PESConv files, under each `PersonaListPolicy`.
    case pesconv
    /// `Recipe.load` on a YAML recipe.
    case recipe
    /// `SafeTensorsFile.read` on a whole file.
    case safetensors
    /// `ModelCheckpoint.config(json:path:)` on a checkpoint's `config` attribute.
    case config

    /// The extension of the file the input is written to (readers look at it: a `.bin` safetensors
    /// file is taken for a PyTorch pickle).
    public var fileExtension: String {
        switch self {
        case .json, .config: return "json"
        case .esconv, .pesconv: return "jsonl"
        case .recipe: return "yaml"
        case .safetensors: return "safetensors"
        }
    }

    /// Reads `input`, which the file at `file` holds, and checks what came back.
    /// - Returns: what the reader did, with a signature that groups alike outcomes.
    /// - Throws: `PropertyViolation` when the reader broke its promises.
    public func check(_ input: [UInt8], file: URL) throws -> FuzzOutcome {
        switch self {
        case .json: return try Self.checkJSON(input)
        case .esconv: return try Self.checkESConv(input, file: file, policies: [.strict])
        case .pesconv: return try Self.checkESConv(input, file: file, policies: PersonaListPolicy.allCases)
        case .recipe: return try Self.checkRecipe(file)
        case .safetensors: return try Self.checkSafeTensors(file)
        case .config: return try Self.checkConfig(input, file: file)
        }
    }
}

/// What a reader did with one input.
public struct FuzzOutcome: Equatable, Sendable {
    /// Whether the reader returned a value (else it threw).
    public var accepted: Bool
    /// The error's message, or a summary of the value.
    public var detail: String

    /// The detail with quoted text and words holding digits (counts, `0x07`, `\uD83D`) blanked, so
    /// that inputs reaching the same check share it.
    public var signature: String {
        var out = accepted ? "accepted: " : "rejected: "
        var quote: Character?, word = ""
        func flush() {
            out += word.contains(where: \.isNumber) ? "#" : word
            word = ""
        }
        let characters = Array(detail)
        for (index, character) in characters.enumerated() {
            let previous = index > 0 ? characters[index - 1] : " ", next = index + 1 < characters.count ? characters[index + 1] : " "
            if let open = quote {
                // Quoted text is the reader's input, unescaped: only the opening quote followed by a
                // separator closes it (found '"' is one quoted character; a name may hold quotes).
                if character == open, next == " " || next == "," || next == ":" || next == ";" || next == ")" { quote = nil; out.append(character) }
            } else if character == "\"" || (character == "'" && !previous.isLetter) {  // not the apostrophe of key's
                flush()
                quote = character
                out.append(character)
            } else if character.isLetter || character.isNumber {
                word.append(character)
            } else {
                flush()
                out.append(character)
            }
        }
        flush()
        return out.shortened(to: 200)
    }

    static func accepted(_ summary: String) -> FuzzOutcome { FuzzOutcome(accepted: true, detail: summary) }
    static func rejected(_ message: String) -> FuzzOutcome { FuzzOutcome(accepted: false, detail: message) }
}

/// An input that broke a reader's promises.
public struct PropertyViolation: Error, CustomStringConvertible {
    public let description: String

    public init(_ description: String) { self.description = description }
}

// MARK: - Checks

extension FuzzTarget {
    /// Fragments of messages that dump an error's internals instead of saying what is wrong.
    static let unclearFragments = ["DecodingError", "CodingKeys(", "Context(", "Swift.", "Foundation.", "Yams.", "NSCocoaErrorDomain",
                                   "Error Domain=", "couldn’t be", "could not be completed", "(null)"]

    /// The message of an error a reader threw, after checking that it names `file` and says what is wrong.
    static func message(of error: any Error & CustomStringConvertible, names file: URL) throws -> String {
        let description = error.description
        guard description.contains(file.path) else {
            throw PropertyViolation("\(type(of: error)) does not name the file \(file.path): \(description)")
        }
        if let fragment = unclearFragments.first(where: description.contains) {
            throw PropertyViolation("\(type(of: error)) message shows \"\(fragment)\" instead of saying what is wrong: \(description)")
        }
        return description
    }

    /// Any other error than the reader's own type.
    static func foreign(_ error: Error) -> PropertyViolation {
        PropertyViolation("threw \(type(of: error)) instead of the reader's error type: \(error)")
    }

    static func checkJSON(_ input: [UInt8]) throws -> FuzzOutcome {
        let value: JSONValue
        do { value = try JSONReader.parse(Data(input)) } catch let error as JSONSyntaxError {
            let lines = input.split(separator: 0x0A, omittingEmptySubsequences: false)
            guard (1...lines.count).contains(error.line), (1...lines[error.line - 1].count + 1).contains(error.column),
                  !error.message.isEmpty else {
                throw PropertyViolation("error outside the \(lines.count)-line input: \(error)")
            }
            return .rejected(error.message)
        } catch { throw foreign(error) }
        // What is accepted writes back: byte for byte in the compact style, readably in Python's.
        let compact = JSONWriter.text(value, style: .compact)
        guard (try? JSONReader.parse(Data(compact.utf8))) == value else {
            throw PropertyViolation("the compact text of an accepted document reads back differently: \(compact.prefix(200))")
        }
        guard (try? JSONReader.parse(Data(JSONWriter.text(value, style: .python).utf8))) != nil else {
            throw PropertyViolation("the Python-style text of an accepted document does not read back")
        }
        return .accepted(value.kindDescription)
    }

    static func checkESConv(_ input: [UInt8], file: URL, policies: [PersonaListPolicy]) throws -> FuzzOutcome {
        var outcomes: [String] = []
        for policy in policies {
            let result: ESConvReadResult
            do { result = try ESConvReader(personaListPolicy: policy).read(data: Data(input), file: file.path) } catch let error as DataError {
                outcomes.append(try message(of: error, names: file))
                continue
            } catch { throw foreign(error) }
            for (index, conversation) in result.conversations.enumerated() {
                guard !conversation.turns.isEmpty else { throw PropertyViolation("conversation \(index) was accepted without turns") }
                for turn in conversation.turns {
                    guard !turn.text.isEmpty, (turn.speaker == .supporter) == (turn.strategy != nil) else {
                        throw PropertyViolation("conversation \(index) was accepted with the turn \(turn)")
                    }
                }
                if policy == .strict, let list = conversation.personaList, list.count != max(0, conversation.seekerTurnCount - 2) {
                    throw PropertyViolation("conversation \(index) was accepted under the strict policy with \(list.count) persona_list entries")
                }
            }
            outcomes.append("\(result.conversations.count) conversations (\(result.layout.rawValue)), \(result.skipped.counts.values.reduce(0, +)) skipped")
        }
        let accepted = !outcomes.contains { $0.hasPrefix(file.path) }
        return FuzzOutcome(accepted: accepted, detail: outcomes.joined(separator: " | "))
    }

    static func checkRecipe(_ file: URL) throws -> FuzzOutcome {
        let recipe: Recipe
        do { recipe = try Recipe.load(file) } catch let error as DataError {
            return .rejected(try message(of: error, names: file))
        } catch { throw foreign(error) }
        // A recipe is saved beside its run and read back by resume: it must read back the same.
        let saved = file.deletingPathExtension().appendingPathExtension("saved.yaml")
        defer { try? FileManager.default.removeItem(at: saved) }
        do {
            try recipe.yaml().write(to: saved, atomically: false, encoding: .utf8)
            guard try Recipe.load(saved) == recipe else { throw PropertyViolation("the saved recipe reads back differently:\n\(try recipe.yaml())") }
        } catch let violation as PropertyViolation { throw violation } catch {
            throw PropertyViolation("the saved recipe does not read back: \(error)")
        }
        return .accepted("stage \(recipe.stage.rawValue)")
    }

    static func checkSafeTensors(_ file: URL) throws -> FuzzOutcome {
        let contents: SafeTensorsContents
        do { contents = try SafeTensorsFile.read(from: file) } catch let error as SafeTensorsError {
            guard error.path == file.path else { throw PropertyViolation("a SafeTensorsError about \(error.path), not \(file.path)") }
            return .rejected(try message(of: error, names: file))
        } catch { throw foreign(error) }
        for (name, tensor) in contents.tensors where tensor.shape.reduce(1, *) != tensor.count || contents.sourceDTypes[name] == nil {
            throw PropertyViolation("tensor '\(name)' was read with shape \(tensor.shape) and \(tensor.count) elements")
        }
        return .accepted("\(contents.tensors.count) tensors, \(contents.skipped.count) skipped")
    }

    /// What the checkpoint whose config is fuzzed holds: enough values for bart-large-cnn (406 M parameters).
    static let checkpointValues = 500_000_000

    static func checkConfig(_ input: [UInt8], file: URL) throws -> FuzzOutcome {
        let config: Seq2SeqConfig
        do {
            config = try ModelCheckpoint.config(json: String(decoding: input, as: UTF8.self), path: file.path, storedValues: checkpointValues)
        } catch let error as CheckpointError {
            return .rejected(try message(of: error, names: file))
        } catch { throw foreign(error) }
        guard config.problems.isEmpty else { throw PropertyViolation("a config with problems was accepted: \(config.problems)") }
        guard let parameters = config.parameterCountLowerBound, parameters <= checkpointValues else {
            throw PropertyViolation("a config whose model does not fit the checkpoint's \(checkpointValues) values was accepted: \(config)")
        }
        guard let again = try? ModelCheckpoint.config(json: try config.jsonString(), path: file.path, storedValues: checkpointValues), again == config else {
            throw PropertyViolation("the config as a checkpoint writes it reads back differently: \((try? config.jsonString()) ?? "")")
        }
        return .accepted("\(config.family.rawValue), format \(config.format.rawValue)")
    }
}
