// Annotation (PAL-SPEC §1, §3): persona_list entries inferred afresh from seeker utterances 1…k+3,
// the corrected and the reference post-filter on crafted generations (the expected lists are what
// the reference's filter_persona returns in Python), decoding settings taken from the checkpoint's
// config, the in-domain pairs made from PAL's validation conversations only, and the copy stage's
// pairs made from its train conversations only.
import Evaluation
import Foundation
import Models
import PAL
import PythonSemantics
import TextData
import XCTest

final class AnnotatorTests: XCTestCase {
    /// A conversation whose seeker says "u1" … "u<seekerTurns>", each answered by the supporter.
    static func conversation(seekerTurns: Int, tag: String = "", personaList: [String]? = nil) -> Conversation {
        let turns = (1...seekerTurns).flatMap { n in
            [Turn(speaker: .seeker, text: "\(tag)u\(n)"), Turn(speaker: .supporter, text: "reply \(n)", strategy: .question)]
        }
        return Conversation(emotionType: "sadness", problemType: "job crisis", situation: "situation \(tag)", turns: turns,
                            personaList: personaList)
    }

    // MARK: - Fresh entries

    func testEachEntryIsInferredAfreshFromItsOwnInput() {
        let conversation = Self.conversation(seekerTurns: 5)
        var inputs: [String] = []
        // A fake extractor: an input of n utterances gives "s<n>", and the first one also "early".
        let annotated = Annotator.annotate([conversation]) { sources in
            inputs = sources
            return sources.map { source in
                let n = source.components(separatedBy: " <sep> ").count
                return n == 3 ? ["s3", "early"] : ["s\(n)"]
            }
        }
        XCTAssertEqual(inputs, ["u1 <sep> u2 <sep> u3", "u1 <sep> u2 <sep> u3 <sep> u4", "u1 <sep> u2 <sep> u3 <sep> u4 <sep> u5"],
                       "entry k reads seeker utterances 1…k+3 (only the seeker's), and `persona` all of them")
        XCTAssertEqual(annotated[0].personaList, ["<persona> s3 <persona> early <input>", "<persona> s4 <input>", "<persona> s5 <input>"],
                       "nothing carries over from an earlier entry")
        XCTAssertEqual(annotated[0].persona, "<persona> s5 <input>")
        let empty = Annotator.annotate([conversation]) { $0.map { _ in [] } }
        XCTAssertEqual(empty[0].personaList, ["<input>", "<input>", "<input>"])
        XCTAssertEqual(Annotator.annotate([Self.conversation(seekerTurns: 2)]) { $0.map { _ in ["x y"] } }[0].personaList, [],
                       "the first two seeker turns have no entry")
    }

    // MARK: - The post-filter

    func testCorrectedFilterChecksEverySentenceOnNormalisedText() {
        let generated = "</s><s> i like dogs. <persona> my favorite color is blue. <persona> my favorite band is x. <persona> hi <persona> i have a cat.</s>"
        XCTAssertEqual(Annotator.filteredSentences(generated, filter: .corrected), ["i like dogs.", "i have a cat."])
        XCTAssertEqual(Annotator.filteredSentences(" My Favorite Band rocks <persona>  i   am tall <pad>", filter: .corrected), ["i am tall"],
                       "case-insensitive phrases; whitespace normalised")
    }

    func testReferenceFilterSkipsTheSentenceAfterARemovedOne() {
        // Python: [' i like dogs. ', ' my favorite band is x. ', ' hi ', ' i have a cat.']: the band
        // sentence follows the removed colour one and is never checked; " hi " is 3 words to split(' ').
        let generated = "</s><s> i like dogs. <persona> my favorite color is blue. <persona> my favorite band is x. <persona> hi <persona> i have a cat.</s>"
        XCTAssertEqual(Annotator.filteredSentences(generated, filter: .reference), ["i like dogs.", "my favorite band is x.", "hi", "i have a cat."])
        // Python: ['two words']: "one" is removed, so "two words" is skipped, then "three" removed.
        XCTAssertEqual(Annotator.filteredSentences("<s>one<persona>two words<persona>three</s>", filter: .reference), ["two words"])
        XCTAssertEqual(Annotator.filteredSentences("<s>one<persona>two words<persona>three</s>", filter: .corrected), ["two words"])
    }

