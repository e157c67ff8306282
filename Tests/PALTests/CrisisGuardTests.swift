// The crisis guard (PAL-SPEC §10, docs/crisis-guard.md): normalisation, tolerant phrases, each
// category and language, idioms that must not count (and do not hide a crisis phrase beside
// them), user patterns and message, the labelled lists and the held-out targets of the lexicon,
// and, when all-MiniLM-L6-v2 is installed, the semantic layer and its threshold rule.
import Foundation
@testable import PAL
import TextData
import XCTest

final class CrisisGuardTests: XCTestCase {
    static let lists = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/crisis")
    static let miniLM = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("models/all-MiniLM-L6-v2")

    // MARK: - Normalisation

    func testNormalisationFoldsWhatPeopleVary() {
        let cases: [(String, String)] = [
            ("I DON’T want to LIVE!!!", "i dont want to live"),
            ("Je n'ai plus envie de vivre", "je nai plus envie de vivre"),
            ("Ich möchte nicht mehr leben, Straße", "ich mochte nicht mehr leben strasse"),
            ("não aguento mais", "nao aguento mais"),
            ("ｋｉｌｌ myself", "kill myself"),
            ("k1ll mys3lf", "kill myself"),
            ("$uicidal", "suicidal"),
            ("i'm going to k!ll myself", "im going to kill myself"),
            ("kill-myself", "kill myself"),
            ("kill.my.self", "kill my self"),
            ("I   want\tto   die", "i want to die"),
            ("took 10mg at 3am, 2nd time, help!", "took 10mg at 3am 2nd time help"),
            ("me @ home", "me home"),
            ("i wanna dieeeee", "i wanna die"),
            ("kiiill myself", "kill myself"),
            ("s.u.i.c.i.d.a.l", "suicidal"),
            ("thinkin about sucide", "thinkin about suicide"),
            ("kill myslef", "kill myself"),
            ("the swelling will subside", "the swelling will subside"),
            ("pay the bill", "pay the bill"),
        ]
        for (message, expected) in cases { XCTAssertEqual(CrisisText(message).text, expected, message) }
    }

    func testSpelledOutLettersAreJoined() {
        let spaced = CrisisText("k i l l  m y s e l f")
        XCTAssertEqual(spaced.text, "kill myself", "a wider gap keeps the words apart")
        XCTAssertEqual(spaced.spelled, ["killmyself"])
        XCTAssertEqual(CrisisText("I W A N T  T O  D I E").spelled, ["iwanttodie"])
        XCTAssertEqual(CrisisText("plan a or b").spelled, [], "two one-letter words are not spelling")
    }

    func testPhrasesAreReadTolerantly() throws {
        XCTAssertEqual(CrisisLexicon.tolerant("kill myself"), "k+i+l+ ?m+y+s+e+l+f+")
        XCTAssertEqual(CrisisLexicon.tolerant("want (to )?die"), "w+a+n+t+ ?(t+o+ ?)?d+i+e+")
        XCTAssertEqual(CrisisLexicon.tolerant("took \\w+ [a-z]s? pills"), "t+o+k+ \\w+ ?[a-z]s? ?p+i+l+s+", "classes, escapes and quantified letters stay")
        XCTAssertEqual(CrisisLexicon.tolerant("how .{0,3}"), "h+o+w+ .{0,3}")
        let guardrail = try CrisisGuard()
        for message in ["i want to kil myself", "killmyself", "i want to kiiill myself", "i want to k1ll myself", "i want to kill-myself", "wanttodie"] {
            XCTAssertNotNil(guardrail.check(message), message)
        }
    }

    // MARK: - Categories, languages, idioms

