#!/usr/bin/env python3
"""Writes the evaluation fixtures under Tests/EvaluationTests/Fixtures/ (made by nltk, checked by the
Swift `Evaluation` tests):

- esconv_tokens.txt: one line per ESConv utterance (data/esconv/{train,valid,test}.json in file and
  turn order; text NOT stored, the Swift test re-reads data/esconv). Each line is three tab-separated
  fields:
    1. `nltk.word_tokenize(text)` as an edit script that turns `text` into the tokens joined by single
       spaces: comma-separated ops, `N` copy N code points, `dN` skip N, `_` insert a space,
       `iL:S` insert the L code points S;
    2. the same for `nltk.word_tokenize(text.lower())` applied to `text.lower()`, or `=` when it is
       the same script as field 1;
    3. `nltk.sent_tokenize` spans (`PunktTokenizer.span_tokenize`, code point offsets) as
       `start-stop,...`; empty for the single span `0-len(text.rstrip())`, `-` for no sentence.
  Line 1 is a `#` header with the nltk version and the count.
- tricky_tokens.json: about 500 hand-made and generated strings (abbreviations, initials, numbers,
  ellipses, quotes of every kind, contractions, URLs, emoji, brackets, dashes, several sentences,
  lower-case sentence starts, odd whitespace, non-ASCII case rules) with `sent_tokenize`, spans,
  `word_tokenize(text)` and `word_tokenize(text.lower())`.
- metric_cases.json: hypothesis/reference corpora (a few hundred ESConv pairs plus edge cases) with
  PAL's metrics (codes/metric/myMetrics.py and codes/get_EAD_score.py) computed by nltk/numpy:
  corpus BLEU-1..4 (smoothing method3; PAL's weights `[1/k]*k + [0]*(4-k)` and uniform `(1/k,)*k`),
  Distinct-1..3 (exact and PAL's `range(len(sent) - k)` count), EAD-1/2 (V = 54,956; PAL's way:
  sent_tokenize each raw hypothesis then word_tokenize each sentence, and on the lower-cased
  word_tokenize tokens), ROUGE-L (beta 1.2) and unigram F1 per pair and averaged, mean length; plus
  strategy-accuracy and perplexity cases.

Run from the repository root after `make data`; needs `pip install nltk` (made with nltk 3.10.4):

    NLTK_DATA=data/nltk_data python3 scripts/make_metric_fixtures.py
"""
import difflib
import json
import math
import os
import random
import sys
import warnings
from collections import Counter

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
OUT = os.path.join(ROOT, "Tests", "EvaluationTests", "Fixtures")
DATA = os.path.join(ROOT, "data")
if not os.path.isdir(os.path.join(DATA, "esconv")):
    DATA = os.path.join(ROOT, "..", "shared", "data")
os.environ.setdefault("NLTK_DATA", os.path.join(DATA, "nltk_data"))

import nltk  # noqa: E402  (NLTK_DATA must be set before the import)
import numpy as np  # noqa: E402
from nltk.tokenize import _get_punkt_tokenizer  # noqa: E402
from nltk.translate.bleu_score import SmoothingFunction, corpus_bleu  # noqa: E402

VOCAB_SIZE = 54956  # PAL's get_EAD_score.py: BlenderbotSmall vocabulary with the added tokens
PUNKT = _get_punkt_tokenizer("english")


# MARK: - ESConv


def esconv_utterances():
    texts = []
    for split in ("train", "valid", "test"):
        with open(os.path.join(DATA, "esconv", f"{split}.json"), encoding="utf-8") as f:
            for line in f:
                if line.strip():
                    texts += [turn["text"] for turn in json.loads(line)["dialog"]]
    return texts


# MARK: - Edit scripts


def encode(src, dst):
    """Ops turning src into dst (see the module docstring)."""
    ops = []

    def insert(s):
        ops.append("_" if s == " " else f"i{len(s)}:{s}")

    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, src, dst, autojunk=False).get_opcodes():
        if tag == "equal":
            ops.append(str(i2 - i1))
        elif tag == "delete":
            ops.append(f"d{i2 - i1}")
        elif tag == "insert":
            insert(dst[j1:j2])
        else:
            ops.append(f"d{i2 - i1}")
            insert(dst[j1:j2])
    script = ",".join(ops)
    assert decode(src, script) == dst, (src, dst, script)
    assert "\t" not in script and "\n" not in script
    return script


