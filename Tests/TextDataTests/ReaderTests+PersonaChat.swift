// PERSONA-CHAT reading: the CSV, Xpersona, jwlyn and RCDG files with the counts SOURCES.md verified,
// and ParlAI's text format on a small hand-made dialogue (no real *_both_original.txt is available).
import Foundation
import PythonSemantics
import TextData
import XCTest

final class PersonaChatReaderTests: XCTestCase {

    // MARK: - ParlAI *_both_original.txt

    /// Two dialogues in ParlAI's format: the second restarts the numbering and has no candidates.
    private let parlAI = """
        1 your persona: i like to remodel homes.
        2 your persona: i like to go hunting.
        3 partner's persona: i like canning and whittling.
        4 partner's persona: i eat exclusively meat.
        5 hi , how are you doing ?\tyou must be very fast . hunting is one of my favorite hobbies .\t\tcand one|cand two
        6 i am ! for my hobby i like to do canning .\ti also remodel homes when i am not out bow hunting .\t\tx|y
        1 your persona: my mom is my best friend.
        2 partner's persona: i love iced tea.
        3 hello !\thi , what do you like ?
        4 iced tea .\tmy mom likes it too .

        """

    func testParlAIBothOriginal() throws {
        let result = try PersonaChatReader.parseParlAI(parlAI, file: "fixture/train_both_original.txt")
        XCTAssertEqual(result.dialogues.count, 2)
        let first = result.dialogues[0]
        XCTAssertEqual(first.sourceID, "train_both_original.txt#0")
        // "partner's persona" is the first speaker's, "your persona" the second's (who answers).
        XCTAssertEqual(first.firstPersona, ["i like canning and whittling.", "i eat exclusively meat."])
        XCTAssertEqual(first.secondPersona, ["i like to remodel homes.", "i like to go hunting."])
        XCTAssertEqual(first.utterances, [
            PersonaChatUtterance(speaker: .first, text: "hi , how are you doing ?"),
            PersonaChatUtterance(speaker: .second, text: "you must be very fast . hunting is one of my favorite hobbies ."),
            PersonaChatUtterance(speaker: .first, text: "i am ! for my hobby i like to do canning ."),
            PersonaChatUtterance(speaker: .second, text: "i also remodel homes when i am not out bow hunting ."),
        ])
        XCTAssertEqual(first.utterances(of: .first), ["hi , how are you doing ?", "i am ! for my hobby i like to do canning ."])
        XCTAssertEqual(result.dialogues[1].utterances.map(\.text), ["hello !", "hi , what do you like ?", "iced tea .", "my mom likes it too ."])
        XCTAssertEqual(result.dialogues[1].persona(of: .second), ["my mom is my best friend."])
        XCTAssertEqual(result.utteranceCount, 8)
    }

    func testParlAISilentStartMakesTheReplierTheFirstSpeaker() throws {
        let text = "1 your persona: i surf.\n2 partner's persona: i bake.\n3 __SILENCE__\they there !\n4 hi !\thow are you ?\n"
        let dialogue = try PersonaChatReader.parseParlAI(text, file: "silence.txt").dialogues[0]
        XCTAssertEqual(dialogue.utterances, [
            PersonaChatUtterance(speaker: .first, text: "hey there !"),
            PersonaChatUtterance(speaker: .second, text: "hi !"),
            PersonaChatUtterance(speaker: .first, text: "how are you ?"),
        ])
        XCTAssertEqual(dialogue.firstPersona, ["i surf."])
        XCTAssertEqual(dialogue.secondPersona, ["i bake."])
    }

    // MARK: - PAL's CSV

