// PESConvWriter: conversations → JSON lines in the HF/PESConv form, written atomically (temp file +
// rename), spelled as Python's `json.dumps` spells them (ASCII with \u escapes, ", " and ": "), so
// `ESConvReader` reads back exactly the conversations that were written.

import Foundation
import JSON

/// Writes conversations as PESConv/HF JSON lines.
public enum PESConvWriter {
    /// The order in which `Conversation.extra` members are written: ESConv's own order for its fields,
    /// then any other member by name. (`extra` is a dictionary, so the file's order is not known.)
    public static let extraFieldOrder = ["experience_type", "survey_score", "seeker_question1", "seeker_question2",
                                         "supporter_question1", "supporter_question2"]

    /// Fields the writer spells itself; `extra` may not hold them.
    public static let writtenFields: Set<String> = ["emotion_type", "problem_type", "situation", "dialog",
                                                    "persona", "persona_list"]

    /// Writes `conversations` to `url`, one JSON object per line with a final newline; the file is replaced
    /// atomically (written to a temporary file beside it, then renamed), so readers never see half a file.
    public static func write(_ conversations: [Conversation], to url: URL) throws {
        var text = ""
        for (index, conversation) in conversations.enumerated() {
            do { text += try jsonLine(for: conversation) } catch var error as DataError {
                error.file = url.path
                error.record = index
                throw error
            }
            text += "\n"
        }
        let directory = url.deletingLastPathComponent()
        let temporary = directory.appendingPathComponent(".\(url.lastPathComponent).\(UUID().uuidString).tmp")
        do {
            try Data(text.utf8).write(to: temporary)
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw FileAccess.explained(error, path: url.path, writing: true)
        }
        guard rename(temporary.path, url.path) == 0 else {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(at: temporary)
            throw DataError(file: url.path, "cannot rename \(temporary.path) to it: \(reason)")
        }
    }

    /// One conversation as one JSON line (no newline): `emotion_type, problem_type, situation,
    /// dialog[{text, speaker usr|sys, strategy?}], persona?, persona_list?`, then the `extra` members.
    public static func jsonLine(for conversation: Conversation) throws -> String {
        var members: [(String, JSONValue)] = [
            ("emotion_type", .string(conversation.emotionType)),
            ("problem_type", .string(conversation.problemType)),
            ("situation", .string(conversation.situation)),
            ("dialog", .array(conversation.turns.map { turn in
                var fields: [(String, JSONValue)] = [("text", .string(turn.text)),
                                                     ("speaker", .string(turn.speaker == .seeker ? "usr" : "sys"))]
                if let strategy = turn.strategy { fields.append(("strategy", .string(strategy.rawValue))) }
                return .object(fields)
            })),
        ]
        if let persona = conversation.persona { members.append(("persona", .string(persona))) }
        if let list = conversation.personaList { members.append(("persona_list", .array(list.map { .string($0) }))) }
        for key in conversation.extra.keys {
            guard !writtenFields.contains(key) else {
                throw DataError(file: "", field: key,
                                "extra member \"\(key)\" collides with a field the writer spells itself: expected it only in its own property")
            }
        }
        let known = extraFieldOrder.filter { conversation.extra[$0] != nil }
        let others = conversation.extra.keys.filter { !extraFieldOrder.contains($0) }.sorted()
        for key in known + others { members.append((key, conversation.extra[key]!)) }
        return JSONWriter.text(.object(members), style: .python)
    }
}