    func testReferenceFilterCountsWordsOnUnstrippedSegments() {
        let w24 = Array(repeating: "w", count: 24).joined(separator: " "), v25 = Array(repeating: "v", count: 25).joined(separator: " ")
        // Python: [w24]: " w24 " splits into 26 → removed; the bare w24 after it is skipped; " v25" is 26 → removed.
        let long = "<s> \(w24) <persona>\(w24)<persona> \(v25)</s>"
        XCTAssertEqual(Annotator.filteredSentences(long, filter: .reference), [w24])
        XCTAssertEqual(Annotator.filteredSentences(long, filter: .corrected), [w24, w24, v25], "24 and 25 words are within 2…25")
        // Python: [' ok ', 'i am tall']: "ok" alone is 1 word, " ok " is 3 to split(' ').
        XCTAssertEqual(Annotator.filteredSentences("<s>ok<persona> ok <persona>i am tall</s>", filter: .reference), ["ok", "i am tall"])
        XCTAssertEqual(Annotator.filteredSentences("<s>ok<persona> ok <persona>i am tall</s>", filter: .corrected), ["i am tall"])
    }

    func testReferenceFilterRemovesTheFirstEqualItem() {
        // Python: [' i am a nurse. ', ' my favorite band is x. ', ' yes']: the empty first segment is
        // removed (the band after it skipped); the second band sentence's `remove` deletes the first
        // one, and the loop ends before " yes" (1 word) is checked.
        let generated = "<persona> my favorite band is x. <persona> i am a nurse. <persona> my favorite band is x. <persona> yes</s><pad><pad>"
        XCTAssertEqual(Annotator.filteredSentences(generated, filter: .reference), ["i am a nurse.", "my favorite band is x.", "yes"])
        XCTAssertEqual(Annotator.filteredSentences(generated, filter: .corrected), ["i am a nurse."])
    }

    // MARK: - Decoding settings

