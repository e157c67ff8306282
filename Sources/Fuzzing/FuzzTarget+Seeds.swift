// FuzzTarget+Seeds: the valid inputs each fuzz target starts from (every shape its reader accepts),
// and the grammar its mutations draw on: the format's punctuation, keywords and field names.
import Foundation
import JSON
import Models
import PAL
import TextData
import Training
import Yams

extension FuzzTarget {
    /// Valid inputs, each accepted by the reader (the harness checks it before mutating them).
    public var seeds: [[UInt8]] {
        switch self {
        case .json: return (Self.jsonDocuments + [Self.esconvFiles[0], Self.pesconvFiles[1]] + Self.configFiles).map { Array($0.utf8) }
        case .esconv: return Self.esconvFiles.map { Array($0.utf8) }
        case .pesconv: return Self.pesconvFiles.map { Array($0.utf8) }
        case .recipe: return Self.recipeFiles.map { Array($0.utf8) }
        case .safetensors: return Self.safetensorsFiles
        case .config: return Self.configFiles.map { Array($0.utf8) }
        }
    }

    /// What mutations of this target's inputs draw on.
    public var grammar: InputGrammar {
        let jsonTokens = ["{", "}", "[", "]", ",", ":", "\"", "\\", "\\u", "\\ud800", "\\udc00", "\\u0000", "null", "true", "false",
                          "NaN", "-Infinity", "1e400", "-", ".", "e", " ", "\n", "\r\n", "\t", "\u{FEFF}", "{}", "[]", "\"\""]
        switch self {
        case .json:
            return InputGrammar(tokens: jsonTokens, openers: ["[", "{\"a\":"], structure: .json)
        case .esconv, .pesconv:
            let names = ["emotion_type", "problem_type", "situation", "dialog", "persona", "persona_list", "speaker", "text", "content",
                         "strategy", "annotation", "feedback", "knowledge", "heal", "seeker", "supporter", "usr", "sys", "speaker",
                         "listener"] + Strategy.allCases.map(\.rawValue) + Strategy.allCases.map(\.token)
            return InputGrammar(tokens: jsonTokens + names.map { "\"\($0)\"" }, openers: ["[", "{\"dialog\":"], structure: .json)
        case .recipe:
            let keys = ["stage", "variant", "model", "init", "family", "d_model", "layers", "heads", "ffn", "max_positions", "dropout",
                        "masked_coattention", "tokenizer", "data", "folder", "split_seed", "pesconv", "persona_source", "valid_turns",
                        "max_input_length", "max_decoder_length", "train_limit", "valid_limit", "extractor_source", "training", "output",
                        "epochs", "batch_size", "lr", "seed", "scratch", "bpe-4000"]
            let values = RecipeStage.allCases.map(\.rawValue) + InputFormat.allCases.map(\.rawValue) + ModelFamily.allCases.map(\.rawValue)
                + PersonaSource.allCases.map(\.rawValue) + ExampleTurns.allCases.map(\.rawValue) + ExtractorSource.allCases.map(\.rawValue)
            let yaml = [": ", "- ", "\n", "\n  ", "  ", "\t", "\r", "\u{85}", "\u{2028}", "#", "&a ", "*a", "&a [x, x, x, x]", "[*a, *a, *a, *a]",
                        "<<: ", "<<: *a", "!!str ", "!!int ", "!!float ", "!!binary ", "!!map ", "!!seq ", "!!set ", "!!omap ", "!!pairs ", "!x ",
                        "? ", "? [a]\n: ", "{a: 1}: ", "|\n  ", ">-\n  ", "---\n", "...\n", "%YAML 1.1\n", "%TAG ! tag:x,2000:\n", "~", ".inf",
                        "-.inf", ".nan", "0x1F", "0o17", "1_000", "yes", "no", "on", "off", "2001-12-14", "'", "\"", "{", "}", "[", "]", ",", "\\"]
            return InputGrammar(tokens: yaml + jsonTokens + keys.map { "\($0): " } + keys.map { "\"\($0)\"" } + values,
                                openers: ["[", "{a: ", "- ", "a:\n  ", "? ", "\r? ", "[a: "], structure: .json)
        case .safetensors:
            let names = ["dtype", "shape", "data_offsets", "__metadata__", "format", "pt", "position_ids"] + ["F32", "F16", "BF16", "F64", "I64", "U8", "BOOL", "F8_E4M3", "F4", "C64"]
            return InputGrammar(tokens: jsonTokens + names.map { "\"\($0)\"" }, openers: ["[", "{\"a\":"], structure: .safetensors)
        case .config:
            let keys = ["model_type", "vocab_size", "d_model", "encoder_layers", "decoder_layers", "encoder_attention_heads",
                        "decoder_attention_heads", "encoder_ffn_dim", "decoder_ffn_dim", "max_position_embeddings", "dropout",
                        "attention_dropout", "activation_dropout", "activation_function", "scale_embedding", "pad_token_id", "bos_token_id",
                        "eos_token_id", "decoder_start_token_id", "init_std", "paltrain_persona_coattention", "paltrain_masked_coattention",
                        "paltrain_input_format", "normalize_before", "add_final_layer_norm", "max_length", "min_length", "num_beams",
                        "length_penalty", "early_stopping", "do_sample", "top_k", "top_p", "temperature", "repetition_penalty",
                        "no_repeat_ngram_size", "bad_words_ids", "forced_bos_token_id", "forced_eos_token_id", "never", "gelu", "relu"]
                + ModelFamily.allCases.map(\.rawValue) + InputFormat.allCases.map(\.rawValue)
            return InputGrammar(tokens: jsonTokens + keys.map { "\"\($0)\"" }, openers: ["[", "{\"a\":"], structure: .json)
        }
    }