def decode(src, script):
    out, pos, k = [], 0, 0

    def number():
        nonlocal k
        start = k
        while k < len(script) and script[k].isdigit():
            k += 1
        return int(script[start:k])

    while k < len(script):
        c = script[k]
        if c.isdigit():
            n = number()
            out.append(src[pos:pos + n])
            pos += n
        elif c == "_":
            out.append(" ")
            k += 1
        elif c == "d":
            k += 1
            pos += number()
        elif c == "i":
            k += 1
            n = number()
            assert script[k] == ":"
            out.append(script[k + 1:k + 1 + n])
            k += 1 + n
        else:
            raise ValueError(script)
        if k < len(script):
            assert script[k] == ",", script
            k += 1
    assert pos == len(src)
    return "".join(out)


def spans_field(text, spans):
    assert [text[s:e] for s, e in spans] == nltk.sent_tokenize(text)
    if spans == [(0, len(text.rstrip()))]:
        return ""
    if not spans:
        return "-"
    return ",".join(f"{s}-{e}" for s, e in spans)


def esconv_fixture(texts):
    lines = [f"# nltk {nltk.__version__} word_tokenize / word_tokenize(lower) / sent_tokenize spans of {len(texts)} ESConv utterances"]
    lower_differs = 0
    for text in texts:
        words = nltk.word_tokenize(text)
        assert all(w and not any(c.isspace() for c in w) for w in words)
        cased = encode(text, " ".join(words))
        lower = text.lower()
        script = encode(lower, " ".join(nltk.word_tokenize(lower)))
        if script == cased:
            script = "="
        else:
            lower_differs += 1
        lines.append(f"{cased}\t{script}\t{spans_field(text, list(PUNKT.span_tokenize(text)))}")
    with open(os.path.join(OUT, "esconv_tokens.txt"), "w", encoding="utf-8", newline="\n") as f:
        f.write("\n".join(lines) + "\n")
    print(f"esconv_tokens.txt: {len(texts)} utterances ({lower_differs} with a different lower-case script)")


# MARK: - Tricky strings

