// PersonaChatReader+ParlAI: ParlAI's `*_both_original.txt` (PAL-SPEC §1). Numbered lines that restart at
// 1 for each dialogue: `N your persona: …` and `N partner's persona: …` lines, then `N utterance<TAB>reply`
// lines (further tab fields, reward and candidates, are ignored). The first utterance of a line is the
// partner's (the first speaker); "your persona" belongs to the second speaker, who replies.

import Foundation
import JSON

extension PersonaChatReader {
    /// Reads a ParlAI PERSONA-CHAT text file (`*_both_original.txt`; in `self`/`none` variants the absent
    /// persona stays empty).
    public static func readParlAI(_ url: URL) throws -> PersonaChatReadResult {
        try parseParlAI(try TextLines.text(of: url), file: url.path, sourceName: url.lastPathComponent)
    }

    /// Reads ParlAI PERSONA-CHAT `text`; `file` names it in errors, `sourceName` in `sourceID`s.
    public static func parseParlAI(_ text: String, file: String, sourceName: String? = nil) throws -> PersonaChatReadResult {
        let name = sourceName ?? (file as NSString).lastPathComponent
        var dialogues: [PersonaChatDialogue] = []
        var current: ParlAIDialogue?
        func finish() throws {
            guard let dialogue = current else { return }
            guard !dialogue.lines.isEmpty else {
                throw DataError(file: file, line: dialogue.firstLine, record: dialogues.count, recordKind: "dialogue",
                                "dialogue with persona lines but no utterance lines: expected 'N utterance<TAB>reply' lines after them")
            }
            dialogues.append(dialogue.dialogue(sourceID: "\(name)#\(dialogues.count)"))
            current = nil
        }

        for (index, line) in TextLines.split(text).enumerated() {
            let lineNumber = index + 1
            // "N rest": the line number, one space, the content.
            let digits = line.prefix(while: { $0.isASCII && $0.isNumber })
            guard !digits.isEmpty, let number = Int(digits) else {
                throw DataError(file: file, line: lineNumber, record: dialogues.count, recordKind: "dialogue",
                                "expected a line number first ('N your persona: …', 'N partner's persona: …' or 'N utterance<TAB>reply'), found \(show(line))")
            }
            let afterNumber = line.dropFirst(digits.count)
            guard afterNumber.first == " " else {
                throw DataError(file: file, line: lineNumber, record: dialogues.count, recordKind: "dialogue",
                                "expected a space after the line number \(number), found \(show(afterNumber))")
            }
            let content = afterNumber.dropFirst()
            if number == 1 {
                try finish()
                current = ParlAIDialogue(firstLine: lineNumber)
            } else if let last = current?.lastNumber, number == last + 1 {
                // the next line of the same dialogue
            } else {
                let expected = current.map { "\($0.lastNumber + 1) (the next line of this dialogue) or 1 (a new dialogue)" }
                    ?? "1 (a file starts with a new dialogue)"
                throw DataError(file: file, line: lineNumber, record: dialogues.count, recordKind: "dialogue",
                                "line number \(number): expected \(expected)")
            }
            current!.lastNumber = number

            if let (prefix, role) = personaPrefix(of: content) {
                guard current!.lines.isEmpty else {
                    throw DataError(file: file, line: lineNumber, record: dialogues.count, recordKind: "dialogue", field: "persona",
                                    "persona line after the dialogue's utterances: expected all persona lines before the first utterance line")
                }
                let sentence = trimmed(content.dropFirst(prefix.count))
                guard !sentence.isEmpty else {
                    throw DataError(file: file, line: lineNumber, record: dialogues.count, recordKind: "dialogue", field: "persona",
                                    "empty persona sentence: expected text after '\(prefix)'")
                }
                if role == .you { current!.yourPersona.append(sentence) } else { current!.partnerPersona.append(sentence) }
                continue
            }

            let fields = content.split(separator: "\t", omittingEmptySubsequences: false)
            guard fields.count >= 2 else {
                throw DataError(file: file, line: lineNumber, record: dialogues.count, recordKind: "dialogue", field: "utterance",
                                "expected 'utterance<TAB>reply' (the partner's utterance, a tab, the reply; candidates may follow), found no tab in \(show(content))")
            }
            let partner = trimmed(fields[0]), you = trimmed(fields[1])
            guard !partner.isEmpty, !you.isEmpty else {
                throw DataError(file: file, line: lineNumber, record: dialogues.count, recordKind: "dialogue", field: "utterance",
                                "empty utterance: expected text on both sides of the tab")
            }
            if partner == silence {
                guard current!.lines.isEmpty else {
                    throw DataError(file: file, line: lineNumber, record: dialogues.count, recordKind: "dialogue", field: "utterance",
                                    "\(silence) after the first utterance line: expected it only as the first utterance of a dialogue")
                }
                current!.silentStart = true
            }
            current!.lines.append((partner, you))
        }
        try finish()
        return PersonaChatReadResult(dialogues: dialogues)
    }

    /// The persona prefix `content` starts with and whose persona it is, or nil for an utterance line.
    private static func personaPrefix(of content: Substring) -> (String, ParlAIDialogue.Role)? {
        if content.hasPrefix("your persona:") { return ("your persona:", .you) }
        if content.hasPrefix("partner's persona:") { return ("partner's persona:", .partner) }
        return nil
    }

    /// ParlAI's and ConvAI2's marker for "nobody spoke before the reply".
    static let silence = "__SILENCE__"

    /// A line fragment for messages, shortened.
    static func show<S: StringProtocol>(_ text: S) -> String {
        text.isEmpty ? "an empty line" : "\"" + String(text).shortened(to: 60) + "\""
    }
}

/// A ParlAI dialogue being read.
private struct ParlAIDialogue {
    enum Role { case partner, you }

    var firstLine: Int
    var lastNumber = 0
    var yourPersona: [String] = []
    var partnerPersona: [String] = []
    /// (partner's utterance, reply), one per utterance line.
    var lines: [(partner: String, you: String)] = []
    /// The first partner utterance is `__SILENCE__`: the "your persona" speaker opens the dialogue.
    var silentStart = false

    init(firstLine: Int) { self.firstLine = firstLine }

    func dialogue(sourceID: String) -> PersonaChatDialogue {
        // Normally the partner speaks first; after a silent start the replier does.
        let partnerSpeaker: PersonaChatSpeaker = silentStart ? .second : .first
        var utterances: [PersonaChatUtterance] = []
        for (index, line) in lines.enumerated() {
            if !(silentStart && index == 0) {
                utterances.append(PersonaChatUtterance(speaker: partnerSpeaker, text: line.partner))
            }
            utterances.append(PersonaChatUtterance(speaker: partnerSpeaker.other, text: line.you))
        }
        return PersonaChatDialogue(utterances: utterances,
                                   firstPersona: silentStart ? yourPersona : partnerPersona,
                                   secondPersona: silentStart ? partnerPersona : yourPersona,
                                   sourceID: sourceID)
    }
}
