// `paltrain chat <ckpt> [--extractor <ckpt>]`: talk to PAL as the help-seeker, in a terminal or
// through a pipe. Each turn: the crisis guard first (PAL-SPEC §10: crisis language gets a fixed
// reply pointing to human help, never a generated one, and the event is logged), then the persona
// the extractor infers from the seeker's messages (from the 3rd on, as in PESConv), the strategy
// chosen at the first decoder step, and the reply.
import ArgumentParser
import Foundation
import PAL
import TextData

struct Chat: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Chat with a PAL, Joint or Hard Prompt checkpoint as the help-seeker; shows the inferred persona and the chosen strategy each turn.",
        discussion: "Type a message and press return. /reset starts a new conversation; /quit or end of input leaves. "
            + "Reads a pipe as well as a terminal. A research model, not a counsellor: messages about suicide or self-harm get a fixed reply pointing to human help.")

    @Argument(help: "A PAL, Joint or Hard Prompt checkpoint.")
    var checkpoint: String

    @Option(help: "A persona extractor checkpoint; without one PAL runs with an empty persona.")
    var extractor: String?

    @OptionGroup var replyOptions: ReplyOptions

    @Option(help: "A text file whose content replaces the default crisis reply (which lists international helplines).")
    var crisisMessage: String?

    @Option(help: "A file of extra crisis patterns, one regular expression per line, added to the built-in ones.")
    var crisisPatterns: String?

    @Option(help: "Append every turn (message, persona, strategy, reply, guard) to this file as JSON lines.")
    var transcript: String?

    @Option(help: "The data folder that `make data` fills.")
    var data = "data"

    func run() throws {
        let dataURL = URL(fileURLWithPath: data)
        let guardrail = try CrisisGuard.load(patternsFile: crisisPatterns.map { URL(fileURLWithPath: $0) },
                                             messageFile: crisisMessage.map { URL(fileURLWithPath: $0) })
        let dialogue = try DialogueModel(checkpoint: checkpoint, data: dataURL)
        let readsPersona = dialogue.format != .joint
        let annotator = try extractor.flatMap { readsPersona ? try Annotator.load(extractor: $0, data: dataURL, beams: 1, maxLength: 64) : nil }
        let control = try replyOptions.control()
        let log = try transcript.map { try TranscriptLog(path: $0) }
        let interactive = isatty(STDIN_FILENO) == 1

        print("paltrain chat: \(dialogue.format.rawValue) model \(checkpoint)"
              + (!readsPersona ? " (reads no persona)" : annotator == nil ? ", no extractor: empty persona" : ", persona from \(extractor!)"))
        print("You are the help-seeker. /reset starts over, /quit leaves. This is a research model, not a counsellor.")
        var turns: [Turn] = [], persona: [String] = [], replies: UInt64 = 0
        while true {
            if interactive { print("you> ", terminator: ""); fflush(stdout) }
            guard let line = readLine(strippingNewline: true) else { break }
            let message = normalizeWhitespace(line)
            if message.isEmpty { continue }
            if message == "/quit" { break }
            if message == "/reset" {
                (turns, persona) = ([], [])
                print("(new conversation)")
                continue
            }
            if !interactive { print("you> \(message)") }
            turns.append(Turn(speaker: .seeker, text: message))
            let seekerMessages = turns.filter { $0.speaker == .seeker }.map(\.text)

            if let hit = guardrail.match(message) {
                FileHandle.standardError.write(Data("chat: crisis guard matched \"\(hit)\" in seeker message \(seekerMessages.count); gave the fixed reply\n".utf8))
                print("  [crisis guard: fixed reply, not generated]")
                print("supporter> \(guardrail.message)")
                turns.append(Turn(speaker: .supporter, text: guardrail.message, strategy: .information))
                try log?.append(["message": message, "reply": guardrail.message, "crisis_guard": hit])
                continue
            }
            if let annotator, seekerMessages.count >= 3 {
                let inferred = annotator.personaSentences([seekerMessages.joined(separator: ExtractorPairs.utteranceSeparator)])[0]
                for sentence in inferred where !persona.contains(sentence) { persona.append(sentence) }
            }
            if readsPersona {
                print("  persona: " + (persona.isEmpty ? (seekerMessages.count < 3 && annotator != nil ? "(inferred from your 3rd message on)" : "(none)")
                                                     : persona.joined(separator: " | ")))
            }
            let config = replyOptions.config(for: dialogue, offset: replies)
            replies += 1
            let reply = try dialogue.reply(to: DialogueRequest(turns: turns, persona: persona), strategy: nil, control: control, config: config)
            print("  strategy: \(reply.strategy.map(\.token) ?? "(none)")")
            print("supporter> \(reply.response)")
            turns.append(Turn(speaker: .supporter, text: reply.response, strategy: reply.strategy))
            try log?.append(["message": message, "persona": persona, "strategy": reply.strategy?.rawValue ?? "", "reply": reply.response])
        }
    }
}

/// The chat's transcript: one JSON object per turn, appended and flushed as it happens.
private struct TranscriptLog {
    let handle: FileHandle
    let path: String

    init(path: String) throws {
        if !FileManager.default.fileExists(atPath: path) {
            guard FileManager.default.createFile(atPath: path, contents: nil) else { throw ValidationError("--transcript: cannot create \(path)") }
        }
        guard let handle = FileHandle(forWritingAtPath: path) else { throw ValidationError("--transcript: cannot write \(path)") }
        handle.seekToEndOfFile()
        self.handle = handle
        self.path = path
    }

    func append(_ record: [String: Any]) throws {
        var record = record
        record["time"] = ISO8601DateFormatter().string(from: Date())
        handle.write(try JSONSerialization.data(withJSONObject: record, options: [.sortedKeys]) + Data("\n".utf8))
    }
}