HAND_MADE = [
    "", " ", "\n", "  \t ", ".", "?", "!", "...", "a", "A.", "I", "i.",
    "Dr. Smith is here.", "I saw Dr. Jones. He was fine.", "Mr. and Mrs. Smith went to Washington.",
    "She lives in the U.S. She likes it.", "He lives in the U.S. and likes it.", "The U.S. economy is big.",
    "We met at 5 p.m. yesterday.", "We met at 5 p.m. Then we left.", "Call me at 10 a.m. tomorrow, ok?",
    "e.g. this one", "i.e. that one.", "Apples, pears, etc. are fruit.", "Apples, pears, etc. Bananas too.",
    "It's 3.5 miles away.", "It costs $1,000.50 now.", "About 1,000 people came.", "Rates rose 5.5% in 2020.",
    "I was born in 1990. It was cold.", "Chapter 5. The End.", "See No. 5 for details.", "He came 2nd. She came 3rd.",
    "J. K. Rowling wrote it.", "A. Smith and B. Jones.", "George W. Bush spoke.", "Johann S. Bach composed.",
    "Wait... what?", "Wait...what?", "Wait . . . what?", "So.... yeah", "Hmm…", "Hmm… okay.", "well...",
    "I don't know... maybe. Maybe not.", "...and then?", "Really?! No way!", "Why?? Because!!",
    "\"Hello,\" she said.", "\"Hello.\" \"Goodbye.\"", "He said \"no\" twice.", "'Single quotes' here.",
    "“Curly quotes,” he said. “Really.”", "‘Single curly’ quotes.", "It’s fine, isn’t it?", "«Guillemets» too.",
    "„German“ quotes.", "``LaTeX quotes''", "He said ''maybe'' then left.", "(\"quoted\")", "[\"a\", 'b']",
    "I can't do it.", "I won't go.", "I cannot believe it.", "CANNOT", "Cannot!", "I'm gonna cry.",
    "Gonna be fine.", "I wanna go home.", "wanna", "I wanna", "gotta go", "Gimme that.", "Lemme see.",
    "D'ye know?", "More'n enough.", "'Tis the season.", "'twas night.", "'T is odd.", "y'all ready?",
    "It's five o'clock.", "Rock'n'roll!", "Yes ma'am.", "We'll see; they'd know.", "You're right, they've left.",
    "I'd've gone.", "She's got 'em.", "The 90's were great.", "James' car.", "The students' books are here.",
    "He's 'the best' ever.", "'Hello' 'world'", "don't", "DON'T", "WON'T", "I'M", "YOU'RE", "THEY'LL",
    "Visit http://example.com/a.b?c=d&e=f now.", "Go to www.test.org. It helps.", "Email me at a.b@c.com.",
    "My #1 fan @john_doe said hi.", "50% off & free!", "It's 10:30 now.", "Ratio 3:2, ok.", "Items: a, b, c.",
    "a,b,c", "1,2,3", "x:y", "end with colon:", "end with comma,", "I feel 😊 today.", "❤️ love it!",
    "Thumbs 👍🏽 up.", "Family 👨‍👩‍👧 time.", "Sad :( but ok :)", "Emoji at end 😢.", "😊", "(smiles)",
    "I (really) mean it.", "Use [brackets] and {braces} and <angles>.", "f(x) = y", "He left (finally).",
    "(He left.) She stayed.", "[Note: read this.] Then go.", "This -- that.", "This--that", "A---B",
    "Well — I think so.", "Pages 10–20.", "Dash - here.", "‒figure dash‒", "―bar―", "semi;colon", "a&b",
    "First sentence. second sentence starts lower.", "this is lower. and this too. OK?",
    "i think so. i really do.", "Hello there! how are you? fine.", "Line one\nLine two.", "Para one.\n\nPara two.",
    "Tab\tseparated.\tWords.", "Multiple   spaces.   Here.", "  Leading and trailing spaces.  ",
    "Ends with newline.\n", "Non\u00a0breaking space.", "Thin\u2009space. Next.", "Info\x1cseparator here.",
    "Caf\u00e9 na\u00efve.", "Cafe\u0301 decomposed.", "ΟΔΟΣ ΚΑΛΗ.", "İstanbul is big. Istanbul!", "The Kelvin sign K.",
    "Long ſ 'ſ here.", "Ǆ digraph.", "ǅungla.", "Mr.Smith", "end.Start", "U.S.A.", "U.S.A. is big.",
    "p.m.", "a.m. p.m.", "Prof. Smith, Ph.D., spoke.", "St. Louis is nice.", "Jan. 5 was cold.", "Inc. Ltd. Co.",
    "He said: \"Stop.\" Then left.", "She asked, \"Why?\" He shrugged.", "\"Why?\" \"Because.\"",
    "I know.\" He said.", "(I know.) (You know.)", "It is.' Then.", "ok .", "ok . ok", " . ", ". .", "a . b",
    "Thanks!!! You're the best!!!", "OK?!", "Yes.No.Maybe.", "Hi.I am here.", "1. First item. 2. Second item.",
    "Version 2.0. Released.", "v1.2.3 is out.", "-5 degrees.", ".5 cups", "3.", "3.14159.", "It's 5,000,000.",
    "Call 555-1234.", "24/7 support.", "A/B test.", "~approx~", "under_score", "C++ and C#.", "£5 or €5 or ¥5.",
    "What?\"", "Done.)", "Done.]", "Done.}", "Done.>", "Done.”", "Done.’", "Done.»", "Done.' ", "Done. )",
    "\"Done.\"  Next one.", "'Done.'  Next one.", "He said ``hi''.", "` single backtick", "```code```",
    "It ain't so.", "Whaddya want?", "Whatcha doing?", "can not", "Can-not", "gonna-be", "cannot.", "Cannot's",
    "Page 5. Business is good.", "I paid 20. Credit is tight.", "Call B. Smith now.", "Item 3. Who knows?",
    "Ask J. Walter. He knows.", "It was 1990. Review the file.", "Part 2. International news.", "I. Magnin opened.",
    "Chapter 4. Dividend policy.", "See 7. Letters follow.", "B. Stewart and O. Ludcke met.", "Rule 9. Notable cases.",
    "I'll", "It'LL", "We'RE", "They'VE", "isn'T", "ISN't", "o'", "'s", "'", "''", "\"", "'''", "\"\"\"",
]