    func testEachCategoryInTheWaysTheIssueListed() throws {
        let guardrail = try CrisisGuard()
        let cases: [(String, CrisisCategory)] = [
            ("I've been thinking about suicide.", .directIdeation),
            ("Sometimes I feel SUICIDAL", .directIdeation),
            ("I just want to end my life", .directIdeation),
            ("honestly I wanna die", .directIdeation),
            ("I took an overdose last year", .directIdeation),
            ("I just want it all to end", .passiveIdeation),
            ("everyone would be better off without me", .passiveIdeation),
            ("i wish i could go to sleep and never wake up", .passiveIdeation),
            ("I'm such a burden to everyone", .passiveIdeation),
            ("there's no point living anymore", .passiveIdeation),
            ("I don’t want to live anymore", .directIdeation),
            ("I've been saving up my pills", .plansAndMeans),
            ("I bought a rope yesterday", .plansAndMeans),
            ("the gun is loaded", .plansAndMeans),
            ("I'm going to jump off the bridge", .plansAndMeans),
            ("I wrote a goodbye letter to my mum", .preparatoryActs),
            ("I've been cutting myself again", .selfHarm),
            ("thinking of self-harm", .selfHarm),
            ("kms", .slang),
            ("i might unalive myself", .slang),
            ("my sister said she is going to kill herself", .someoneAtRisk),
        ]
        for (message, category) in cases {
            let flag = try XCTUnwrap(guardrail.check(message), message)
            XCTAssertEqual(flag.layer, .lexicon, message)
            XCTAssertEqual(flag.category, category, message)
        }
        XCTAssertEqual(guardrail.check("Part of me wants to kill myself")?.evidence, "kill myself")
        XCTAssertNil(guardrail.check("I ran 10 kms today"), "kilometres are not slang")
    }

    func testEachLanguage() throws {
        let guardrail = try CrisisGuard()
        let crisis: [(String, CrisisLanguage)] = [
            ("Me quiero matar", .es), ("ya no quiero vivir", .es), ("todos estarían mejor sin mí", .es),
            ("je veux mourir", .fr), ("j'ai envie d'en finir", .fr), ("je pense au suicide", .fr),
            ("Ich will sterben", .de), ("ich bringe mich um", .de), ("ich ritze mich", .de),
            ("voglio morire", .it), ("voglio farla finita", .it), ("mi taglio", .it),
            ("quero morrer", .pt), ("vou me matar", .pt), ("não aguento mais viver", .pt),
        ]
        for (message, language) in crisis { XCTAssertEqual(guardrail.check(message)?.language, language, message) }
        for message in ["me muero de risa", "me muero de ganas de verte", "je meurs de faim", "ça me tue", "ich lache mich tot",
                        "der Stau bringt mich um", "muoio dal ridere", "estou morrendo de saudade", "essa prova me matou", "je me coupe les cheveux"] {
            XCTAssertNil(guardrail.check(message), message)
        }
    }

    func testIdiomsDoNotCountButDoNotHideACrisis() throws {
        let guardrail = try CrisisGuard()
        for message in ["My job is killing me with stress.", "this exam killed me", "I'm dying to see the new movie", "we died laughing",
                        "my phone died", "I could die of embarrassment, haha", "overdosed on coffee lol", "suicide prevention training at work",
                        "the nurse said the patient overdosed last night", "I cut my hair short", "I hurt my knee playing football",
                        "I'm so tired of my life being boring", "My cat died last week.", "I killed myself laughing", "I'm going to take my life back",
                        "I cut myself shaving", "in the game I killed myself with my own grenade", "let's hang out"] {
            XCTAssertNil(guardrail.check(message), message)
        }
        XCTAssertEqual(guardrail.check("this exam killed me and honestly i want to die")?.evidence, "want to die")
        XCTAssertEqual(guardrail.check("my phone died and I want to kill myself")?.evidence, "kill myself")
        XCTAssertEqual(guardrail.check("suicide prevention training today made me realise I'm suicidal")?.evidence, "suicidal")
    }

    // MARK: - User patterns and message

