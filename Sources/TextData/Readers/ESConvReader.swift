// ESConvReader: ESConv and PESConv conversations from any of their published shapes, detected from the
// file: the original `ESConv.json` array (speaker seeker|supporter, content, annotation.strategy), the
// HuggingFace JSON lines (esconv/*.json, pesconv/*.txt: speaker usr|sys, text, strategy) or a JSON array
// of HF-form records (pesconv/sample.json). Every problem is a `DataError` located by file, line or
// record, and field; nothing is dropped without being counted.

import Foundation
import JSON

// MARK: - Options

/// How the length of a PESConv `persona_list` is checked against the conversation's seeker turns.
///
/// PAL's README: one entry per seeker turn "after 3", i.e. seekerTurns − 2 entries. In the published
/// PESConv valid/test files 389 of 390 conversations follow it and one (test.txt line 189) has
/// seekerTurns − 3; PAL's `sample.json` holds the raw seeker utterances instead (seekerTurns entries).
public enum PersonaListPolicy: String, Sendable, Equatable, CaseIterable {
    /// Exactly seekerTurns − 2 entries (0 for fewer than 2 seeker turns); anything else throws.
    case strict
    /// Any length is kept; each conversation not of length seekerTurns − 2 is listed in
    /// `ESConvReadResult.personaListMismatches` (example builders reuse the last entry for later turns).
    case lenient
    /// A conversation not of length seekerTurns − 2 is left out, counted in `skipped` and listed in
    /// `personaListMismatches`.
    case skipMismatched
}

/// How the conversations of a file are laid out.
public enum ESConvLayout: String, Sendable, Equatable {
    /// One JSON object per line (the HF files; a final newline is optional, blank lines are ignored).
    case jsonLines = "JSON lines"
    /// One JSON array of conversation objects (`ESConv.json`, `sample.json`).
    case jsonArray = "JSON array"
}

/// How the turns of a file are spelled.
public enum ESConvTurnForm: String, Sendable, Equatable {
    /// `ESConv.json`: `{"speaker": "seeker"|"supporter", "content", "annotation": {"strategy"}}`.
    case original = "ESConv.json form"
    /// HuggingFace `thu-coai/esconv` and PAL: `{"text", "speaker": "usr"|"sys", "strategy"}`.
    case huggingFace = "HF form"
}

// MARK: - Results

/// A conversation whose `persona_list` does not have seekerTurns − 2 entries.
public struct PersonaListMismatch: Equatable, Sendable {
    /// 0-based conversation index in the file.
    public var record: Int
    /// 1-based line for JSON lines.
    public var line: Int?
    public var situation: String
    public var seekerTurns: Int
    public var entries: Int
    /// What the strict rule expects: seekerTurns − 2 (at least 0).
    public var expected: Int { max(0, seekerTurns - 2) }

    public init(record: Int, line: Int?, situation: String, seekerTurns: Int, entries: Int) {
        self.record = record
        self.line = line
        self.situation = situation
        self.seekerTurns = seekerTurns
        self.entries = entries
    }
}

/// What `ESConvReader.read` found in a file.
public struct ESConvReadResult: Sendable {
    public var conversations: [Conversation]
    /// Conversations left out (only under `PersonaListPolicy.skipMismatched`), with reasons.
    public var skipped: SkipReport
    public var layout: ESConvLayout
    /// The turn form, detected from the first turn of the file; nil when the file holds no turn.
    public var turnForm: ESConvTurnForm?
    /// Conversations whose persona_list length is not seekerTurns − 2 (kept or skipped by the policy).
    public var personaListMismatches: [PersonaListMismatch]
    /// Per-turn fields that were read past, with counts (PESConv's `knowledge` and `heal`, ESConv.json's
    /// `annotation.feedback` …): the reader keeps only speaker, text and strategy of a turn.
    public var ignoredTurnFields: [String: Int]
}

// MARK: - Reader

