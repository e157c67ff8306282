// AttentionChecks: items with a known answer mixed among the real ones, to find participants who
// click without reading. A pairwise judgement form gets extra rows ("choose Tie here"); a persona
// review gets extra personas whose label is plain. Failing one flags the participant in the report;
// nothing is dropped unless the report is asked to (`--exclude-flagged`).
import Foundation
import TextData

public struct AttentionChecks: Codable, Equatable, Sendable {
    /// A row of the judgement form with a known answer.
    public struct Pairwise: Codable, Equatable, Sendable {
        public var id: String
        public var question: String
        public var answer: Verdict
    }

    /// A persona-review item with a known label.
    public struct Persona: Codable, Equatable, Sendable {
        public var id: String
        public var utterances: [String]
        public var persona: [String]
        public var answer: PersonaLabel
    }

    public var pairwise: [Pairwise]
    public var persona: [Persona]

    public init(pairwise: [Pairwise], persona: [Persona]) {
        self.pairwise = pairwise
        self.persona = persona
    }

    /// One check of each kind that any attentive reader passes.
    public static let builtIn = AttentionChecks(
        pairwise: [Pairwise(id: "choose-tie", question: "To show that you read each row, choose Tie in this one.", answer: .tie)],
        persona: [
            Persona(id: "contradicts-job", utterances: ["I have taught at the same primary school for twenty years and I love my pupils.",
                                                        "The school cut our budget and I am stressed about my class."],
                    persona: ["I have never worked at a school.", "I am a teacher."], answer: .contradictory),
            Persona(id: "fits-dog", utterances: ["My dog died last week.", "I live alone, so the flat feels empty without him."],
                    persona: ["I had a dog.", "I live alone."], answer: .reasonable),
        ])

    /// The checks of a JSON file `{"pairwise": [{"id", "question", "answer": "left"|"right"|"tie"}],
    /// "persona": [{"id", "utterances": […], "persona": […], "answer": "Reasonable"|…}]}`.
    public static func load(_ url: URL) throws -> AttentionChecks {
        let checks: AttentionChecks
        do { checks = try JSONDecoder().decode(AttentionChecks.self, from: FileAccess.read(url)) } catch let error as FileError { throw error } catch {
            throw DataError(file: url.path, "expected {\"pairwise\": [{\"id\", \"question\", \"answer\": left|right|tie}], \"persona\": "
                            + "[{\"id\", \"utterances\", \"persona\", \"answer\": \(PersonaLabel.allCases.map(\.rawValue).joined(separator: "|"))}]} (\(error))")
        }
        let ids = checks.pairwise.map(\.id) + checks.persona.map(\.id)
        guard Set(ids).count == ids.count, !ids.contains(where: \.isEmpty) else { throw DataError(file: url.path, "every check needs an id of its own") }
        for check in checks.persona where check.utterances.isEmpty || check.persona.isEmpty {
            throw DataError(file: url.path, "check \(check.id): expected seeker utterances and persona sentences")
        }
        return checks
    }
}