    func testUserPatternsAndMessageFromFiles() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("crisis-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let patterns = dir.appendingPathComponent("patterns.txt"), message = dir.appendingPathComponent("message.txt")
        try "# local phrasing, over the normalised text\n\n\\bcatch the last ferry\\b\n".write(to: patterns, atomically: true, encoding: .utf8)
        try "Call 112 now.\n".write(to: message, atomically: true, encoding: .utf8)
        let guardrail = try CrisisGuard.load(patternsFile: patterns, messageFile: message, semantic: nil)
        XCTAssertEqual(guardrail.message, "Call 112 now.")
        let flag = try XCTUnwrap(guardrail.check("Tonight I'll CATCH the last-ferry!"))
        XCTAssertEqual(flag.layer, .userPatterns)
        XCTAssertEqual(flag.evidence, "catch the last ferry")
        XCTAssertNotNil(guardrail.check("suicidal"), "the built-in lexicon stays")
        XCTAssertTrue(guardrail.layers.contains("1 user pattern"), guardrail.layers)

        try "ok\n(unclosed\n".write(to: patterns, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try CrisisGuard.load(patternsFile: patterns, messageFile: nil, semantic: nil)) { error in
            XCTAssertEqual("\(error)", "\(patterns.path):2: (unclosed is not a valid regular expression; fix or remove it")
        }
        try "# everything\n\\w*\n".write(to: patterns, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try CrisisGuard.load(patternsFile: patterns, messageFile: nil, semantic: nil)) { error in
            XCTAssertTrue("\(error)".hasPrefix("\(patterns.path):2: \\w* matches an empty message"), "\(error)")
        }
        try "  \n".write(to: message, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try CrisisGuard.load(patternsFile: nil, messageFile: message, semantic: nil)) { error in
            XCTAssertTrue("\(error)".contains("the crisis message is empty"), "\(error)")
        }
    }

    func testGenerateChecksEverySeekerTurn() throws {
        let guardrail = try CrisisGuard()
        let turns = [Turn(speaker: .seeker, text: "hi"), Turn(speaker: .supporter, text: "Do you want to kill yourself?"),
                     Turn(speaker: .seeker, text: "I have been cutting myself"), Turn(speaker: .supporter, text: "I'm sorry"),
                     Turn(speaker: .seeker, text: "and I want to die")]
        let found = try XCTUnwrap(guardrail.check(turns: turns))
        XCTAssertEqual(found.turn, 2, "the first flagged seeker turn; supporter turns are not checked")
        XCTAssertEqual(found.flag.category, .selfHarm)
        XCTAssertNil(guardrail.check(turns: Array(turns.prefix(2))))
    }

    // MARK: - The lists

    func testListsAreLargeAndReadStrictly() throws {
        for name in ["dev.tsv", "held-out.tsv"] {
            let list = try CrisisList.read(Self.lists.appendingPathComponent(name))
            XCTAssertGreaterThanOrEqual(list.crisisCount, 100, name)
            XCTAssertGreaterThanOrEqual(list.benignCount, 100, name)
        }
        let dev = try CrisisList.read(Self.lists.appendingPathComponent("dev.tsv")).items.map(\.message)
        let heldOut = try CrisisList.read(Self.lists.appendingPathComponent("held-out.tsv")).items.map(\.message)
        XCTAssertEqual(Set(dev.map { CrisisText($0).text }).intersection(heldOut.map { CrisisText($0).text }), [], "no message in both lists")
        let written = (CrisisSemanticLayer.builtInExemplars.map(\.text) + CrisisSemanticLayer.builtInAnchors).map { CrisisText($0).text }
        XCTAssertEqual(Set(written).intersection((dev + heldOut).map { CrisisText($0).text }), [], "no exemplar or anchor copied from a list")

        let bad = FileManager.default.temporaryDirectory.appendingPathComponent("crisis-list-\(getpid()).tsv")
        defer { try? FileManager.default.removeItem(at: bad) }
        for (text, message) in [("# c\ncrisis\tok\nalarm\tno label\n", ":3: expected crisis<TAB>message or benign<TAB>message"),
                                ("benign\t  \n", ":1: the message is empty"), ("# only a comment\n", ": holds no labelled message")] {
            try text.write(to: bad, atomically: true, encoding: .utf8)
            XCTAssertThrowsError(try CrisisList.read(bad)) { error in XCTAssertTrue("\(error)".hasPrefix(bad.path + message), "\(error)") }
        }
    }