/// Reads ESConv / PESConv files in any published shape into `Conversation`s.
public struct ESConvReader: Sendable {
    public var personaListPolicy: PersonaListPolicy

    public init(personaListPolicy: PersonaListPolicy = .strict) {
        self.personaListPolicy = personaListPolicy
    }

    /// The conversations of the file at `url`, its layout and turn form detected from its content.
    public func read(_ url: URL) throws -> ESConvReadResult {
        try read(data: FileAccess.read(url), file: url.path)
    }

    /// The conversations in `data`; `file` names it in errors.
    public func read(data: Data, file: String) throws -> ESConvReadResult {
        try data.withUnsafeBytes { raw in
            var state = ReadState(file: file, policy: personaListPolicy)
            try state.read(raw.bindMemory(to: UInt8.self))
            return state.result
        }
    }
}

// MARK: - Reading a file

/// Where a conversation is in its file.
private struct RecordLocation {
    var file: String
    var line: Int?
    var record: Int

    func error(_ field: String?, _ message: String) -> DataError {
        DataError(file: file, line: line, record: record, field: field, message)
    }
}

private struct ReadState {
    let file: String
    let policy: PersonaListPolicy
    var result = ESConvReadResult(conversations: [], skipped: SkipReport(), layout: .jsonLines, turnForm: nil,
                                  personaListMismatches: [], ignoredTurnFields: [:])

    init(file: String, policy: PersonaListPolicy) {
        self.file = file
        self.policy = policy
    }

    mutating func read(_ bytes: UnsafeBufferPointer<UInt8>) throws {
        // A UTF-8 byte order mark is not content.
        let start = JSONReader.byteOrderMarkLength(bytes)
        var first = start
        var line = 1
        while first < bytes.count, [0x20, 0x0A, 0x0D, 0x09].contains(bytes[first]) {
            if bytes[first] == 0x0A { line += 1 }
            first += 1
        }
        guard first < bytes.count else { return }  // empty: no conversations
        switch bytes[first] {
        case UInt8(ascii: "["):
            result.layout = .jsonArray
            try readArray(bytes, range: start..<bytes.count)
        case UInt8(ascii: "{"):
            result.layout = .jsonLines
            try readLines(bytes, from: start)
        default:
            let shown = bytes[first] >= 0x21 && bytes[first] < 0x7F ? "'\(Character(Unicode.Scalar(bytes[first])))'"
                : "byte 0x" + String(format: "%02X", bytes[first])
            throw DataError(file: file, line: line,
                            "expected a JSON array of conversations or JSON lines (one conversation object per line), found \(shown)")
        }
    }

    private mutating func readArray(_ bytes: UnsafeBufferPointer<UInt8>, range: Range<Int>) throws {
        let value: JSONValue
        do { value = try JSONReader.parse(bytes, range: range) } catch let error as JSONSyntaxError {
            throw DataError(file: file, line: error.line, "malformed JSON at column \(error.column): \(error.message)")
        }
        guard case .array(let records) = value else {
            throw DataError(file: file, "expected a JSON array of conversations, found \(value.kindDescription)")
        }
        for (index, record) in records.enumerated() {
            try add(record, at: RecordLocation(file: file, line: nil, record: index))
        }
    }

    private mutating func readLines(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) throws {
        var lineStart = start
        var lineNumber = 1
        var record = 0
        while lineStart <= bytes.count {
            var lineEnd = lineStart
            while lineEnd < bytes.count, bytes[lineEnd] != 0x0A { lineEnd += 1 }
            let isBlank = (lineStart..<lineEnd).allSatisfy { [0x20, 0x0D, 0x09].contains(bytes[$0]) }
            if !isBlank {
                let value: JSONValue
                do {
                    value = try JSONReader.parse(bytes, range: lineStart..<lineEnd, firstLine: lineNumber,
                                                     endName: "the end of the line")
                } catch let error as JSONSyntaxError {
                    throw DataError(file: file, line: lineNumber, record: record,
                                    "malformed JSON at column \(error.column): \(error.message)")
                }
                try add(value, at: RecordLocation(file: file, line: lineNumber, record: record))
                record += 1
            }
            lineStart = lineEnd + 1
            lineNumber += 1
        }
    }

