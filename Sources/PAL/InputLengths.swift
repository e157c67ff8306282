// InputLengths: how many tokens of dialogue, persona and target a checkpoint's model reads when it
// is evaluated, scored or asked to reply. By default the lengths it was trained with, which the
// checkpoint records; for a checkpoint that records none (an import, or a file written before the
// record existed), the reference's 512 input and 50 decoder tokens. Either can be given instead,
// and every length is capped by the model's position table. A model never reads a history longer
// than it was trained on unless asked to: positions it never saw hold untrained embeddings.
import Models
import TextData

/// Lengths given on the command line instead of the checkpoint's (nil: the checkpoint's).
public struct LengthOverride: Sendable {
    public var maxInputLength: Int?
    public var maxDecoderLength: Int?

    public init(maxInputLength: Int? = nil, maxDecoderLength: Int? = nil) {
        self.maxInputLength = maxInputLength
        self.maxDecoderLength = maxDecoderLength
    }
}

public struct InputLengths: Sendable {
    public let limits: EncodingLimits
    /// Where the lengths come from, for the settings a command prints.
    public let origin: String

    /// The lengths for a model of `config` that was trained with `trained` (nil: not recorded),
    /// with `override` applied; `checkpoint` names the model in an error.
    /// - Throws: `DataError` when an override does not fit the model's position table.
    public init(trained: EncodingLimits?, config: Seq2SeqConfig, override: LengthOverride, checkpoint: String) throws {
        let positions = config.maxPositionEmbeddings
        let base = trained ?? EncodingLimits(maxInputLength: 512, maxDecoderLength: 50, maxPersonaLength: 512)
        if let input = override.maxInputLength, input > positions {
            throw DataError(file: checkpoint, field: "--max-input-length",
                            "\(input) tokens do not fit the model's \(positions) positions: give at most \(positions)")
        }
        if let decoder = override.maxDecoderLength, decoder > positions - 1 {
            throw DataError(file: checkpoint, field: "--max-decoder-length",
                            "\(decoder) tokens (and the strategy token before them) do not fit the model's \(positions) positions: give at most \(positions - 1)")
        }
        // A given input length also bounds the persona, as in training; recorded lengths are capped by the table.
        limits = EncodingLimits(maxInputLength: min(override.maxInputLength ?? base.maxInputLength, positions),
                                maxDecoderLength: min(override.maxDecoderLength ?? base.maxDecoderLength, positions - 1),
                                maxPersonaLength: min(override.maxInputLength ?? base.maxPersonaLength, positions))
        let recorded = trained != nil ? "as trained"
            : "the reference's, capped by the \(positions) positions: the checkpoint does not record its training lengths"
        origin = override.maxInputLength != nil || override.maxDecoderLength != nil ? "given; otherwise \(recorded)" : recorded
    }

    /// "input 128 tokens, persona 128, decoder 80 (as trained)".
    public var description: String {
        let persona = limits.maxPersonaLength == limits.maxInputLength ? "" : ", persona \(limits.maxPersonaLength)"
        return "input \(limits.maxInputLength) tokens\(persona), decoder \(limits.maxDecoderLength) (\(origin))"
    }
}
