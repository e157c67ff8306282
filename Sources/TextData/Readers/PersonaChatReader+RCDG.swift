// PersonaChatReader+RCDG: songhaoyu/RCDG's sample of PERSONA-CHAT train (data/personachat/songhaoyu_RCDG):
// three line-aligned files, line j of each being one ParlAI `train_self_original` example: `src` the first
// speaker's utterance, `tgt` the second speaker's reply, `per` the second speaker's persona joined by "</s>"
// (final " ." dropped). Consecutive lines with the same `per` make one dialogue. The sample stops after
// 10,000 examples, inside its last dialogue, so that one is skipped (and counted) unless asked for.
// The first speaker's persona comes from jwlyn's train.txt, line N/2 + i for dialogue i.

import Foundation

/// What to do with the last dialogue of an RCDG sample, which the sample's line limit usually cuts.
public enum RCDGTrailingDialogue: String, Sendable, CaseIterable {
    /// Leave it out and count it in `skipped` (the default: the published sample cuts it after 1 exchange).
    case skip
    /// Keep it as it is.
    case keep
}

extension PersonaChatReader {
    /// Reads `per-train.txt`, `src-train.txt` and `tgt-train.txt` in `directory` into dialogues; with
    /// `jwlynTrain` (jwlyn's train.txt) each dialogue gets its first speaker's persona too, after checking
    /// that jwlyn's line i is this dialogue's second-speaker persona.
    public static func readRCDG(directory: URL, jwlynTrain: URL? = nil,
                                trailingDialogue: RCDGTrailingDialogue = .skip) throws -> PersonaChatReadResult {
        let perURL = directory.appendingPathComponent("per-train.txt")
        let srcURL = directory.appendingPathComponent("src-train.txt")
        let tgtURL = directory.appendingPathComponent("tgt-train.txt")
        let (per, src, tgt) = try (TextLines.split(TextLines.text(of: perURL)), TextLines.split(TextLines.text(of: srcURL)),
                                   TextLines.split(TextLines.text(of: tgtURL)))
        guard per.count == src.count, src.count == tgt.count else {
            throw DataError(file: directory.path, """
                per-train.txt has \(per.count) lines, src-train.txt \(src.count), tgt-train.txt \(tgt.count): \
                expected line-aligned files of equal length
                """)
        }
        for (url, file) in [(perURL, per), (srcURL, src), (tgtURL, tgt)] {
            if let empty = file.firstIndex(where: { trimmed($0).isEmpty }) {
                throw DataError(file: url.path, line: empty + 1, "empty line: expected one example per line, aligned with the other two files")
            }
        }

        // Group consecutive examples with the same persona.
        var groups: [Range<Int>] = []
        var start = 0
        for j in 1..<(per.count + 1) where j == per.count || per[j] != per[j - 1] {
            if j > start { groups.append(start..<j) }
            start = j
        }

        var partnerLists: [[String]]?
        if let jwlynTrain {
            let lists = try readPersonaLists(jwlynTrain)
            guard lists.count % 2 == 0 else {
                throw DataError(file: jwlynTrain.path, "\(lists.count) persona lists: expected an even number (second speakers, then first speakers)")
            }
            partnerLists = lists
        }

        var result = PersonaChatReadResult(dialogues: [])
        for (i, group) in groups.enumerated() {
            if i == groups.count - 1 && trailingDialogue == .skip {
                result.skipped.skip("left out: the last dialogue of the RCDG sample, which its line limit cuts (\(group.count) exchange(s) read); RCDGTrailingDialogue.keep keeps it")
                continue
            }
            let persona = try per[group.lowerBound].components(separatedBy: "</s>").map { part -> String in
                let sentence = trimmed(part)
                guard !sentence.isEmpty else {
                    throw DataError(file: perURL.path, line: group.lowerBound + 1, record: i, recordKind: "dialogue", field: "persona",
                                    "empty persona sentence: expected sentences joined by </s>")
                }
                return sentence
            }
            var utterances: [PersonaChatUtterance] = []
            utterances.reserveCapacity(2 * group.count)
            for j in group {
                utterances.append(PersonaChatUtterance(speaker: .first, text: trimmed(src[j])))
                utterances.append(PersonaChatUtterance(speaker: .second, text: trimmed(tgt[j])))
            }
            var firstPersona: [String] = []
            if let partnerLists, let jwlynTrain {
                let half = partnerLists.count / 2
                guard i < half else {
                    throw DataError(file: perURL.path, line: group.lowerBound + 1, record: i, recordKind: "dialogue",
                                    "dialogue \(i) has no persona in \(jwlynTrain.lastPathComponent): expected at most \(half) dialogues")
                }
                // jwlyn's sentences end in " ."; RCDG dropped it.
                let ownInJwlyn = partnerLists[i].map { $0.hasSuffix(" .") ? String($0.dropLast(2)) : $0 }
                guard ownInJwlyn == persona else {
                    throw DataError(file: perURL.path, line: group.lowerBound + 1, record: i, recordKind: "dialogue", field: "persona", """
                        second-speaker persona \(persona) differs from \(jwlynTrain.lastPathComponent) line \(i + 1) \
                        \(partnerLists[i]): expected the same dialogue order, or the partner persona (line \(half + i + 1)) \
                        would be joined to the wrong dialogue
                        """)
                }
                firstPersona = partnerLists[half + i]
            }
            result.dialogues.append(PersonaChatDialogue(utterances: utterances, firstPersona: firstPersona,
                                                        secondPersona: persona, sourceID: "\(directory.lastPathComponent)#\(i)"))
        }
        return result
    }
}
