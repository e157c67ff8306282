// PersonaChatReader+Xpersona: Xpersona's English ConvAI2 files (data/personachat/En_persona_{valid,test}.json):
// a JSON array of {"persona": [sentences], "dialogue": [[user, response], …]}. The one persona given is the
// responder's. `__SILENCE__` as the very first user utterance means the responder opened the dialogue: it is
// dropped, and the responder is the first speaker; otherwise the user is the first speaker.

import Foundation
import JSON

extension PersonaChatReader {
    /// Reads an Xpersona `En_persona_*.json` file; only the responder's persona is known.
    public static func readXpersona(_ url: URL) throws -> PersonaChatReadResult {
        try parseXpersona(try FileAccess.read(url), file: url.path, sourceName: url.lastPathComponent)
    }

    /// Reads Xpersona JSON `data`; `file` names it in errors, `sourceName` in `sourceID`s.
    public static func parseXpersona(_ data: Data, file: String, sourceName: String? = nil) throws -> PersonaChatReadResult {
        let name = sourceName ?? (file as NSString).lastPathComponent
        let value: JSONValue
        do { value = try JSONReader.parse(data) } catch let error as JSONSyntaxError {
            throw DataError(file: file, line: error.line, "malformed JSON at column \(error.column): \(error.message)")
        }
        guard case .array(let records) = value else {
            throw DataError(file: file, "expected a JSON array of dialogues, found \(value.kindDescription)")
        }
        var dialogues: [PersonaChatDialogue] = []
        dialogues.reserveCapacity(records.count)
        for (record, recordValue) in records.enumerated() {
            func fail(_ field: String?, _ message: String) -> DataError {
                DataError(file: file, record: record, recordKind: "dialogue", field: field, message)
            }
            guard case .object = recordValue else {
                throw fail(nil, "expected an object {\"persona\", \"dialogue\"}, found \(recordValue.kindDescription)")
            }
            guard case .array(let personaValues)? = recordValue.member(named: "persona") else {
                throw fail("persona", "missing or not an array: expected \"persona\" with an array of sentences")
            }
            let persona: [String] = try personaValues.enumerated().map { index, item in
                guard case .string(let sentence) = item, !trimmed(sentence).isEmpty else {
                    throw fail("persona[\(index)]", "expected a non-empty string, found \(item.kindDescription)")
                }
                return trimmed(sentence)
            }
            guard case .array(let pairs)? = recordValue.member(named: "dialogue") else {
                throw fail("dialogue", "missing or not an array: expected \"dialogue\" with [user, response] pairs")
            }
            guard !pairs.isEmpty else { throw fail("dialogue", "no pairs: expected at least one [user, response]") }
            var silentStart = false
            var texts: [String] = []  // in speaking order
            for (index, pair) in pairs.enumerated() {
                guard case .array(let items) = pair, items.count == 2 else {
                    throw fail("dialogue[\(index)]", "expected a [user utterance, response] pair")
                }
                for (side, item) in items.enumerated() {
                    guard case .string(let raw) = item else {
                        throw fail("dialogue[\(index)][\(side)]", "expected a string, found \(item.kindDescription)")
                    }
                    let text = trimmed(raw)
                    guard !text.isEmpty else { throw fail("dialogue[\(index)][\(side)]", "empty utterance: expected text") }
                    if text == silence {
                        guard index == 0 && side == 0 else {
                            throw fail("dialogue[\(index)][\(side)]",
                                       "\(silence) here: expected it only as the first user utterance (the responder opens)")
                        }
                        silentStart = true
                        continue
                    }
                    texts.append(text)
                }
            }
            // After a silent start the responder speaks first; otherwise the user does.
            let utterances = texts.enumerated().map { index, text in
                PersonaChatUtterance(speaker: index % 2 == 0 ? .first : .second, text: text)
            }
            dialogues.append(PersonaChatDialogue(utterances: utterances,
                                                 firstPersona: silentStart ? persona : [],
                                                 secondPersona: silentStart ? [] : persona,
                                                 sourceID: "\(name)#\(record)"))
        }
        return PersonaChatReadResult(dialogues: dialogues)
    }
}