    func testDecodingUsesTheCheckpointsGenerationSettingsPlusTheBeam() throws {
        // bart-large-cnn's config.json carries its decoding settings beside the model keys.
        let json = #"{"model_type": "bart", "vocab_size": 50, "d_model": 8, "encoder_layers": 1, "decoder_layers": 1, "encoder_attention_heads": 2,"#
            + #" "decoder_attention_heads": 2, "encoder_ffn_dim": 16, "decoder_ffn_dim": 16, "max_position_embeddings": 130, "min_length": 56,"#
            + #" "max_length": 142, "no_repeat_ngram_size": 3, "length_penalty": 2.0, "num_beams": 4, "early_stopping": true, "forced_bos_token_id": 0}"#
        let config = try Seq2SeqConfig.decode(json: Data(json.utf8))
        let carried = try XCTUnwrap(config.generation)
        XCTAssertEqual([carried.minLength, carried.maxLength, carried.noRepeatNgramSize, carried.numBeams], [56, 142, 3, 4])
        XCTAssertNil(carried.eosTokenId, "token ids stay the model's own")
        let again = try Seq2SeqConfig.decode(json: Data(config.jsonString().utf8))
        XCTAssertEqual(again, config, "the settings survive a checkpoint's config round trip")

        let decoding = try Annotator.referenceDecoding(for: config, beams: 10, maxLength: 128)
        XCTAssertEqual([decoding.numBeams, decoding.maxLength, decoding.minLength, decoding.noRepeatNgramSize], [10, 128, 56, 3])
        XCTAssertEqual(decoding.lengthPenalty, 2)
        XCTAssertEqual(decoding.earlyStopping, .true)
        XCTAssertEqual(decoding.forcedBosTokenId, 0)

        // A from-scratch model carries none: HF's defaults, then the beam and length.
        var scratch = config
        scratch.generation = nil
        XCTAssertFalse(try scratch.jsonString().contains("min_length"))
        XCTAssertNil(try Seq2SeqConfig.decode(json: Data(scratch.jsonString().utf8)).generation, "token ids alone are no generation settings")
        let plain = try Annotator.referenceDecoding(for: scratch, beams: 3, maxLength: 40)
        XCTAssertEqual([plain.numBeams, plain.maxLength, plain.minLength, plain.noRepeatNgramSize], [3, 40, 0, 0])
        XCTAssertEqual(plain.lengthPenalty, 1)

        // Overrides (`paltrain annotate --generation key=value`) change the checkpoint's settings first.
        let tuned = try Annotator.referenceDecoding(for: scratch, beams: 4, maxLength: 60, overrides: ["no_repeat_ngram_size": 3, "length_penalty": 1.5])
        XCTAssertEqual([tuned.numBeams, tuned.maxLength, tuned.noRepeatNgramSize], [4, 60, 3])
        XCTAssertEqual(tuned.lengthPenalty, 1.5)
        XCTAssertEqual(try Annotator.referenceDecoding(for: config, beams: 1, maxLength: 20, overrides: ["min_length": 0]).minLength, 0)
        XCTAssertThrowsError(try Annotator.referenceDecoding(for: scratch, beams: 1, maxLength: 20, overrides: ["no_repeat": 3])) {
            XCTAssertTrue("\($0)".contains("unknown generation key no_repeat"), "\($0)")
        }
        XCTAssertThrowsError(try Annotator.referenceDecoding(for: scratch, beams: 1, maxLength: 20, overrides: ["num_beams": 3]), "--beams sets it")
        XCTAssertThrowsError(try Annotator.referenceDecoding(for: scratch, beams: 1, maxLength: 20, overrides: ["top_p": 2.0]), "checked as a file is")
        // Beams the vocabulary cannot feed, and lengths with no room to generate, are refused before any decoding.
        XCTAssertThrowsError(try Annotator.referenceDecoding(for: scratch, beams: scratch.vocabSize, maxLength: 20)) {
            XCTAssertTrue("\($0)".contains("--beams: \(scratch.vocabSize) beams: expected 1 to \(scratch.vocabSize / 2)"), "\($0)")
        }
        XCTAssertThrowsError(try Annotator.referenceDecoding(for: scratch, beams: 0, maxLength: 20))
        XCTAssertThrowsError(try Annotator.referenceDecoding(for: scratch, beams: 1, maxLength: 1)) { XCTAssertTrue("\($0)".contains("--max-length: 1"), "\($0)") }
    }

    // MARK: - In-domain pairs

    func testInDomainPairsComeFromValidationConversationsOnly() {
        // 30 conversations, every one annotated (as the published file annotates valid and test).
        let conversations = (0..<30).map { i in
            Self.conversation(seekerTurns: 4, tag: "c\(i)-", personaList: ["<persona> p\(i)a. <persona> p\(i)b. <input>", "<persona><input>"])
        }
        let split = DataSplit.pal(count: conversations.count)
        XCTAssertFalse(split.test.isEmpty)
        let pairs = ExtractorPairs.publishedValidation(conversations, split: split, holdoutEvery: 3)
        let all = pairs.train + pairs.valid
        XCTAssertEqual(Set(all.map(\.dialogue)), Set(split.valid), "every validation conversation, nothing else")
        XCTAssertTrue(Set(all.map(\.dialogue)).isDisjoint(with: split.test), "never a test conversation")
        for index in split.test {
            XCTAssertFalse(all.contains { $0.source.hasPrefix("c\(index)-") }, "no source text from test conversation \(index)")
        }
        XCTAssertEqual(all.count, 2 * split.valid.count, "one pair per persona_list entry")
        XCTAssertEqual(Set(pairs.valid.map(\.dialogue)), Set(split.valid.enumerated().filter { $0.offset % 3 == 0 }.map(\.element)),
                       "every 3rd validation conversation held out, whole")
        let first = split.valid[1]
        let pair = pairs.train.first { $0.dialogue == first }
        XCTAssertEqual(pair?.source, "c\(first)-u1 <sep> c\(first)-u2 <sep> c\(first)-u3", "entry 0 reads seeker utterances 1…3")
        XCTAssertEqual(pair?.target, "p\(first)a. <persona> p\(first)b.")
        XCTAssertEqual(pairs.train.last { $0.dialogue == first }?.target, "", "an entry with no sentence: an empty target")
    }

