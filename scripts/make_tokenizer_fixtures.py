#!/usr/bin/env python3
"""Writes the tokenizer fixtures under Tests/TextDataTests/Fixtures/ (all named tokenizer_*):

- tokenizer_blenderbot_esconv_ids.txt: one line per ESConv utterance (train, valid, test files in
  order; turns in order; text NOT stored, the Swift test re-reads data/esconv/*.json), the
  space-separated ids of transformers' BlenderbotSmallTokenizer(vocab/blenderbot_small-90M) after
  `add_tokens(PAL's 12 tokens, special_tokens=True)`, i.e. `tok(text).input_ids`.
- tokenizer_blenderbot_cases.json: PAL-formatted strings ("Persona:" + text, "System:[strategy]" + text,
  histories joined by "</s> <s>" ending in "System:", PESConv persona strings) with their ids and
  decodes; decodes of a sample of ESConv utterances; decodes of random id sequences.
- tokenizer_bytelevel_esconv2000/{vocab.json,merges.txt}: a byte-level BPE (vocab 2000) trained by
  HF `tokenizers` on the ESConv utterances, special tokens <s> <pad> </s> <unk> <mask>.
- tokenizer_mixed_cases.json: 2,000 deterministic mixed strings (many scripts, emoji with
  ZWJ and skin tones, combining marks, digits, contractions, whitespace runs, control characters,
  added tokens) with: byte-level ids from `tokenizers` (== transformers BartTokenizer with
  add_special_tokens=False, checked here), its decodes, and BlenderbotSmall ids and decodes.
- tokenizer_added_token_cases.json: random overlapping added-token sets (alphabet "ab<>") and texts,
  cut by transformers' `Trie.split` and encoded by `tokenizers` (leftmost-longest) with them added.
- tokenizer_unicode_tables.json: the character classes that `tokenizers`' GPT-2 regex (Oniguruma)
  gives every scalar (\\p{L}, \\p{N}, \\s as code point ranges) and CPython's str.lower() for every
  scalar it changes, so the Swift tests can compare every scalar.

Run from anywhere after `make data` (falls back to ../shared/data); needs
`pip install transformers tokenizers` (tested with transformers 5.23, tokenizers 0.23.3):

    python3 scripts/make_tokenizer_fixtures.py
"""
import json
import os
import random
import sys

from tokenizers import ByteLevelBPETokenizer, pre_tokenizers
from transformers import BartTokenizer, BlenderbotSmallTokenizer
from transformers.tokenization_python import Trie

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
OUT = os.path.join(ROOT, "Tests", "TextDataTests", "Fixtures")
PAL_ADDED = ["</s>", "<s>", "<persona>", "<input>", "[Question]", "[Restatement or Paraphrasing]",
             "[Reflection of feelings]", "[Self-disclosure]", "[Affirmation and Reassurance]",
             "[Providing Suggestions]", "[Information]", "[Others]"]
STRATEGIES = [t[1:-1] for t in PAL_ADDED[4:]]
BYTELEVEL_SPECIAL = ["<s>", "<pad>", "</s>", "<unk>", "<mask>"]
BYTELEVEL_EXTRA = ["<persona>", "<sep>"]
BYTELEVEL_DIR = "tokenizer_bytelevel_esconv2000"


def data_path(relative):
    """data/<relative> in the repository, else ../shared/data/<relative>."""
    local = os.path.join(ROOT, "data", relative)
    return local if os.path.exists(local) else os.path.join(ROOT, "..", "shared", "data", relative)


def vocab_dir():
    local = os.path.join(ROOT, "data", "vocab", "blenderbot_small-90M")
    return local if os.path.exists(local) else os.path.join(ROOT, "..", "shared", "vocab", "blenderbot_small-90M")


def esconv_conversations():
    out = []
    for split in ["train", "valid", "test"]:
        with open(data_path(f"esconv/{split}.json"), encoding="utf-8") as f:
            out += [json.loads(line) for line in f if line.strip()]
    return out


def write_json(name, value):
    # U+FEFF is escaped: Foundation's JSONSerialization drops it raw at the start of a string value.
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":")).replace("\ufeff", "\\ufeff")
    with open(os.path.join(OUT, name), "w", encoding="utf-8") as f:
        f.write(text + "\n")


# MARK: - BlenderbotSmall


def blenderbot():
    tok = BlenderbotSmallTokenizer.from_pretrained(vocab_dir())
    added = tok.add_tokens(PAL_ADDED, special_tokens=True)
    assert added == 12 and len(tok) == 54956, (added, len(tok))
    return tok