    // MARK: - JSON

    static let jsonDocuments = [
        #"{"b": 1, "a": [1.50, -0, 1e3, 2E-2, NaN, Infinity, -Infinity], "b": "x", "\u037e": 1, ";": 2}"#,
        #"["q\" b\\ \b\f\n\r\t \u0001 \u007f \u00e9 \ud83d\ude00 \/", "é 中 😀", "", [], {}, [[[{"a": [null, true, false]}]]]]"#,
        "\u{FEFF}{\n  \"nested\": {\"list\": [1, 2.5, -3e-7, 123456789012345678901234567890],\n  \"text\": \"line\\nbreak\"}\n}\n",
        "0", "-1.5e+300", "\"just a string\"", "null",
    ]

    // MARK: - ESConv and PESConv

    /// An ESConv.json array (original form), HF JSON lines, and PESConv's `sample.json` array.
    static let esconvFiles = [
        """
        [{"experience_type": "Previous Experience", "emotion_type": "anxiety", "problem_type": "job crisis", \
        "situation": "I may lose my job.", "survey_score": {"seeker": {"initial_emotion_intensity": "4"}}, "dialog": [\
        {"speaker": "seeker", "annotation": {}, "content": "Hi, I am worried."}, \
        {"speaker": "supporter", "annotation": {"strategy": "Question", "feedback": "5"}, "content": "Why   are you worried?"}, \
        {"speaker": "seeker", "annotation": {}, "content": "My boss yelled at me.\\n"}, \
        {"speaker": "supporter", "annotation": {"strategy": "Reflection of feelings"}, "content": "That sounds hard."}], \
        "seeker_question1": "", "supporter_question1": ""}]
        """,
        """
        {"emotion_type": "sadness", "problem_type": "breakup", "situation": "She left.", "dialog": [{"text": "Hello", "speaker": "sys", "strategy": "Question"}, {"text": "Hi. She left me.", "speaker": "usr"}, {"text": "I am sorry to hear that.", "speaker": "sys", "strategy": "Affirmation and Reassurance", "heal": "x"}]}
        {"emotion_type": "anger", "problem_type": "conflict", "situation": "A fight.", "dialog": [{"text": "We fought.", "speaker": "usr", "knowledge": []}, {"text": "What happened?", "speaker": "sys", "strategy": "[Question]"}]}

        """,
    ] + pesconvFiles

