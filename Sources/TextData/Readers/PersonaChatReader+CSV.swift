// PersonaChatReader+CSV: the pandas CSV that PAL's `process_bart_df.py` writes from ParlAI's
// `*_both_original.txt` (data/personachat/{valid,test}.csv). Header `,context,persona`; two rows per
// dialogue: row 2k is "your persona" (the second speaker) with that speaker's utterances, row 2k+1 is
// "partner's persona" (the first speaker). `context` is "u1 <sep> u2 … </s>", `persona` is
// "p1 <persona> p2 … </s>". The dialogue is partner[0], self[0], partner[1], self[1], …

import Foundation

extension PersonaChatReader {
    /// Reads PAL's PERSONA-CHAT CSV (`valid.csv`, `test.csv`).
    public static func readCSV(_ url: URL) throws -> PersonaChatReadResult {
        try parseCSV(try TextLines.text(of: url), file: url.path, sourceName: url.lastPathComponent)
    }

    /// Reads PAL's PERSONA-CHAT CSV `text`; `file` names it in errors, `sourceName` in `sourceID`s.
    public static func parseCSV(_ text: String, file: String, sourceName: String? = nil) throws -> PersonaChatReadResult {
        let name = sourceName ?? (file as NSString).lastPathComponent
        let rows = try CSVTableReader.rows(of: text, file: file)
        guard let header = rows.first else { throw DataError(file: file, "empty file: expected the header ',context,persona'") }
        guard header.fields == ["", "context", "persona"] else {
            throw DataError(file: file, line: header.line,
                            "header \(header.fields): expected ',context,persona' (pandas index, context, persona)")
        }
        let body = rows.dropFirst()
        for (number, row) in body.enumerated() {
            guard row.fields.count == 3 else {
                throw DataError(file: file, line: row.line, record: number / 2, recordKind: "dialogue",
                                "\(row.fields.count) fields: expected 3 (index, context, persona)")
            }
            guard row.fields[0] == String(number) else {
                throw DataError(file: file, line: row.line, record: number / 2, recordKind: "dialogue", field: "index",
                                "row index \"\(row.fields[0])\": expected \(number) (rows 2k and 2k+1 make dialogue k)")
            }
        }
        guard body.count % 2 == 0 else {
            throw DataError(file: file, line: body.last!.line, record: body.count / 2, recordKind: "dialogue",
                            "a 'your persona' row without its partner row: expected 2 rows per dialogue")
        }

        var dialogues: [PersonaChatDialogue] = []
        dialogues.reserveCapacity(body.count / 2)
        let rowArray = Array(body)
        for k in 0..<(rowArray.count / 2) {
            let selfRow = rowArray[2 * k], partnerRow = rowArray[2 * k + 1]
            func split(_ row: CSVRow, column: Int, separator: String, what: String) throws -> [String] {
                let fieldName = column == 1 ? "context" : "persona"
                let value = trimmed(row.fields[column])
                guard value.hasSuffix("</s>") else {
                    throw DataError(file: file, line: row.line, record: k, recordKind: "dialogue", field: fieldName,
                                    "expected the \(fieldName) to end with \"</s>\", found \(show(value.suffix(20)))")
                }
                let inner = trimmed(value.dropLast("</s>".count))
                if inner.isEmpty { return [] }
                return try inner.components(separatedBy: separator).enumerated().map { index, part in
                    let piece = trimmed(part)
                    guard !piece.isEmpty else {
                        throw DataError(file: file, line: row.line, record: k, recordKind: "dialogue", field: "\(fieldName)[\(index)]",
                                        "empty \(what): expected text between the \(separator) separators")
                    }
                    return piece
                }
            }
            let selfUtterances = try split(selfRow, column: 1, separator: "<sep>", what: "utterance")
            let partnerUtterances = try split(partnerRow, column: 1, separator: "<sep>", what: "utterance")
            let selfPersona = try split(selfRow, column: 2, separator: "<persona>", what: "persona sentence")
            let partnerPersona = try split(partnerRow, column: 2, separator: "<persona>", what: "persona sentence")
            // The partner opens, so it has as many utterances as the replier, or one more.
            guard partnerUtterances.count == selfUtterances.count || partnerUtterances.count == selfUtterances.count + 1 else {
                throw DataError(file: file, line: partnerRow.line, record: k, recordKind: "dialogue", field: "context",
                                "\(partnerUtterances.count) partner utterances against \(selfUtterances.count) of the replier (row \(2 * k)): expected as many, or one more")
            }
            var utterances: [PersonaChatUtterance] = []
            for index in 0..<partnerUtterances.count {
                utterances.append(PersonaChatUtterance(speaker: .first, text: partnerUtterances[index]))
                if index < selfUtterances.count {
                    utterances.append(PersonaChatUtterance(speaker: .second, text: selfUtterances[index]))
                }
            }
            dialogues.append(PersonaChatDialogue(utterances: utterances, firstPersona: partnerPersona,
                                                 secondPersona: selfPersona, sourceID: "\(name)#\(k)"))
        }
        return PersonaChatReadResult(dialogues: dialogues)
    }
}