    /// The issue's targets for the lexicon alone on the held-out list, which was never tuned on
    /// (docs/crisis-guard.md has the figures): recall ≥ 95%, false alarms ≤ 10%.
    func testLexiconMeetsTheTargetsOnTheHeldOutList() throws {
        let guardrail = try CrisisGuard()
        for name in ["held-out.tsv", "dev.tsv"] {
            let outcome = CrisisEvaluation(list: try CrisisList.read(Self.lists.appendingPathComponent(name)), guardrail: guardrail).outcome(.words)
            XCTAssertGreaterThanOrEqual(outcome.recall, 0.95, "\(name): missed \(outcome.misses.map(\.message))")
            XCTAssertLessThanOrEqual(outcome.falseAlarmRate, 0.10, "\(name): false alarms \(outcome.alarms.map(\.item.message))")
            print(String(format: "crisis guard, lexicon alone, %@: recall %.1f%%, false alarms %.1f%%", name, 100 * outcome.recall, 100 * outcome.falseAlarmRate))
        }
    }

    // MARK: - The semantic layer (all-MiniLM-L6-v2 in models/)

    private func requireSemanticLayer() throws -> CrisisSemanticLayer {
        guard let layer = try CrisisSemanticLayer.load(folder: Self.miniLM) else {
            throw XCTSkip("all-MiniLM-L6-v2 is not installed in \(Self.miniLM.path): run scripts/fetch-models.sh to test the crisis guard's semantic layer")
        }
        return layer
    }

    func testSemanticLayerThresholdIsTheDevelopmentListsChoice() throws {
        let guardrail = try CrisisGuard(semantic: try requireSemanticLayer())
        let dev = CrisisEvaluation(list: try CrisisList.read(Self.lists.appendingPathComponent("dev.tsv")), guardrail: guardrail)
        XCTAssertEqual(CrisisEvaluation.lowestThreshold(dev.sweep(), falseAlarmBudget: CrisisEvaluation.thresholdFalseAlarmBudget),
                       CrisisSemanticLayer.defaultThreshold, "the built-in threshold is the rule's choice on the development list")
    }

    func testSemanticLayerMeetsTheTargetsOnTheHeldOutList() throws {
        let guardrail = try CrisisGuard(semantic: try requireSemanticLayer())
        XCTAssertTrue(guardrail.layers.contains("semantic (all-MiniLM-L6-v2, cosine ≥ 0.50"), guardrail.layers)
        let heldOut = CrisisEvaluation(list: try CrisisList.read(Self.lists.appendingPathComponent("held-out.tsv")), guardrail: guardrail)
        let words = heldOut.outcome(.words), all = heldOut.outcome(.all(CrisisSemanticLayer.defaultThreshold))
        XCTAssertGreaterThanOrEqual(all.recall, 0.95, "missed \(all.misses.map(\.message))")
        XCTAssertLessThanOrEqual(all.falseAlarmRate, 0.10, "false alarms \(all.alarms.map(\.item.message))")
        XCTAssertGreaterThanOrEqual(all.caught, words.caught, "the semantic layer only adds flags")
        print(String(format: "crisis guard, lexicon + semantic, held-out: recall %.1f%%, false alarms %.1f%%", 100 * all.recall, 100 * all.falseAlarmRate))

        // What no phrase foresees, and what must pass.
        let unforeseen = "Nothing matters anymore and I am ready to leave this world behind."
        XCTAssertNil(guardrail.checkWords(unforeseen), "the lexicon has no phrase for it")
        XCTAssertEqual(guardrail.check(unforeseen)?.layer, .semantic)
        for message in ["I have been feeling really down lately.", "My job is stressful and my boss yells at me.", "my phone died"] {
            XCTAssertNil(guardrail.check(message), message)
        }
    }
}