def generated_strings(rng, count):
    words = ["Dr.", "Mr.", "Mrs.", "U.S.", "U.K.", "p.m.", "a.m.", "e.g.", "i.e.", "etc.", "vs.", "No.", "St.",
             "Jan.", "J.", "A.", "Smith", "the", "The", "However", "I", "i", "it", "It", "can't", "won't",
             "gonna", "wanna", "gimme", "cannot", "'tis", "'Twas", "d'ye", "more'n", "lemme", "gotta", "y'all",
             "'s", "n't", "3.5", "1,000", "5.", "10", "$20", "50%", "#tag", "@user", "http://x.org/a.b",
             "www.test.com", "😊", "❤️", "—", "–", "--", "...", "…", ". . .", "!!", "?!", "?", "!", ".", ",",
             ";", ":", "(", ")", "[", "]", "{", "}", "<", ">", "\"", "'", "''", "``", "“", "”", "‘", "’", "«",
             "»", "„", "*", "&", "ok", "OK", "yes", "Yes", "no", "Hello", "hello", "feel", "sad", "Sorry",
             "sorry", "What", "what", "and", "And", "but", "But", "so", "So", "my", "friend", "job", "ΟΔΟΣ",
             "İ", "ſ", "café", "Ph.D.", "Inc.", "approx.", "fig.", "x.", "B.", "90's", "James'", "o'clock"]
    gaps = [" "] * 12 + ["", "", "  ", "\n", "\t", " \n ", "\u00a0"]
    out = []
    while len(out) < count:
        pieces = [rng.choice(words) for _ in range(rng.randint(2, 14))]
        text = pieces[0]
        for piece in pieces[1:]:
            text += rng.choice(gaps) + piece
        if rng.random() < 0.2:
            text = rng.choice(["", " ", "\n"]) + text + rng.choice(["", " ", "\n", "  "])
        out.append(text)
    return out


def tricky_fixture(rng):
    texts = list(dict.fromkeys(HAND_MADE))
    hand = len(texts)
    for text in generated_strings(rng, 520):
        if len(texts) >= 500:
            break
        if text not in texts:
            texts.append(text)
    cases = []
    for text in texts:
        spans = list(PUNKT.span_tokenize(text))
        sents = nltk.sent_tokenize(text)
        assert [text[s:e] for s, e in spans] == sents
        cases.append({"text": text, "sents": sents, "spans": spans, "words": nltk.word_tokenize(text),
                      "words_lower": nltk.word_tokenize(text.lower())})
    with open(os.path.join(OUT, "tricky_tokens.json"), "w", encoding="utf-8") as f:
        json.dump({"nltk_version": nltk.__version__, "cases": cases}, f, ensure_ascii=False, indent=0)
    print(f"tricky_tokens.json: {len(cases)} strings ({hand} hand-made)")


# MARK: - Metrics (PAL codes/metric/myMetrics.py and codes/get_EAD_score.py)


def bleu(hyps, refs, k, pal_weights):
    weights = [1.0 / k] * k + (4 - k) * [0.0] if pal_weights else (1.0 / k,) * k
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return corpus_bleu([[r] for r in refs], hyps, weights=weights,
                               smoothing_function=SmoothingFunction().method3)
        except ZeroDivisionError:
            return 0.0  # PAL's calc_bleu_k


def distinct(hyps, k, reference_count):
    grams, total = set(), 0
    for sent in hyps:
        for i in range(0, len(sent) - k + (0 if reference_count else 1)):
            grams.add(tuple(sent[i:i + k]))
            total += 1
    return len(grams) / total if total > 0 else 0.0


