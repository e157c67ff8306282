// CrisisGuardOptions: the crisis guard's options that `chat`, `generate`, `guard` and the study server
// share — the reply, extra patterns, and the sentence encoder of the semantic layer (or none).
import ArgumentParser
import Foundation
import PAL

public struct CrisisGuardOptions: ParsableArguments {
    public init() {}

    @Option(help: "A text file whose content replaces the default crisis reply (which lists international helplines).")
    public var crisisMessage: String?

    @Option(help: "A file of extra crisis patterns, one regular expression per line over the normalised text (lower case, no accents or apostrophes, punctuation as spaces), added to the built-in lexicon.")
    public var crisisPatterns: String?

    @Option(help: "The crisis guard's sentence encoder, all-MiniLM-L6-v2 (default: models/all-MiniLM-L6-v2, which `make models` fills; when it is not there, the lexicon alone guards).")
    public var crisisEncoder: String?

    @Flag(help: "Guard with the lexicon (and --crisis-patterns) alone, without the semantic layer.")
    public var noSemanticGuard = false

    /// The guard, and a line saying which layers are active and why one is not.
    public func load() throws -> (guardrail: CrisisGuard, layers: String) {
        let path = crisisEncoder ?? "models/all-MiniLM-L6-v2"
        let semantic = noSemanticGuard ? nil : try CrisisSemanticLayer.load(folder: URL(fileURLWithPath: path))
        if let crisisEncoder, semantic == nil, !noSemanticGuard {
            throw ValidationError("--crisis-encoder: no sentence encoder (model.safetensors) in \(crisisEncoder); run `make models` or point it at all-MiniLM-L6-v2")
        }
        let guardrail = try CrisisGuard.load(patternsFile: crisisPatterns.map { URL(fileURLWithPath: $0) },
                                             messageFile: crisisMessage.map { URL(fileURLWithPath: $0) }, semantic: semantic)
        let off = noSemanticGuard ? " (semantic layer off: --no-semantic-guard)"
            : semantic == nil ? " (no semantic layer: no sentence encoder in \(path); `make models` installs it)" : ""
        return (guardrail, "crisis guard: " + guardrail.layers + off)
    }
}
