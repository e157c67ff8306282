// PersonaCondition: `none` empties every entry, `shuffled` gives each conversation another one's
// persona_list (entry by entry, clamped to the donor's length) and never its own, `true` changes nothing.
import TextData
import XCTest

final class PersonaConditionTests: XCTestCase {
    private func conversations(_ lists: [[String]]) -> [Conversation] {
        lists.enumerated().map { i, list in
            Conversation(emotionType: "sadness", problemType: "job crisis", situation: "s\(i)",
                         turns: [Turn(speaker: .seeker, text: "hi")], personaList: list)
        }
    }

    func testNoneAndTrue() {
        let given = conversations([["<persona> a <input>", "<persona> b <input>"], ["<persona> c <input>"]])
        XCTAssertEqual(PersonaCondition.none.apply(to: given).map(\.personaList), [["<input>", "<input>"], ["<input>"]])
        XCTAssertEqual(PersonaCondition.true.apply(to: given).map(\.personaList), given.map(\.personaList))
    }

    func testShuffledNeverKeepsTheOwnPersona() {
        let lists = (0..<40).map { c in (0..<(1 + c % 4)).map { k in "<persona> c\(c) k\(k) <input>" } }
        let shuffled = PersonaCondition.shuffled.apply(to: conversations(lists), seed: 13)
        var donors = Set<String>()
        for (c, conversation) in shuffled.enumerated() {
            let list = try! XCTUnwrap(conversation.personaList)
            XCTAssertEqual(list.count, lists[c].count, "one entry per seeker turn, as before")
            let donor = String(list[0].split(separator: " ")[1])
            XCTAssertNotEqual(donor, "c\(c)", "conversation \(c) keeps its own persona")
            XCTAssertTrue(list.allSatisfy { $0.contains("\(donor) ") }, "every entry from one donor")
            donors.insert(donor)
            let donorList = lists[Int(donor.dropFirst())!]
            XCTAssertEqual(list.last, donorList[min(list.count - 1, donorList.count - 1)], "entries past the donor's end reuse its last")
        }
        XCTAssertEqual(donors.count, 40, "a permutation: every conversation donates once")
        XCTAssertEqual(PersonaCondition.shuffled.apply(to: conversations(lists), seed: 13).map(\.personaList), shuffled.map(\.personaList),
                       "seeded")
    }
}