    func testCSVValidAndTest() throws {
        for (split, dialogues, utterances, sentences) in [("valid", 1_000, 15_602, 8_978), ("test", 968, 15_024, 8_713)] {
            let result = try PersonaChatReader.readCSV(try TestData.file("personachat/\(split).csv"))
            let persona = result.dialogues.reduce(0) { $0 + $1.firstPersona.count + $1.secondPersona.count }
            print("personachat/\(split).csv: \(result.dialogues.count) dialogues, \(result.utteranceCount) utterances, \(persona) persona sentences")
            XCTAssertEqual(result.dialogues.count, dialogues)
            XCTAssertEqual(result.utteranceCount, utterances)
            XCTAssertEqual(persona, sentences)
            XCTAssertEqual(result.skipped.total, 0)
            // Speakers alternate, the first speaker opens, both sides have as many turns.
            for dialogue in result.dialogues {
                XCTAssertTrue(dialogue.utterances.enumerated().allSatisfy { $0.element.speaker.rawValue == $0.offset % 2 })
                XCTAssertEqual(dialogue.utterances.count % 2, 0)
            }
        }
        let valid = try PersonaChatReader.readCSV(try TestData.file("personachat/valid.csv")).dialogues[0]
        XCTAssertEqual(valid.sourceID, "valid.csv#0")
        XCTAssertEqual(valid.utterances[0], PersonaChatUtterance(speaker: .first, text: "hello what are doing today ?"))
        XCTAssertEqual(valid.utterances[1], PersonaChatUtterance(speaker: .second, text: "i am good , i just got off work and tired , i have two jobs ."))
        XCTAssertEqual(valid.secondPersona.first, "i read twenty books a year.")
        XCTAssertEqual(valid.firstPersona.first, "horror movies are my favorites.")
        XCTAssertEqual(valid.utterances.last?.text, "now that i am older home depot is my toy r us .")
    }

    // MARK: - Xpersona

    func testXpersona() throws {
        let valid = try PersonaChatReader.readXpersona(try TestData.file("personachat/En_persona_valid.json"))
        let test = try PersonaChatReader.readXpersona(try TestData.file("personachat/En_persona_test.json"))
        for (name, result) in [("En_persona_valid.json", valid), ("En_persona_test.json", test)] {
            let persona = result.dialogues.reduce(0) { $0 + $1.firstPersona.count + $1.secondPersona.count }
            let silentStarts = result.dialogues.filter { !$0.firstPersona.isEmpty }.count
            print("personachat/\(name): \(result.dialogues.count) dialogues, \(result.utteranceCount) utterances, "
                  + "\(persona) persona sentences, \(silentStarts) opened by the persona's owner (__SILENCE__)")
        }
        XCTAssertEqual(valid.dialogues.count, 1_000)
        XCTAssertEqual(valid.utteranceCount, 13_632)  // 7,316 pairs minus 1,000 __SILENCE__
        XCTAssertEqual(valid.dialogues.reduce(0) { $0 + $1.firstPersona.count }, 4_477)
        XCTAssertTrue(valid.dialogues.allSatisfy { $0.secondPersona.isEmpty && !$0.firstPersona.isEmpty })
        XCTAssertFalse(valid.dialogues.contains { $0.utterances.contains { $0.text == "__SILENCE__" } })
        XCTAssertEqual(valid.dialogues[0].utterances[0],
                       PersonaChatUtterance(speaker: .first, text: "hey there ! i'm just taking a break from baking . whats up ?"))
        XCTAssertEqual(test.dialogues.count, 1_000)
        XCTAssertEqual(test.utteranceCount, 15_602)  // 7,801 pairs
        XCTAssertEqual(test.dialogues.reduce(0) { $0 + $1.secondPersona.count }, 4_483)
        XCTAssertTrue(test.dialogues.allSatisfy { $0.firstPersona.isEmpty && !$0.secondPersona.isEmpty })
    }

    // MARK: - jwlyn train personas