    // MARK: - One conversation

    private mutating func add(_ value: JSONValue, at location: RecordLocation) throws {
        guard case .object(let members) = value else {
            throw location.error(nil, "expected a JSON object (one conversation), found \(value.kindDescription)")
        }
        var fields: [String: JSONValue] = [:]
        var extra: [String: JSONValue] = [:]
        for (key, member) in members {
            switch key {
            case "emotion_type", "problem_type", "situation", "dialog", "persona", "persona_list": fields[key] = member
            default: extra[key] = member
            }
        }
        func string(_ key: String) throws -> String {
            guard let member = fields[key] else { throw location.error(key, "missing field: expected \"\(key)\" with a string") }
            guard case .string(let text) = member else {
                throw location.error(key, "expected a string, found \(member.kindDescription)")
            }
            return text
        }
        let emotionType = try string("emotion_type")
        let problemType = try string("problem_type")
        let situation = try string("situation")
        guard let dialogValue = fields["dialog"] else {
            throw location.error("dialog", "missing field: expected \"dialog\" with an array of turns")
        }
        guard case .array(let dialog) = dialogValue else {
            throw location.error("dialog", "expected an array of turns, found \(dialogValue.kindDescription)")
        }
        guard !dialog.isEmpty else { throw location.error("dialog", "no turns: expected at least one") }
        var turns: [Turn] = []
        turns.reserveCapacity(dialog.count)
        for (index, turnValue) in dialog.enumerated() {
            turns.append(try turn(turnValue, path: "dialog[\(index)]", at: location))
        }

        var persona: String?
        switch fields["persona"] {
        case nil, .null?: persona = nil
        case .string(let text)?: persona = text
        case let other?: throw location.error("persona", "expected a string, found \(other.kindDescription)")
        }
        var personaList: [String]?
        switch fields["persona_list"] {
        case nil, .null?: personaList = nil
        case .array(let items)?:
            personaList = try items.enumerated().map { index, item in
                guard case .string(let text) = item else {
                    throw location.error("persona_list[\(index)]", "expected a string, found \(item.kindDescription)")
                }
                return text
            }
        case let other?: throw location.error("persona_list", "expected an array of strings, found \(other.kindDescription)")
        }

        let conversation = Conversation(emotionType: emotionType, problemType: problemType, situation: situation,
                                        turns: turns, persona: persona, personaList: personaList, extra: extra)
        if let personaList, personaList.count != max(0, conversation.seekerTurnCount - 2) {
            let mismatch = PersonaListMismatch(record: location.record, line: location.line, situation: situation,
                                               seekerTurns: conversation.seekerTurnCount, entries: personaList.count)
            switch policy {
            case .strict:
                throw location.error("persona_list", """
                    \(mismatch.entries) entries, expected \(mismatch.expected) (\(mismatch.seekerTurns) seeker turns − 2: \
                    one per seeker turn from the 3rd) in the conversation "\(situation.shortened(to: 60))"; \
                    PersonaListPolicy.lenient accepts it
                    """)
            case .lenient:
                result.personaListMismatches.append(mismatch)
            case .skipMismatched:
                result.personaListMismatches.append(mismatch)
                result.skipped.skip("left out: a conversation whose persona_list length is not seeker turns − 2 (PersonaListPolicy.skipMismatched)")
                return
            }
        }
        result.conversations.append(conversation)
    }

    // MARK: - One turn