    /// PESConv JSON lines and a `sample.json`-like array, with `persona` and `persona_list` (seeker turns − 2 entries).
    static let pesconvFiles = [
        """
        {"emotion_type": "anxiety", "problem_type": "job crisis", "situation": "Worried about my job", "dialog": [{"text": "Hi", "speaker": "usr"}, {"text": "Hello", "speaker": "sys", "strategy": "Question"}, {"text": "I am worried", "speaker": "usr"}, {"text": "Why?", "speaker": "sys", "strategy": "Question"}, {"text": "My boss yelled at me", "speaker": "usr"}, {"text": "I am sorry", "speaker": "sys", "strategy": "Others"}, {"text": "And I may be fired", "speaker": "usr"}], "persona": "<persona> i am worried about my job. <input>", "persona_list": ["<persona> i am worried. <input>", "<persona> i may be fired. <input>"]}
        {"emotion_type": "fear", "problem_type": "health", "situation": "Ill", "dialog": [{"text": "I am ill", "speaker": "usr"}, {"text": "Since when?", "speaker": "sys", "strategy": "Question"}, {"text": "A week", "speaker": "usr"}, {"text": "And now?", "speaker": "sys", "strategy": "Question"}, {"text": "Worse", "speaker": "usr"}], "persona": null, "persona_list": ["<persona> i am ill. <input>"]}
        """,
        """
        [{"emotion_type": "shame", "problem_type": "school", "situation": "Failed", "persona": "<persona> i failed.", "dialog": [{"text": "I failed", "speaker": "usr"}, {"text": "Tell me more", "speaker": "sys", "strategy": "Providing Suggestions"}], "persona_list": []}]
        """,
    ]

    // MARK: - Recipes

    /// Both stages with every key (as a run saves its recipe), a commented block-style recipe, and a
    /// recipe in flow style (JSON), which the tree mutations edit.
    static let recipeFiles: [String] = {
        let full = RecipeStage.allCases.map { try! Recipe(stage: $0).yaml() }
        let written = """
            # PAL, tiny
            stage: pal
            variant: joint   # pal | joint | hard-prompt
            model: {init: scratch, family: bart, d_model: 64, layers: 1, heads: 2, ffn: 128, max_positions: 128, dropout: 0.0}
            tokenizer: "bpe-4000"
            data:
              folder: 'data'
              split_seed: 13
              persona_source: seeker-utterances
              valid_turns: after-seeker-turn
              max_input_length: 96
              max_decoder_length: 32
            training:
              epochs: 1
              lr: 1.0e-3
            output: runs/tiny

            """
        let flow = JSONWriter.text(jsonValue(try! Yams.load(yaml: full[1])!), style: .python)
        return full + [written, flow]
    }()

    /// A YAML tree (as Yams loads it) as a JSON value, keys sorted.
    private static func jsonValue(_ node: Any) -> JSONValue {
        switch node {
        case let map as [String: Any]: return .object(map.keys.sorted().map { ($0, jsonValue(map[$0]!)) })
        case let list as [Any]: return .array(list.map(jsonValue))
        case let flag as Bool: return .bool(flag)
        case let number as Int: return .number(number)
        case let number as Double: return .number(number)
        default: return .string("\(node)")
        }
    }

    // MARK: - safetensors