def pal_strings():
    """PAL-formatted strings built as the reference inputter builds them, from PESConv valid+test."""
    conversations = []
    for split in ["valid", "test"]:
        with open(data_path(f"pesconv/{split}.txt"), encoding="utf-8") as f:
            conversations += [json.loads(line) for line in f if line.strip()]
    rng = random.Random(7)
    picked = rng.sample(range(len(conversations)), 6)
    out = []
    for c in picked:
        conversation = conversations[c]
        context, seeker_turns = [], 0
        for i, turn in enumerate(conversation["dialog"]):
            text = turn["text"]
            if turn["speaker"] != "sys":
                seeker_turns += 1
                line = "Persona:" + text
            else:
                strategy = "[" + turn["strategy"] + "]"
                if i > 0:
                    history = context[-4:] + ["System:"]
                    out.append("</s> <s>".join(history))
                    if seeker_turns > 2:
                        out.append(conversation["persona_list"][seeker_turns - 3])
                    else:
                        out.append("<input>")
                line = "System:" + strategy + text
            out.append(line)
            context.append(line)
        out.append(conversation["persona"])
    # Hand-made variants: whitespace around and inside the added tokens, odd casing, partial tokens.
    out += [
        "Persona:I'm feeling anxious.</s> <s>System:[Question]Why?",
        "<persona> i like dogs. <persona> i have two cats. <input>",
        "<persona>i like dogs.<persona>i have two cats.<input>",
        "  <s>  </s>  ", "</s><s></s><s>", "<s", "</s", "[Question", "[question]", "[QUESTION]",
        "System:[Others]", "System:[Information] It's 5 p.m.", "Persona:\nhello\n\nworld\n",
        "__start__ hi __end__ __null__ __unk__", "__START__ __Unk__", "__newln__", "a\tb\rc\x0bd\x0ce",
        "System:[Self-disclosure]I've been there too!! (really)", "Persona:  what's   up ??? ...",
        "<persona> <input>", "[Providing Suggestions][Information][Others]", "<s><persona><input>",
    ]
    return out


def blenderbot_fixtures(tok, conversations):
    utterances = [turn["text"] for c in conversations for turn in c["dialog"]]
    lines = []
    all_ids = []
    for text in utterances:
        ids = tok(text).input_ids
        all_ids.append(ids)
        lines.append(" ".join(map(str, ids)))
    with open(os.path.join(OUT, "tokenizer_blenderbot_esconv_ids.txt"), "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")

    pal = []
    for text in pal_strings():
        ids = tok(text).input_ids
        pal.append({"text": text, "ids": ids, "decoded": tok.decode(ids),
                    "decoded_skip": tok.decode(ids, skip_special_tokens=True)})
    sample = []
    for index in range(0, len(utterances), 97):
        ids = all_ids[index]
        sample.append({"index": index, "decoded": tok.decode(ids),
                       "decoded_skip": tok.decode(ids, skip_special_tokens=True)})
    rng = random.Random(11)
    random_ids = []
    for _ in range(200):
        ids = [rng.choice([rng.randrange(0, 60), rng.randrange(0, 54956), rng.randrange(54944, 54960)])
               for _ in range(rng.randrange(0, 12))]
        random_ids.append({"ids": ids, "decoded": tok.decode(ids),
                           "decoded_skip": tok.decode(ids, skip_special_tokens=True)})
    write_json("tokenizer_blenderbot_cases.json", {
        "vocabulary": "vocab/blenderbot_small-90M", "added_tokens": PAL_ADDED,
        "esconv_utterances": len(utterances), "pal": pal, "esconv_decode_sample": sample,
        "random_id_decode": random_ids})
    return utterances


# MARK: - Byte-level BPE


def train_bytelevel(utterances):
    bl = ByteLevelBPETokenizer(add_prefix_space=False)
    bl.train_from_iterator(utterances, vocab_size=2000, min_frequency=2, special_tokens=BYTELEVEL_SPECIAL,
                           show_progress=False)
    directory = os.path.join(OUT, BYTELEVEL_DIR)
    os.makedirs(directory, exist_ok=True)
    bl.save_model(directory)
    loaded = ByteLevelBPETokenizer(os.path.join(directory, "vocab.json"), os.path.join(directory, "merges.txt"),
                                   add_prefix_space=False)
    loaded.add_special_tokens(BYTELEVEL_SPECIAL + BYTELEVEL_EXTRA)
    bart = BartTokenizer.from_pretrained(directory)
    bart.add_tokens(BYTELEVEL_EXTRA, special_tokens=True)
    return loaded, bart


