// DialogueRequest: a dialogue context read from one JSON line — what `score` and `generate` take:
// {"context": [utterances], "persona": [sentences], "strategy": "…"}. Context items are strings
// (alternating speakers, the last one the seeker's) or {"speaker", "text", "strategy"} objects.
import Foundation
import TextData

public struct DialogueRequest {
    public var turns: [Turn]
    public var persona: [String]

    public init(turns: [Turn], persona: [String]) {
        self.turns = turns
        self.persona = persona
    }

    public init(_ object: [String: Any], line: Int) throws {
        guard let items = object["context"] as? [Any], !items.isEmpty else {
            throw DataError(file: "stdin", line: line, field: "context", "expected a non-empty array of utterances")
        }
        turns = try items.enumerated().map { i, item in
            func utterance(_ text: String) throws -> String {
                let text = normalizeWhitespace(text)
                guard !text.isEmpty else { throw DataError(file: "stdin", line: line, field: "context[\(i)]", "empty utterance: expected some text") }
                return text
            }
            if let text = item as? String {
                return Turn(speaker: (items.count - 1 - i) % 2 == 0 ? .seeker : .supporter, text: try utterance(text))
            }
            guard let o = item as? [String: Any], let text = o["text"] as? String,
                  let speaker = (o["speaker"] as? String).flatMap(Speaker.init(rawValue:)) else {
                throw DataError(file: "stdin", line: line, field: "context[\(i)]",
                                "expected a string or {\"speaker\": \"seeker\"|\"supporter\", \"text\": …, \"strategy\": …}")
            }
            return Turn(speaker: speaker, text: try utterance(text), strategy: try Self.strategy(o, line: line, field: "context[\(i)].strategy", required: false))
        }
        switch object["persona"] {
        case nil, is NSNull: persona = []
        case let sentences as [String]: persona = sentences.map(normalizeWhitespace).filter { !$0.isEmpty }
        default: throw DataError(file: "stdin", line: line, field: "persona", "expected an array of sentences (strings)")
        }
    }

    /// The line's `strategy`, if it names one of the 8.
    public static func strategy(_ object: [String: Any], line: Int, field: String = "strategy", required: Bool) throws -> Strategy? {
        guard let value = object["strategy"], !(value is NSNull) else {
            if required { throw DataError(file: "stdin", line: line, field: field, "expected one of \(Strategy.labelList)") }
            return nil
        }
        guard let label = value as? String, let strategy = Strategy(label: label) else {
            throw DataError(file: "stdin", line: line, field: field, "expected one of \(Strategy.labelList), got \(value)")
        }
        return strategy
    }

    /// The supporter turn `response` (with `strategy`) after this context, built as for training.
    public func example(response: String, strategy: Strategy) throws -> DialogueExample {
        let conversation = Conversation(emotionType: "", problemType: "", situation: "",
                                        turns: turns + [Turn(speaker: .supporter, text: normalizeWhitespace(response), strategy: strategy)])
        var example = try DialogueExamples.make(from: [conversation], file: "stdin", persona: .seekerUtterances).examples.last!
        example.persona = persona.isEmpty ? PALTokens.noPersona
            : PALTokens.persona + " " + persona.joined(separator: " \(PALTokens.persona) ") + " " + PALTokens.noPersona
        return example
    }
}
