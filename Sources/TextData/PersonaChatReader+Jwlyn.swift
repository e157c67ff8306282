// PersonaChatReader+Jwlyn: jwlyn/convai2neo4j `train.txt`: one Python list literal of persona sentences per
// line, `str(entry['personality'])` for every PERSONA-CHAT train dialogue of HF's personachat_self_original,
// then again for the other speaker. With N lines, line i (0-based, i < N/2) is the second speaker's
// ("your persona") persona of train dialogue i and line N/2 + i the first speaker's (SOURCES.md).

import Foundation

extension PersonaChatReader {
    /// The persona lists of a file of Python list literals, one per line, in file order.
    public static func readPersonaLists(_ url: URL) throws -> [[String]] {
        try parsePersonaLists(try text(of: url), file: url.path)
    }

    /// The persona lists of `text` (one Python list literal per line); `file` names it in errors.
    public static func parsePersonaLists(_ text: String, file: String) throws -> [[String]] {
        try lines(of: text).enumerated().map { index, line in
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