FRAGMENTS = [
    # Latin, accents (precomposed and combining), casing
    "hello", "Hello", "WORLD", "naïve", "café", "cafe\u0301", "Ångström", "Straße", "ǅemal", "İstanbul",
    "ΣΑΣ", "Σ", "aΣ b", "ΌΣΟΣ", "Ὀδυσσεύς", "Zalgo\u0300\u0301\u0302\u0303\u0304", "e\u0301\u0301",
    # Scripts
    "Привет", "мир", "Ελληνικά", "مرحبا", "بالعالم", "שלום", "עולם", "नमस्ते", "हिन्दी", "สวัสดี",
    "中文", "汉字测试", "日本語", "ひらがな", "カタカナ", "한국어", "안녕하세요", "ქართული", "Հայերեն",
    "አማርኛ", "தமிழ்", "ಕನ್ನಡ", "ᚠᚢᚦ", "𐌰𐌱𐌲", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢", "ﬁ", "Ⅻ", "ǈ",
    # Emoji: plain, variation selectors, ZWJ sequences, skin tones, flags, keycaps
    "😊", "🙀", "☺️", "❤", "❤️", "👍🏽", "👋🏿", "👨‍👩‍👧‍👦", "👩🏻‍💻", "🏳️‍🌈", "🇺🇸", "🇯🇵", "1️⃣", "#️⃣",
    "🤪📚👌", "🧑🏾‍🤝‍🧑🏼",
    # Digits and numbers
    "0", "42", "3.14", "1,000,000", "٣٤٥", "१२३", "１２３", "²", "½", "Ⅷ", "⑦", "𝟘𝟙", "12abc", "abc12",
    # Contractions, odd casing
    "'s", "'t", "'re", "'ve", "'m", "'ll", "'d", "'S", "'T", "'RE", "'Re", "'rE", "'LL", "'lL", "'D",
    "it's", "IT'S", "don't", "DON'T", "we're", "You'Ve", "I'm", "she'll", "he'd", "''s", "'''", "o'clock",
    "rock'n'roll", "’s", "‘quoted’", "“double”",
    # Punctuation and symbols
    ".", ",", "!", "?", "...", "?!", "(", ")", "[x]", "{y}", "@@", "a@@ b", "#tag", "$5", "100%", "a&b",
    "x+y=z", "~", "^_^", ":-)", "<3", "->", "—", "–", "…", "©", "€", "£", "¥", "°C", "µ", "\\", "/", "|",
    "__", "__init__", "@", "`", "*", "\u00ad",
    # Whitespace and controls
    " ", "  ", "   ", "\t", "\t\t", "\n", "\n\n", "\r\n", " \n ", "\u00a0", "\u3000", "\u2028", "\u2029",
    "\u200b", "\u200d", "\u2009", "\u202f", "\u1680", "\x85", "\x0b", "\x0c", "\x1c", "\x1f", "\x00",
    "\x01", "\x07", "\x7f", "\ufeff", "\ufffd", "\ue000", "\U0010fffd",
    # Added tokens, partial and nested
    "<s>", "</s>", "<pad>", "<unk>", "<mask>", "<persona>", "<sep>", "<input>", "[Question]",
    "<persona", "persona>", "<<s>>", "</s/>", "<s><s>", "<mask><mask>", "__unk__", "__start__",
]
# Scalars newer than some Unicode tables (letters/numbers in Unicode 16/17, lowercase mappings).
NEW_SCALARS = [0x88F, 0xA7CE, 0xA7CF, 0x10940, 0x11DB0, 0x16EA0, 0x16EBB, 0x1E6C0, 0x2B73A, 0x323B0,
               0x11DE0, 0x16FF4, 0x1C89, 0xA7CB, 0xA7DC, 0x10D50, 0x16EA1]
SEPARATORS = ["", " ", "  ", "\t", "\n", " \n", "\n ", "\r\n", "\u00a0", "\u3000"]


def random_scalar(rng):
    while True:
        value = rng.choice([rng.randrange(0x20, 0x7F), rng.randrange(0xA0, 0x800), rng.randrange(0x800, 0x10000),
                            rng.randrange(0x10000, 0x110000), rng.choice(NEW_SCALARS)])
        if not 0xD800 <= value <= 0xDFFF:
            return chr(value)


def mixed_strings():
    rng = random.Random(20240601)
    out = ["", " ", "a", "  leading", "trailing  ", "\n\nword", "word\n\n", "a  b", "a \n b", "x\t y",
           " 1 2  3", "Hello, world! It's 5 o'clock.", "\u00a0a", "a\u00a0", " \u00a0 ", "ΣΑΣ ΣΑΣ", "ΑΣ,", "aΣ'",
           "Persona:I'm feeling anxious.</s> <s>System:[Question]Why?"]
    out += FRAGMENTS
    out += ["".join(chr(v) for v in NEW_SCALARS)]
    while len(out) < 2000:
        parts = []
        for _ in range(rng.randrange(1, 7)):
            if rng.random() < 0.15:
                parts.append("".join(random_scalar(rng) for _ in range(rng.randrange(1, 4))))
            else:
                parts.append(rng.choice(FRAGMENTS))
            parts.append(rng.choice(SEPARATORS))
        text = "".join(parts)
        if rng.random() < 0.5:
            text = text.strip(" ")
        out.append(text)
    return out