    /// Files as `safetensors.torch.save_file` writes them: F32, F16 and BF16 tensors with metadata, an
    /// F64 tensor beside a skipped I64 `position_ids` buffer, and an empty file of no tensors.
    static let safetensorsFiles: [[UInt8]] = [
        safetensors(["__metadata__": .object([("format", .string("pt"))]),
                     "a.weight": entry("F32", [2, 3], 0..<24), "b.bias": entry("F16", [4], 24..<32), "c": entry("BF16", [1, 1], 32..<34)],
                    data: (0..<34).map { UInt8($0 &* 37 & 0x7F) }),
        safetensors(["embeddings.position_ids": entry("I64", [1, 2], 0..<16), "w": entry("F64", [2], 16..<32), "empty": entry("F32", [0, 5], 32..<32)],
                    data: [UInt8](repeating: 0, count: 8) + [1, 0, 0, 0, 0, 0, 0, 0] + [0, 0, 0, 0, 0, 0, 0xF0, 0x3F] + [0, 0, 0, 0, 0, 0, 0, 0x40]),
        safetensors([:], data: []),
    ]

    private static func entry(_ dtype: String, _ shape: [Int], _ offsets: Range<Int>) -> JSONValue {
        .object([("dtype", .string(dtype)), ("shape", .array(shape.map { .number($0) })),
                 ("data_offsets", .array([.number(offsets.lowerBound), .number(offsets.upperBound)]))])
    }

    /// A safetensors file: the header's length, the header padded with spaces to 8 bytes, the data.
    private static func safetensors(_ header: [String: JSONValue], data: [UInt8]) -> [UInt8] {
        var text = Array(JSONWriter.text(.object(header.keys.sorted().map { ($0, header[$0]!) }), style: .compact).utf8)
        while text.count % 8 != 0 { text.append(0x20) }
        return (0..<8).map { UInt8(truncatingIfNeeded: text.count >> (8 * $0)) } + text + data
    }

    // MARK: - Checkpoint configs

    /// Configs as checkpoints hold them (paltrain's own, for PAL and with decoding settings) and as
    /// HuggingFace writes them (extra keys, null settings).
    static let configFiles: [String] = {
        var pal = Seq2SeqConfig(family: .blenderbotSmall, vocabSize: 312, dModel: 32, encoderLayers: 2, decoderLayers: 2, heads: 4, ffnDim: 64,
                                maxPositionEmbeddings: 16, scaleEmbedding: true, padTokenId: 0, bosTokenId: 1, eosTokenId: 2, decoderStartTokenId: 1,
                                personaCoAttention: true)
        pal.inputFormat = .pal
        var extractor = Seq2SeqConfig.defaults(for: .bart)
        extractor.inputFormat = .extractor
        extractor.generation = GenerationConfig(maxLength: 60, minLength: 5, numBeams: 4, lengthPenalty: 2, noRepeatNgramSize: 3)
        let huggingFace = """
            {"_name_or_path": "facebook/blenderbot_small-90M", "activation_dropout": 0.0, "activation_function": "gelu", \
            "architectures": ["BlenderbotSmallForConditionalGeneration"], "attention_dropout": 0.0, "bos_token_id": 1, "d_model": 512, \
            "decoder_attention_heads": 16, "decoder_ffn_dim": 2048, "decoder_layerdrop": 0.0, "decoder_layers": 8, \
            "decoder_start_token_id": 1, "dropout": 0.1, "encoder_attention_heads": 16, "encoder_ffn_dim": 2048, "encoder_layers": 8, \
            "eos_token_id": 2, "forced_eos_token_id": 2, "init_std": 0.02, "is_encoder_decoder": true, "length_penalty": 0.65, \
            "max_length": 128, "max_position_embeddings": 512, "min_length": 20, "model_type": "blenderbot-small", \
            "no_repeat_ngram_size": 3, "normalize_before": false, "num_beams": 10, "pad_token_id": 0, "scale_embedding": true, \
            "forced_bos_token_id": null, "early_stopping": true, "vocab_size": 54944}
            """
        return [try! pal.jsonString(), try! extractor.jsonString(), huggingFace]
    }()
}
