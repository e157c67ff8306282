#!/usr/bin/env python3
"""Writes Tests/TextDataTests/Fixtures/pal_examples.json: PAL examples (token ids) for the first
conversations of data/pesconv/valid.txt, built the way PAL's reference inputter does (history
utterances "Persona:" + seeker text and "System:" + [strategy] + supporter text joined by
"</s> <s>" and ending in "System:", persona = persona_list[seeker turns - 3] or "<input>",
labels = ([strategy] + response + [eos])[:max_decoder + 1], decoder input = [bos] + labels[:-1],
history ids cut from the left), tokenised by transformers' BlenderbotSmallTokenizer with PAL's
added tokens. Also writes persona-extractor examples for the first dialogues of data/personachat/valid.csv as
the reference's train_bart.py encodes them (BartTokenizer, add_prefix_space, <persona> and <sep>
added, truncation to 128), with the byte-level fixture vocabulary standing in for bart-large-cnn's.
Run `make data` first; needs `pip install transformers pandas`.

    python3 scripts/make_example_fixtures.py
"""
import json
import os

import pandas as pd
from transformers import BartTokenizer, BlenderbotSmallTokenizer

ROOT = os.path.join(os.path.dirname(__file__), "..")
ADDED = ["</s>", "<s>", "<persona>", "<input>", "[Question]", "[Restatement or Paraphrasing]",
         "[Reflection of feelings]", "[Self-disclosure]", "[Affirmation and Reassurance]",
         "[Providing Suggestions]", "[Information]", "[Others]"]
CONVERSATIONS = 4
SETTINGS = [  # (rule, max input length, max decoder length)
    ("every-supporter-turn", 512, 50),
    ("after-seeker-turn", 512, 50),
    ("every-supporter-turn", 40, 8),
]


def norm(text):
    return " ".join(text.strip().split())


def examples(conversation, rule):
    """Text-level examples of one conversation: (history, persona, response, strategy token, turn)."""
    context, out, seeker_turns = [], [], 0
    dialog = conversation["dialog"]
    for i, turn in enumerate(dialog):
        text = norm(turn["text"])
        if turn["speaker"] != "sys":
            seeker_turns += 1
        else:
            strategy = "[" + turn["strategy"] + "]"
            if i > 0 and (rule == "every-supporter-turn" or dialog[i - 1]["speaker"] != "sys"):
                persona = conversation["persona_list"][seeker_turns - 3] if seeker_turns > 2 else "<input>"
                out.append((context + ["System:"], persona, text, strategy, i))
        context.append("Persona:" + text if turn["speaker"] != "sys" else "System:" + strategy + text)
    return out


def extractor_examples(dialogues=3, max_length=128):
    """CSV rows 2k ("your persona", the second speaker) and 2k+1 (the first); the CSV's literal " </s>"
    suffix is dropped, as paltrain does (the tokenizer adds eos itself)."""
    vocab = os.path.join(ROOT, "Tests", "TextDataTests", "Fixtures", "tokenizer_bytelevel_esconv2000")
    # add_prefix_space at construction: transformers 5 ignores it as a call argument, where the
    # reference's transformers 4 honoured it.
    tok = BartTokenizer(os.path.join(vocab, "vocab.json"), os.path.join(vocab, "merges.txt"), add_prefix_space=True)
    tok.add_special_tokens({"additional_special_tokens": ["<persona>", "<sep>"]})
    rows = pd.read_csv(os.path.join(ROOT, "data", "personachat", "valid.csv"))[: 2 * dialogues]
    out = []
    for context, persona in zip(rows["context"], rows["persona"]):
        source, target = context.removesuffix(" </s>"), persona.removesuffix(" </s>")
        labels = tok(target, max_length=max_length, truncation=True).input_ids
        out.append({"source": source, "target": target,
                    "input_ids": tok(source, max_length=max_length, truncation=True).input_ids,
                    "labels": labels, "decoder_input_ids": [tok.eos_token_id] + labels[:-1]})
    return out


def main():
    tok = BlenderbotSmallTokenizer.from_pretrained(os.path.join(ROOT, "..", "shared", "vocab", "blenderbot_small-90M"))
    tok.add_tokens(ADDED, special_tokens=True)
    with open(os.path.join(ROOT, "data", "pesconv", "valid.txt")) as f:
        conversations = [json.loads(line) for line in f][:CONVERSATIONS]
    cases = []
    for rule, max_input, max_decoder in SETTINGS:
        rows = []
        for c, conversation in enumerate(conversations):
            for history, persona, response, strategy, turn in examples(conversation, rule):
                labels = (tok(strategy).input_ids + tok(response).input_ids + [tok.eos_token_id])[:max_decoder + 1]
                rows.append({"conversation": c, "turn": turn,
                             "input_ids": tok("</s> <s>".join(history)).input_ids[-max_input:],
                             "persona_ids": tok(persona).input_ids,
                             "decoder_input_ids": [tok.bos_token_id] + labels[:-1], "labels": labels})
        cases.append({"rule": rule, "max_input_length": max_input, "max_decoder_length": max_decoder, "examples": rows})
    path = os.path.join(ROOT, "Tests", "TextDataTests", "Fixtures", "pal_examples.json")
    with open(path, "w") as f:
        json.dump({"source": "data/pesconv/valid.txt", "conversations": CONVERSATIONS, "cases": cases,
                   "extractor": extractor_examples()}, f)
    print(f"wrote {os.path.normpath(path)}: " + ", ".join(f"{len(c['examples'])} ({c['rule']}, {c['max_input_length']})" for c in cases))


if __name__ == "__main__":
    main()