def ead_from_sentences(sentences, n):
    """PAL's cal_EAD; None where it divides by zero (no n-gram at all)."""
    all_ngrams = []
    for words in sentences:
        all_ngrams.extend(nltk.ngrams(words, n))
    N, C, V = len(set(all_ngrams)), len(all_ngrams), VOCAB_SIZE
    try:
        return N / (V * (1 - (((V - 1) / V) ** C)))
    except ZeroDivisionError:
        return None


def my_lcs(string, sub):
    if len(string) < len(sub):
        sub, string = string, sub
    lengths = [[0 for _ in range(0, len(sub) + 1)] for _ in range(0, len(string) + 1)]
    for j in range(1, len(sub) + 1):
        for i in range(1, len(string) + 1):
            if string[i - 1] == sub[j - 1]:
                lengths[i][j] = lengths[i - 1][j - 1] + 1
            else:
                lengths[i][j] = max(lengths[i - 1][j], lengths[i][j - 1])
    return lengths[len(string)][len(sub)]


def rouge_l(hyp, ref, beta=1.2):
    lcs = my_lcs(ref, hyp)
    prec = lcs / max(len(hyp), 1e-10)
    rec = lcs / max(len(ref), 1e-10)
    if prec != 0 and rec != 0:
        return ((1 + beta ** 2) * prec * rec) / float(rec + beta ** 2 * prec)
    return 0.0


def unigram_f1(hyp, ref):
    cross = sum((Counter(hyp) & Counter(ref)).values())
    p = cross / max(len(hyp), 1e-10)
    r = cross / max(len(ref), 1e-10)
    return 2 * p * r / max(p + r, 1e-10)


def corpus_case(name, hyp_texts, ref_texts):
    hyps = [nltk.word_tokenize(h.lower()) for h in hyp_texts]
    refs = [nltk.word_tokenize(r.lower()) for r in ref_texts]
    ead_sentences = [nltk.word_tokenize(s) for h in hyp_texts for s in nltk.sent_tokenize(str(h))]
    rouge = [rouge_l(h, r) for h, r in zip(hyps, refs)]
    f1 = [unigram_f1(h, r) for h, r in zip(hyps, refs)]
    return {
        "name": name,
        "hypotheses": hyp_texts,
        "references": ref_texts,
        "expected": {
            "bleu_pal": [bleu(hyps, refs, k, True) for k in range(1, 5)],
            "bleu_uniform": [bleu(hyps, refs, k, False) for k in range(1, 5)],
            "distinct_exact": [distinct(hyps, k, False) for k in range(1, 4)],
            "distinct_reference": [distinct(hyps, k, True) for k in range(1, 4)],
            "ead_reference": [ead_from_sentences(ead_sentences, n) for n in (1, 2)],
            "ead_tokens": [ead_from_sentences(hyps, n) for n in (1, 2)],
            "rouge_l": float(np.mean(rouge)),
            "rouge_l_scores": rouge,
            "f1": float(np.mean(f1)),
            "f1_scores": f1,
            "length": float(np.mean(list(map(len, hyps)))),
        },
    }


def perturbed(rng, text):
    words = text.split()
    if len(words) > 3:
        words = [w for w in words if rng.random() > 0.2] or words[:1]
        if rng.random() < 0.5:
            i = rng.randrange(len(words))
            words.insert(i, words[i])
        if len(words) > 2 and rng.random() < 0.5:
            i = rng.randrange(len(words) - 1)
            words[i], words[i + 1] = words[i + 1], words[i]
    return " ".join(words)


