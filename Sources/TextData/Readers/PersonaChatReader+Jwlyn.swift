// PersonaChatReader+Jwlyn: jwlyn/convai2neo4j `train.txt`: one Python list literal of persona sentences per
// line, `str(entry['personality'])` for every PERSONA-CHAT train dialogue of HF's personachat_self_original,
// then again for the other speaker. With N lines, line i (0-based, i < N/2) is the second speaker's
// ("your persona") persona of train dialogue i and line N/2 + i the first speaker's (SOURCES.md).

import Foundation

extension PersonaChatReader {
    /// The persona lists of a file of Python list literals, one per line, in file order.
    public static func readPersonaLists(_ url: URL) throws -> [[String]] {
        try parsePersonaLists(try TextLines.text(of: url), file: url.path)
    }

    /// The persona lists of `text` (one Python list literal per line); `file` names it in errors.
    public static func parsePersonaLists(_ text: String, file: String) throws -> [[String]] {
        try TextLines.split(text).enumerated().map { index, line in
            let list: [String]
            do { list = try PythonLiteralReader.stringList(line) } catch let error as PythonLiteralError {
                throw DataError(file: file, line: index + 1,
                                "not a Python list of strings at column \(error.column): \(error.message)")
            }
            guard !list.isEmpty else {
                throw DataError(file: file, line: index + 1, "empty persona list: expected at least one sentence")
            }
            return try list.enumerated().map { position, sentence in
                let text = trimmed(sentence)
                guard !text.isEmpty else {
                    throw DataError(file: file, line: index + 1, field: "[\(position)]", "empty persona sentence: expected text")
                }
                return text
            }
        }
    }

    /// The train dialogues' personas from jwlyn's `train.txt` (8,939 dialogues, no utterances): dialogue i
    /// has `secondPersona` = line i and `firstPersona` = line N/2 + i.
    public static func readJwlynTrainPersonas(_ url: URL) throws -> PersonaChatReadResult {
        let lists = try readPersonaLists(url)
        return PersonaChatReadResult(dialogues: try pairJwlynPersonas(lists, file: url.path, sourceName: url.lastPathComponent))
    }

    /// Pairs jwlyn's persona lists into dialogues (see `readJwlynTrainPersonas`).
    public static func pairJwlynPersonas(_ lists: [[String]], file: String, sourceName: String) throws -> [PersonaChatDialogue] {
        guard lists.count % 2 == 0 else {
            throw DataError(file: file, "\(lists.count) persona lists: expected an even number (each dialogue's second speaker, then its first speaker)")
        }
        let half = lists.count / 2
        return (0..<half).map { i in
            PersonaChatDialogue(utterances: [], firstPersona: lists[half + i], secondPersona: lists[i],
                                sourceID: "\(sourceName)#\(i)")
        }
    }
}

// MARK: - Completing one-persona dialogues

extension PersonaChatReader {
    /// A persona list compared across tokenizations: per sentence, only its lower-cased letters and
    /// digits (Xpersona writes "i'm a nurse." where jwlyn writes "i'm a nurse ."), in order.
    static func personaKey(_ persona: [String]) -> [String] {
        persona.map { String($0.lowercased().unicodeScalars.filter { CharacterSet.alphanumerics.contains($0) }.map(Character.init)) }
    }

    /// `dialogues` (PERSONA-CHAT train dialogues that give one speaker's persona, as Xpersona's do)
    /// with the other speaker's persona filled in from `train`, jwlyn's personas of every train
    /// dialogue: where exactly one train dialogue has the given persona, in the same order, on the
    /// same side, its other side is the missing persona. A persona that several train dialogues share
    /// is ambiguous and stays missing (counted in the report).
    public static func completePersonas(_ dialogues: [PersonaChatDialogue], from train: [PersonaChatDialogue])
        -> (dialogues: [PersonaChatDialogue], report: SkipReport) {
        var bySide: [PersonaChatSpeaker: [[String]: [Int]]] = [.first: [:], .second: [:]]
        for (i, dialogue) in train.enumerated() {
            for side in PersonaChatSpeaker.allCases where !dialogue.persona(of: side).isEmpty {
                bySide[side]![personaKey(dialogue.persona(of: side)), default: []].append(i)
            }
        }
        var report = SkipReport()
        let completed = dialogues.map { dialogue -> PersonaChatDialogue in
            let known = PersonaChatSpeaker.allCases.filter { !dialogue.persona(of: $0).isEmpty }
            guard known.count == 1, let side = known.first else { return dialogue }
            let matches = bySide[side]![personaKey(dialogue.persona(of: side))] ?? []
            guard matches.count == 1, !train[matches[0]].persona(of: side.other).isEmpty else {
                report.skip(matches.isEmpty ? "other persona not found: no train dialogue has this persona"
                                            : "other persona not found: \(matches.count > 1 ? "several train dialogues share" : "the train dialogue lacks") this persona")
                return dialogue
            }
            var filled = dialogue
            if side == .first { filled.secondPersona = train[matches[0]].secondPersona } else { filled.firstPersona = train[matches[0]].firstPersona }
            report.skip("other persona filled in from the train dialogue with the same persona")
            return filled
        }
        return (completed, report)
    }
}