    func testInDomainStageOnTheInstalledDataNeverReadsATestConversation() throws {
        let data = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("data")
        guard FileManager.default.fileExists(atPath: data.appendingPathComponent("pesconv/test.txt").path) else {
            throw XCTSkip("no installed data: run `make data`")
        }
        let corpus = try ESConvCorpus.load(data: data)
        let split = DataSplit.pal(count: corpus.conversations.count)
        let pairs = ExtractorPairs.publishedValidation(corpus.conversations, split: split)
        XCTAssertEqual(Set((pairs.train + pairs.valid).map(\.dialogue)), Set(split.valid))
        XCTAssertEqual(pairs.train.count + pairs.valid.count, 3507, "every published entry of PAL's 260 validation conversations")
        // No source may be the seeker text of a test conversation (ESConv has no duplicate openings across parts).
        let testOpenings = Set(split.test.map { ExtractorPairs.seekerSource(corpus.conversations[$0], firstSeekerTurns: 3) })
        XCTAssertFalse((pairs.train + pairs.valid).contains { testOpenings.contains(String($0.source)) })
        let testSources = Set(split.test.flatMap { i in (3...max(3, corpus.conversations[i].seekerTurnCount)).map {
            ExtractorPairs.seekerSource(corpus.conversations[i], firstSeekerTurns: $0) } })
        XCTAssertTrue(Set((pairs.train + pairs.valid).map(\.source)).isDisjoint(with: testSources))
    }

    // MARK: - Copy pairs

    func testCopyPairsAreTheSeekersFirstPersonSentencesOfTrainConversations() throws {
        let data = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("data")
        guard FileManager.default.fileExists(atPath: data.appendingPathComponent("esconv/train.json").path) else {
            throw XCTSkip("no installed data: run `make data`")
        }
        let nltk = try NLTKTokenizer(nltkData: data.appendingPathComponent("nltk_data"))
        // Crafted: the third seeker turn gives the first entry, from utterances 1…3.
        let turns = ["Hi there.", "I lost my job. It is raining today.", "My wife left me!", "What should I do?"].flatMap {
            [Turn(speaker: .seeker, text: $0), Turn(speaker: .supporter, text: "I see.", strategy: .question)]
        }
        let crafted = Conversation(emotionType: "sadness", problemType: "job crisis", situation: "s", turns: turns)
        let one = StageData.copyPairs([crafted], split: DataSplit.pal(count: 1), tokenizer: nltk)  // one conversation: train
        XCTAssertEqual(one.train.map(\.source), ["Hi there. <sep> I lost my job. It is raining today. <sep> My wife left me!",
                                                "Hi there. <sep> I lost my job. It is raining today. <sep> My wife left me! <sep> What should I do?"])
        XCTAssertEqual(one.train.map(\.target), ["i lost my job. <persona> my wife left me!",
                                                "i lost my job. <persona> my wife left me! <persona> what should i do?"])

        // The installed data: train pairs from PAL's train conversations, validation pairs from its
        // validation conversations, never a test conversation; every target sentence is in its source.
        let corpus = try ESConvCorpus.load(data: data)
        let split = DataSplit.pal(count: corpus.conversations.count)
        let pairs = StageData.copyPairs(corpus.conversations, split: split, tokenizer: nltk)
        XCTAssertEqual(Set(pairs.train.map(\.dialogue)).subtracting(split.train), [])
        XCTAssertEqual(Set(pairs.valid.map(\.dialogue)).subtracting(split.valid), [])
        XCTAssertEqual(pairs.train.count, 12069, "one pair per seeker turn from the 3rd of PAL's 910 train conversations")
        for pair in pairs.train.prefix(500) {
            let source = PythonText.lowercased(pair.source)
            for sentence in pair.target.components(separatedBy: ExtractorPairs.personaSeparator) where !sentence.isEmpty {
                XCTAssertTrue(source.contains(sentence) || normalizeWhitespace(source).contains(sentence), "\(sentence) not in \(source)")
            }
        }
    }
}