def metric_fixture(rng, texts):
    pool = [t for t in dict.fromkeys(texts) if t.strip()]
    refs = rng.sample(pool, 360)
    hyps = rng.sample(pool, 300)
    main_refs = refs[:300]
    main_hyps = hyps
    for ref in refs[300:350]:
        main_hyps.append(perturbed(rng, ref))
        main_refs.append(ref)
    edge = [("", refs[350]), ("Okay", "Okay, that sounds good."), ("yes", "no"), (refs[351], refs[351]),
            (refs[352], refs[352]), ("abc def ghi", "jkl mno pqr"), ("Thanks!", "Thank you so much!")]
    main_hyps += [h for h, _ in edge]
    main_refs += [r for _, r in edge]
    corpora = [
        corpus_case("esconv_pairs", main_hyps, main_refs),
        corpus_case("empty_hypothesis", [""], ["I am here for you."]),
        corpus_case("empty_and_normal", ["", refs[353]], [refs[354], refs[353]]),
        corpus_case("one_word", ["Okay", "Yes."], ["Okay, that sounds good.", "Yes"]),
        corpus_case("one_word_no_match", ["hello"], ["goodbye"]),
        corpus_case("identical", refs[355:360], refs[355:360]),
        corpus_case("identical_one_word", ["wow"], ["wow"]),
        corpus_case("no_overlap", ["abc def ghi"], ["jkl mno pqr"]),
        corpus_case("empty_reference", ["hello there friend"], [""]),
        corpus_case("both_empty", [""], [""]),
        corpus_case("repetition", ["the the the the the"], ["the cat sat on the mat"]),
        corpus_case("punctuation_only", ["...", "?"], ["!!!", "?"]),
        corpus_case("short_hypotheses", ["I see.", "That is hard."],
                    ["I see what you mean, that must be really hard for you.", "That is hard to deal with every day."]),
        corpus_case("long_hypotheses", ["I understand how you feel, it is really hard to lose a job you love so much."],
                    ["I understand."]),
        corpus_case("all_one_word", ["yes", "no", "ok"], ["yes", "no", "fine"]),
        corpus_case("unicode", ["Café naïve — “quoted” it’s fine.", "ΟΔΟΣ ΚΑΛΗ"], ["cafe naive “quoted” it's fine", "οδος καλη"]),
        corpus_case("two_sentences", ["I hear you. Dr. Smith can help. Have you tried?"],
                    ["Have you tried talking to Dr. Smith? I hear you."]),
    ]

    labels = [rng.randrange(8) for _ in range(200)]
    preds = [l if rng.random() < 0.35 else rng.randrange(8) for l in labels]
    top3 = []
    for l, p in zip(labels, preds):
        others = [c for c in range(8) if c != p]
        rng.shuffle(others)
        top3.append([p] + others[:2])
    kk, vv, v3 = np.array(labels), np.array(preds), np.array(top3)
    classification = {
        "labels": labels, "predictions": preds, "top3": top3,
        "accuracy": float(np.mean(kk == vv)),
        "top1_accuracy": float(np.mean(np.sum((kk.reshape(-1, 1) - vv.reshape(-1, 1)) == 0, axis=-1) != 0)),
        "top3_accuracy": float(np.mean(np.sum((kk.reshape(-1, 1) - v3) == 0, axis=-1) != 0)),
    }

    nll = [rng.uniform(0.5, 80.0) for _ in range(50)]
    counts = [rng.randint(1, 40) for _ in range(50)]
    perplexity = {
        "nll_sums": nll, "token_counts": counts,
        "perplexity": float(np.exp(np.sum(nll) / np.sum(counts))),
        "sample_perplexities": [float(np.exp(l / c)) for l, c in zip(nll, counts)],
    }
    fixture = {"nltk_version": nltk.__version__, "vocabulary_size": VOCAB_SIZE, "corpora": corpora,
               "classification": classification, "perplexity": perplexity}
    with open(os.path.join(OUT, "metric_cases.json"), "w", encoding="utf-8") as f:
        json.dump(fixture, f, ensure_ascii=False, indent=0)
    print(f"metric_cases.json: {len(corpora)} corpora, {sum(len(c['hypotheses']) for c in corpora)} pairs")


def main():
    where = nltk.data.find("tokenizers/punkt_tab/english/")
    print(f"nltk {nltk.__version__}, Punkt tables at {where}")
    os.makedirs(OUT, exist_ok=True)
    texts = esconv_utterances()
    esconv_fixture(texts)
    tricky_fixture(random.Random(7))
    metric_fixture(random.Random(2023), texts)


if __name__ == "__main__":
    sys.exit(main())
