// `paltrain chat <ckpt> [--extractor <ckpt>]`: talk to PAL as the help-seeker, in a terminal or
// through a pipe: each message goes to a `ChatSession` (crisis guard first, then persona, strategy
// and reply); this prints which crisis-guard layers are active and what it answered, logs why the
// guard flagged a message and keeps the transcript.
import ArgumentParser
import CommandOptions
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

    @OptionGroup var crisis: CrisisGuardOptions

    @Option(help: "Append every turn (message, persona, strategy, reply, guard) to this file as JSON lines.")
    var transcript: String?

    @Option(help: "The data folder that `make data` fills.")
    var data = "data"

    func run() throws {
        let dataURL = URL(fileURLWithPath: data)
        let dialogue = try DialogueModel(checkpoint: checkpoint, data: dataURL, weights: replyOptions.weights)
        let annotator = try extractor.flatMap { dialogue.format == .joint ? nil : try Annotator.load(extractor: $0, data: dataURL, beams: 1, maxLength: 64) }
        let (guardrail, layers) = try crisis.load()
        var session = ChatSession(dialogue: dialogue, annotator: annotator, guardrail: guardrail,
                                  control: try replyOptions.control()) { [replyOptions] in replyOptions.config(for: dialogue, offset: $0) }
        let log = try transcript.map { try TranscriptLog(path: $0) }
        let interactive = isatty(STDIN_FILENO) == 1

        print("paltrain chat: \(dialogue.format.rawValue) model \(checkpoint)"
              + (!session.readsPersona ? " (reads no persona)" : annotator == nil ? ", no extractor: empty persona" : ", persona from \(extractor!)"))
        print(layers)
        print("You are the help-seeker. /reset starts over, /quit leaves. This is a research model, not a counsellor.")
        var input = StandardInput()
        while true {
            if interactive { print("you> ", terminator: ""); fflush(stdout) }
            guard let line = input.next() else { break }
            let message = normalizeWhitespace(line)
            if message.isEmpty { continue }
            if message == "/quit" { break }
            if message == "/reset" {
                session.reset()
                print("(new conversation)")
                continue
            }
            if !interactive { print("you> \(message)") }
            switch try session.answer(message) {
            case .guarded(let flag, let reply):
                FileHandle.standardError.write(Data("chat: crisis guard \(flag.finding) in seeker message \(session.seekerMessages) (\(flag.source)); gave the fixed reply\n".utf8))
                print("  [crisis guard: fixed reply, not generated]")
                print("supporter> \(reply)")
                try log?.append(["message": message, "reply": reply, "crisis_guard": flag.evidence, "crisis_layer": flag.source])
            case .generated(let reply):
                if session.readsPersona {
                    print("  persona: " + (session.persona.isEmpty
                        ? (session.seekerMessages < 3 && annotator != nil ? "(inferred from your 3rd message on)" : "(none)")
                        : session.persona.joined(separator: " | ")))
                }
                print("  strategy: \(reply.strategy.map(\.token) ?? "(none)")")
                print("supporter> \(reply.response)")
                try log?.append(["message": message, "persona": session.persona, "strategy": reply.strategy?.rawValue ?? "", "reply": reply.response])
            }
        }
    }
}

/// The chat's transcript: one JSON object per turn, appended and flushed as it happens.
struct TranscriptLog {
    let handle: FileHandle
    let path: String

    init(path: String) throws {
        if !FileManager.default.fileExists(atPath: path) {
            try FileAccess.checkOutputFile(URL(fileURLWithPath: path))
            guard FileManager.default.createFile(atPath: path, contents: nil) else { throw FileError(path: path, "cannot be created: choose another --transcript") }
        }
        do {
            handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
            try handle.seekToEnd()
        } catch { throw FileAccess.explained(error, path: path, writing: true) }
        self.path = path
    }

    func append(_ record: [String: Any]) throws {
        var record = record
        record["time"] = ISO8601DateFormatter().string(from: Date())
        do { try handle.write(contentsOf: JSONSerialization.data(withJSONObject: record, options: [.sortedKeys]) + Data("\n".utf8)) } catch {
            throw FileAccess.explained(error, path: path, writing: true)
        }
    }
}