    func testJwlynPersonaLists() throws {
        let url = try TestData.file("personachat/jwlyn_convai2neo4j/train.txt")
        let lists = try PersonaChatReader.readPersonaLists(url)
        let sentences = lists.reduce(0) { $0 + $1.count }
        let sizes = Dictionary(grouping: lists, by: \.count).mapValues(\.count)
        print("jwlyn train.txt: \(lists.count) lists, \(sentences) sentences "
              + "(\(lists[..<8_939].reduce(0) { $0 + $1.count }) in the first half), sizes \(sizes.sorted { $0.key > $1.key })")
        XCTAssertEqual(lists.count, 17_878)
        XCTAssertEqual(sentences, 80_365)
        XCTAssertEqual(lists[..<8_939].reduce(0) { $0 + $1.count }, 40_239)
        XCTAssertEqual(sizes, [5: 8_960, 4: 8_811, 3: 107])
        XCTAssertEqual(Set(lists.joined()).count, 6_126)
        XCTAssertEqual(lists[0], ["i like to remodel homes .", "i like to go hunting .", "i like to shoot a bow .",
                                  "my favorite holiday is halloween ."])
        XCTAssertEqual(lists[3][0], "i'm very athletic .")  // a double-quoted literal
        let dialogues = try PersonaChatReader.readJwlynTrainPersonas(url).dialogues
        XCTAssertEqual(dialogues.count, 8_939)
        XCTAssertEqual(dialogues[1].secondPersona[0], "my mom is my best friend .")
        XCTAssertEqual(dialogues[0].firstPersona.first, "i like canning and whittling .")
        XCTAssertTrue(dialogues.allSatisfy(\.utterances.isEmpty))
    }

    func testPythonStringLiteralEscapes() throws {
        let text = #"['it\'s', "say \"hi\"", 'tab\there', 'back\\slash', '\x41\u00e9\U0001F600\101', 'keep \q',]"#
        XCTAssertEqual(try PersonaChatReader.parsePersonaLists(text, file: "escapes.txt"),
                       [["it's", "say \"hi\"", "tab\there", "back\\slash", "A\u{e9}\u{1F600}A", "keep \\q"]])
    }

    // MARK: - RCDG + jwlyn

    func testRCDGDialoguesWithJoinedPartnerPersona() throws {
        let directory = try TestData.file("personachat/songhaoyu_RCDG")
        let jwlyn = try TestData.file("personachat/jwlyn_convai2neo4j/train.txt")
        let result = try PersonaChatReader.readRCDG(directory: directory, jwlynTrain: jwlyn)
        let ownPersona = result.dialogues.reduce(0) { $0 + $1.secondPersona.count }
        let lengths = result.dialogues.map(\.utterances.count)
        print("RCDG: \(result.dialogues.count) complete dialogues, \(result.utteranceCount) utterances, "
              + "\(ownPersona) second-speaker persona sentences, lengths \(lengths.min()!)–\(lengths.max()!); \(result.skipped.lines)")
        XCTAssertEqual(result.dialogues.count, 1_355)
        XCTAssertEqual(result.utteranceCount, 19_998)
        XCTAssertEqual(ownPersona, 6_089)
        XCTAssertEqual(lengths.min(), 12)
        XCTAssertEqual(lengths.max(), 50)
        XCTAssertEqual(result.skipped.total, 1)
        XCTAssertTrue(result.skipped.lines[0].contains("last dialogue of the RCDG sample"), "\(result.skipped.lines)")
        XCTAssertTrue(result.skipped.lines[0].contains("1 exchange(s) read"), "\(result.skipped.lines)")
        let first = result.dialogues[0]
        XCTAssertEqual(first.sourceID, "songhaoyu_RCDG#0")
        XCTAssertEqual(first.secondPersona, ["i like to remodel homes", "i like to go hunting", "i like to shoot a bow",
                                             "my favorite holiday is halloween"])
        XCTAssertEqual(first.firstPersona.first, "i like canning and whittling .")
        XCTAssertEqual(first.utterances[0], PersonaChatUtterance(speaker: .first,
            text: "hi , how are you doing ? i'm getting ready to do some cheetah chasing to stay in shape ."))
        XCTAssertEqual(first.utterances[1].speaker, .second)
        XCTAssertTrue(result.dialogues.allSatisfy { !$0.firstPersona.isEmpty })

        let kept = try PersonaChatReader.readRCDG(directory: directory, trailingDialogue: .keep)
        XCTAssertEqual(kept.dialogues.count, 1_356)
        XCTAssertEqual(kept.utteranceCount, 20_000)
        XCTAssertEqual(kept.skipped.total, 0)
        XCTAssertTrue(kept.dialogues.allSatisfy { $0.firstPersona.isEmpty })
    }
}