def mixed_fixtures(blender, loaded, bart):
    cases = []
    mismatches = 0
    for text in mixed_strings():
        encoding = loaded.encode(text)
        ids = encoding.ids
        bart_ids = bart(text, add_special_tokens=False).input_ids
        if bart_ids != ids:
            mismatches += 1
        assert bart(text).input_ids == [0] + bart_ids + [2]
        decoded = loaded.decode(ids, skip_special_tokens=False)
        decoded_skip = loaded.decode(ids, skip_special_tokens=True)
        assert decoded == bart.decode(bart_ids) and decoded_skip == bart.decode(bart_ids, skip_special_tokens=True)
        case = {"text": text, "ids": ids}
        if decoded != text:
            case["decoded"] = decoded
        if decoded_skip != decoded:
            case["decoded_skip"] = decoded_skip
        b_ids = blender(text).input_ids
        case["blenderbot_ids"] = b_ids
        case["blenderbot_decoded"] = blender.decode(b_ids)
        b_skip = blender.decode(b_ids, skip_special_tokens=True)
        if b_skip != case["blenderbot_decoded"]:
            case["blenderbot_decoded_skip"] = b_skip
        cases.append(case)
    assert mismatches == 0, f"tokenizers and BartTokenizer disagree on {mismatches} strings"
    rng = random.Random(5)
    random_ids = []
    for _ in range(200):
        ids = [rng.choice([rng.randrange(0, 8), rng.randrange(0, 2000), rng.randrange(1995, 2006)])
               for _ in range(rng.randrange(0, 10))]
        random_ids.append({"ids": ids, "decoded": loaded.decode(ids, skip_special_tokens=False),
                           "decoded_skip": loaded.decode(ids, skip_special_tokens=True)})
    write_json("tokenizer_mixed_cases.json", {
        "bytelevel": {"directory": BYTELEVEL_DIR, "special_tokens": BYTELEVEL_SPECIAL, "added_tokens": BYTELEVEL_EXTRA,
                      "vocabulary_size": bart.__len__()},
        "cases": cases, "bytelevel_random_id_decode": random_ids})
    return len(cases)


# MARK: - Overlapping added tokens


def added_token_fixtures():
    rng = random.Random(3)
    directory = os.path.join(OUT, BYTELEVEL_DIR)
    cases = []
    for _ in range(150):
        tokens = sorted({"".join(rng.choice("ab<>") for _ in range(rng.randrange(1, 5))) for _ in range(rng.randrange(1, 5))})
        trie = Trie()
        for token in tokens:
            trie.add(token)
        bytelevel = ByteLevelBPETokenizer(os.path.join(directory, "vocab.json"), os.path.join(directory, "merges.txt"))
        bytelevel.add_special_tokens(BYTELEVEL_SPECIAL + BYTELEVEL_EXTRA + tokens)
        texts = ["".join(rng.choice("ab<> ") for _ in range(rng.randrange(0, 14))) for _ in range(6)]
        cases.append({"tokens": tokens, "texts": texts, "transformers_split": [trie.split(t) for t in texts],
                      "bytelevel_ids": [bytelevel.encode(t).ids for t in texts]})
    write_json("tokenizer_added_token_cases.json", {"cases": cases})


# MARK: - Unicode tables


def ranges(values):
    out = []
    for v in values:
        if out and out[-1][1] == v - 1:
            out[-1][1] = v
        else:
            out.append([v, v])
    return out


def unicode_tables():
    pre = pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=True)
    letters, numbers, spaces, lower = [], [], [], []
    for v in range(0x110000):
        if 0xD800 <= v <= 0xDFFF:
            continue
        c = chr(v)
        # "a" + c is one pre-token iff c is \p{L}; "1" + c iff \p{N}; "!" + c iff neither nor \s.
        if len(pre.pre_tokenize_str("a" + c)) == 1:
            letters.append(v)
        elif len(pre.pre_tokenize_str("1" + c)) == 1:
            numbers.append(v)
        elif len(pre.pre_tokenize_str("!" + c)) != 1:
            spaces.append(v)
        if c.lower() != c:
            lower.append([v] + [ord(x) for x in c.lower()])
    write_json("tokenizer_unicode_tables.json", {
        "python": sys.version.split()[0], "letters": ranges(letters), "numbers": ranges(numbers),
        "whitespace": ranges(spaces), "python_lower": lower})


def main():
    conversations = esconv_conversations()
    blender = blenderbot()
    utterances = blenderbot_fixtures(blender, conversations)
    loaded, bart = train_bytelevel(utterances)
    count = mixed_fixtures(blender, loaded, bart)
    added_token_fixtures()
    unicode_tables()
    print(f"{len(utterances)} ESConv utterances, {count} mixed strings; fixtures in {OUT}")


if __name__ == "__main__":
    main()