    private mutating func turn(_ value: JSONValue, path: String, at location: RecordLocation) throws -> Turn {
        guard case .object(let members) = value else {
            throw location.error(path, "expected a turn object, found \(value.kindDescription)")
        }
        let form: ESConvTurnForm
        if let known = result.turnForm { form = known } else {
            form = value.member(named: "content") != nil && value.member(named: "text") == nil ? .original : .huggingFace
            result.turnForm = form
        }
        let textKey = form == .original ? "content" : "text"
        var speakerValue: JSONValue?, textValue: JSONValue?, strategyValue: JSONValue?
        var strategyPath = path + ".strategy"
        for (key, member) in members {
            switch key {
            case "speaker": speakerValue = member
            case textKey: textValue = member
            case "strategy" where form == .huggingFace: strategyValue = member
            case "annotation" where form == .original:
                guard case .object(let annotation) = member else {
                    throw location.error(path + ".annotation", "expected an object, found \(member.kindDescription)")
                }
                for (annotationKey, annotationMember) in annotation {
                    if annotationKey == "strategy" {
                        strategyValue = annotationMember
                        strategyPath = path + ".annotation.strategy"
                    } else {
                        result.ignoredTurnFields["annotation." + annotationKey, default: 0] += 1
                    }
                }
            default: result.ignoredTurnFields[key, default: 0] += 1
            }
        }

        // Speaker.
        let (seekerName, supporterName) = form == .original ? ("seeker", "supporter") : ("usr", "sys")
        guard let speakerValue else {
            throw location.error(path + ".speaker", "missing field: expected \"speaker\": \"\(seekerName)\" or \"\(supporterName)\"")
        }
        guard case .string(let speakerName) = speakerValue else {
            throw location.error(path + ".speaker", "expected a string, found \(speakerValue.kindDescription)")
        }
        let speaker: Speaker
        switch speakerName {
        case seekerName: speaker = .seeker
        case supporterName: speaker = .supporter
        default:
            var message = "unknown speaker \"\(speakerName.shortened(to: 60))\": expected \"\(seekerName)\" (seeker) or \"\(supporterName)\" "
                + "(supporter) in the \(form.rawValue) (detected from the file's first turn)"
            if speakerName == "speaker" || speakerName == "listener" {
                message += "; \"speaker\"/\"listener\" are the names used by FailedESConv.json, "
                    + "the separate release of failed conversations, which is not ESConv"
            }
            throw location.error(path + ".speaker", message)
        }

        // Text.
        guard let textValue else {
            throw location.error(path + "." + textKey, "missing field: expected \"\(textKey)\" with the utterance")
        }
        guard case .string(let rawText) = textValue else {
            throw location.error(path + "." + textKey, "expected a string, found \(textValue.kindDescription)")
        }
        let text = normalizeWhitespace(rawText)
        guard !text.isEmpty else {
            throw location.error(path + "." + textKey, "empty utterance: expected non-empty text")
        }

        // Strategy: on every supporter turn, never on a seeker turn.
        if case .null? = strategyValue { strategyValue = nil }
        var strategy: Strategy?
        switch (speaker, strategyValue) {
        case (.supporter, nil):
            throw location.error(strategyPath, "supporter (\"\(supporterName)\") turn without a strategy: "
                                 + "expected one of \(Strategy.labelList)")
        case (.supporter, .string(let label)?):
            guard let known = Strategy(label: label) else {
                throw location.error(strategyPath, "unknown strategy \"\(label.shortened(to: 60))\": expected one of \(Strategy.labelList)")
            }
            strategy = known
        case (.supporter, let other?):
            throw location.error(strategyPath, "expected a strategy string, found \(other.kindDescription)")
        case (.seeker, nil):
            strategy = nil
        case (.seeker, _?):
            throw location.error(strategyPath, "seeker (\"\(seekerName)\") turn with a strategy: "
                                 + "expected strategies on supporter (\"\(supporterName)\") turns only")
        }
        return Turn(speaker: speaker, text: text, strategy: strategy)
    }
}
