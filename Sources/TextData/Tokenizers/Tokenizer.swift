// Tokenizer: what every tokenizer offers the rest of the toolkit: text ↔ ids, special ids, and the
// added tokens (PAL's strategy and persona markers) that must stay single tokens inside text.

public protocol Tokenizer: Sendable {
    /// Ids of `text`, with added tokens recognised inside it; no bos/eos added.
    func encode(_ text: String) -> [Int32]
    /// Text of `ids`, as HuggingFace's `decode` (skipping nothing unless asked).
    func decode(_ ids: [Int32], skipSpecialTokens: Bool) -> String
    /// Base vocabulary plus added tokens.
    var vocabularySize: Int { get }
    /// The id of a token string (base or added), or nil.
    func id(of token: String) -> Int32?
    var padId: Int32 { get }
    var bosId: Int32 { get }
    var eosId: Int32 { get }
    var unkId: Int32 { get }
    /// A stable description for checkpoints: kind, files' sha256, added tokens.
    var identity: TokenizerIdentity { get }
}

/// What identifies a tokenizer: stored in checkpoints so a model is never run with the wrong one.
public struct TokenizerIdentity: Codable, Equatable, Sendable {
    public var kind: String
    public var vocabularySHA256: String
    public var mergesSHA256: String
    public var addedTokens: [String]

    public init(kind: String, vocabularySHA256: String, mergesSHA256: String, addedTokens: [String]) {
        self.kind = kind
        self.vocabularySHA256 = vocabularySHA256
        self.mergesSHA256 = mergesSHA256
        self.addedTokens = addedTokens
    }
}

/// PAL's added tokens, in the order they get ids after the base vocabulary (PAL-SPEC §2 and §4).
public enum PALTokens {
    public static let dialogueSeparatorClose = "</s>"
    public static let dialogueSeparatorOpen = "<s>"
    public static let persona = "<persona>"
    public static let noPersona = "<input>"
    /// `</s> <s> <persona> <input>` then the 8 strategy tokens.
    public static let added: [String] = [dialogueSeparatorClose, dialogueSeparatorOpen, persona, noPersona]
        + Strategy.allCases.map(\.token)
}
