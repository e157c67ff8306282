// Every training stage end to end on the real data with the small recipes cut short: extractor →
// annotate → PAL and Joint; validation loss falls, best.h5 holds the lowest validation loss of
// the log, evaluation reads examples cut as training cut them, the PESConv file is accepted by
// the reader with seeker turns − 2 entries, and a run interrupted by SIGINT, or killed with SIGKILL
// after a periodic save, and resumed ends with the weights and the log of an uninterrupted run.
import Checkpoint
import Foundation
import PAL
import TextData
import XCTest

final class TrainingPipelineTests: XCTestCase {
    private let cli = CLI()
    private static let work = FileManager.default.temporaryDirectory.appendingPathComponent("paltrain-pipeline-\(getpid())")

    override class func tearDown() {
        try? FileManager.default.removeItem(at: work)
        super.tearDown()
    }

    private func folder(_ name: String) -> String { Self.work.appendingPathComponent(name).path }

    /// Validation losses of a run's log, in order.
    private func validationLosses(_ run: String) throws -> [Double] {
        try String(contentsOfFile: run + "/log.jsonl", encoding: .utf8).split(separator: "\n").compactMap {
            (try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])?["valid_loss"] as? Double
        }
    }

    /// Waits (at most 2 minutes) until the run in `run` has logged `count` training steps.
    private func waitForLoggedSteps(_ count: Int, in run: String) {
        let deadline = Date().addingTimeInterval(120)
        while Date() < deadline {
            let lines = (try? String(contentsOfFile: run + "/log.jsonl", encoding: .utf8))?.split(separator: "\n") ?? []
            if lines.filter({ $0.contains("\"loss\"") }).count >= count { return }
            usleep(5_000)
        }
    }

    /// Both runs' last.h5 are at `step` with bit-identical weights.
    private func assertSameLastWeights(_ a: String, _ b: String, step: Int, file: StaticString = #filePath, line: UInt = #line) throws {
        let x = try CheckpointFile.read(from: URL(fileURLWithPath: a + "/last.h5")), y = try CheckpointFile.read(from: URL(fileURLWithPath: b + "/last.h5"))
        XCTAssertEqual([x.training?.step, y.training?.step], [step, step], file: file, line: line)
        for ((name, p), (_, q)) in zip(x.tensors, y.tensors) {
            XCTAssertEqual(p.toArray(), q.toArray(), "\(name) differs between \(a) and \(b)", file: file, line: line)
        }
    }

    private func assertLearned(_ run: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let losses = try validationLosses(run)
        XCTAssertGreaterThanOrEqual(losses.count, 2, "validated before and after training", file: file, line: line)
        XCTAssertLessThan(losses.last!, losses.first!, "\(run): validation loss after training below the loss at initialisation", file: file, line: line)
        let best = try XCTUnwrap(CheckpointFile.read(from: URL(fileURLWithPath: run + "/best.h5")).training?.bestValidationLoss)
        XCTAssertEqual(best, losses.min()!, accuracy: 1e-12, "best.h5 holds the lowest validation loss in the log", file: file, line: line)
        XCTAssertTrue(FileManager.default.fileExists(atPath: run + "/loss.svg"), file: file, line: line)
    }

    /// pal-small trains on histories cut to 128 tokens and targets to 32 with a 160-entry position
    /// table: the checkpoint records those lengths, and a model loaded for evaluation encodes the
    /// validation examples exactly as training did (it once read up to 160 tokens, or 512 for a
    /// 512-entry table, at positions it never learned).
    private func assertEvaluationReadsAsTrainingDid(_ checkpoint: String, pesconv: String, file: StaticString = #filePath, line: UInt = #line) throws {
        var recipe = try Recipe.load(CLI.root.appendingPathComponent("recipes/pal-small.yaml"))
        recipe.data.folder = CLI.root.appendingPathComponent("data").path
        recipe.data.pesconv = pesconv
        recipe.data.validLimit = 20
        let dialogue = try DialogueModel(checkpoint: checkpoint, data: URL(fileURLWithPath: recipe.data.folder))
        XCTAssertEqual(dialogue.lengths.limits, EncodingLimits(maxInputLength: 128, maxDecoderLength: 32, maxPersonaLength: 128), file: file, line: line)
        XCTAssertEqual(dialogue.model.config.maxPositionEmbeddings, 160, file: file, line: line)
        let trained = try StageData.dialogue(recipe, tokenizer: dialogue.tokenizer).valid
        let byTurn = Dictionary(trained.map { ([$0.conversation, $0.turn], $0) }, uniquingKeysWith: { first, _ in first })
        let split = EvaluationSplit(data: URL(fileURLWithPath: recipe.data.folder), pesconv: pesconv, name: "valid", seed: recipe.data.splitSeed, limit: 0)
        let examples = try split.examples(of: split.conversations().conversations, persona: .true).filter { byTurn[[$0.conversation, $0.turn]] != nil }
        XCTAssertEqual(examples.count, trained.count, file: file, line: line)
        let encoded = try examples.map { try dialogue.encode($0, place: "valid") }
        XCTAssertEqual(encoded, examples.map { byTurn[[$0.conversation, $0.turn]]! }, "evaluation encodes as training did", file: file, line: line)
        XCTAssertTrue(encoded.contains { $0.inputIds.count == 128 } && encoded.contains { $0.labels.count == 33 },
                      "some histories and targets are long enough to be cut", file: file, line: line)
    }

    func testDataExportWritesTheExamplesInBatchOrder() throws {
        let file = folder("export.json")
        let r = try cli.run(["data", "export", "--recipe", "recipes/pal-small.yaml", "--variant", "joint", "--set", "data.train_limit=6",
                             "--set", "data.valid_limit=2", "--set", "training.epochs=2", "-o", file])
        XCTAssertEqual(r.status, 0, r.err)
        let export = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: file))) as? [String: Any])
        let train = try XCTUnwrap(export["train"] as? [[String: Any]]), epochs = try XCTUnwrap(export["train_batches"] as? [[[Int]]])
        XCTAssertEqual(epochs.count, 2)
        for epoch in epochs { XCTAssertEqual(epoch.flatMap { $0 }.sorted(), Array(train.indices), "every example once per epoch") }
        XCTAssertEqual((export["strategy_token_ids"] as? [Int])?.count, 8)
        XCTAssertEqual(export["total_steps"] as? Int, epochs.reduce(0) { $0 + $1.count })
        let first = try XCTUnwrap(train.first)
        XCTAssertEqual((first["labels"] as? [Int])?.first, (export["strategy_token_ids"] as? [Int])?[first["strategy"] as! Int],
                       "the first label is the example's strategy token")
    }

    func testExtractorAnnotateThenPALAndJoint() throws {
        let extractor = folder("extractor")
        let trained = try cli.run(["extractor", "--max-steps", "60", "--output", extractor, "--set", "data.valid_limit=40",
                                   "--set", "training.warmup_steps=10"])
        XCTAssertEqual(trained.status, 0, trained.err)
        try assertLearned(extractor)

        let pesconv = folder("pesconv.json")
        let annotated = try cli.run(["annotate", "--extractor", extractor + "/best.h5", "-o", pesconv, "--max-length", "12", "--beams", "1"])
        XCTAssertEqual(annotated.status, 0, annotated.err)
        XCTAssertTrue(annotated.out.contains("overall"), annotated.out)
        // The reader's strict policy checks persona_list against the seeker turns of every conversation.
        let read = try ESConvReader(personaListPolicy: .strict).read(URL(fileURLWithPath: pesconv))
        XCTAssertEqual(read.conversations.count, 1300)
        for c in read.conversations { XCTAssertEqual(c.personaList?.count, max(0, c.seekerTurnCount - 2)) }

        for variant in ["pal", "joint"] {
            let run = folder(variant)
            let r = try cli.run(["pal", "--variant", variant, "--max-steps", "40", "--output", run, "--set", "data.pesconv=\(pesconv)",
                                 "--set", "data.train_limit=200", "--set", "data.valid_limit=20", "--set", "training.warmup_steps=10",
                                 "--set", "training.validate_before_training=true"])
            XCTAssertEqual(r.status, 0, r.err)
            try assertLearned(run)
        }
        try assertEvaluationReadsAsTrainingDid(folder("pal") + "/best.h5", pesconv: pesconv)
        // The paper's automatic evaluation: PAL with and without strategy-based control, and Joint, over two seeds.
        let evaluated = try cli.run(["eval", folder("pal") + "/best.h5", folder("joint") + "/best.h5", "--alpha", "paper", "--alpha", "none",
                                     "--seeds", "1,2", "--pesconv", pesconv, "--limit", "24", "--output", folder("test")])
        XCTAssertEqual(evaluated.status, 0, evaluated.err)
        XCTAssertTrue(evaluated.out.contains("| Model            | ACC   | PPL"), evaluated.out)
        XCTAssertTrue(evaluated.out.contains(" ± "), "several seeds: mean ± standard deviation\n\(evaluated.out)")
        XCTAssertTrue(evaluated.out.contains("test examples; input 128 tokens, decoder 32 (as trained); "), evaluated.out)
        let summary = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: folder("test") + "/metrics.json"))) as? [String: Any])
        let rows = try XCTUnwrap(summary["rows"] as? [[String: Any]])
        XCTAssertEqual(rows.map { $0["model"] as? String }, ["PAL", "PAL (α = 0)", "Blenderbot-Joint"])
        XCTAssertEqual(summary["examples"] as? Int, 24)
        for row in rows {
            for key in ["ACC", "PPL", "B-2", "B-4", "D-1", "D-2", "E-1", "E-2", "R-L"] { XCTAssertNotNil(row[key] as? Double, key) }
            let topN = try XCTUnwrap(row["top_n_ACC"] as? [Double])
            XCTAssertEqual(topN.count, 8)
            XCTAssertEqual(topN, topN.sorted(), "top-n accuracy grows with n")
            XCTAssertEqual(topN[7], 100, "the gold strategy is always among all 8")
            XCTAssertEqual((row["per_seed"] as? [[String: Any]])?.count, 2)
        }
        XCTAssertEqual(rows[0]["PPL"] as? Double, rows[1]["PPL"] as? Double, "α changes generation, not teacher-forced scores")
        // Per-word perplexity divides the same summed NLL by the targets' words instead of their tokens: with one
        // tokenizer and one set of targets, log PPL per word / log PPL (= tokens / words) is the same for every model.
        let tokensPerWord = try rows.map { log(try XCTUnwrap($0["PPL_per_word"] as? Double)) / log(try XCTUnwrap($0["PPL"] as? Double)) }
        XCTAssertEqual(tokensPerWord[0], tokensPerWord[2], accuracy: 1e-9)
        XCTAssertNotEqual(tokensPerWord[0], 1, accuracy: 1e-3, "byte-level BPE tokens are not nltk words")
        let generations = try String(contentsOfFile: folder("test") + "/generations-1-pal-seed1.jsonl", encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(generations.count, 24)
        XCTAssertTrue(FileManager.default.fileExists(atPath: folder("test") + "/generations-2-pal-alpha-0-seed2.jsonl"))
        XCTAssertTrue(try String(contentsOfFile: folder("test") + "/table.md", encoding: .utf8).hasPrefix("semantics: paltrain"))
        let semantics = try XCTUnwrap(summary["semantics"] as? [String: Any])
        XCTAssertEqual(semantics["turns"] as? String, "every-supporter-turn")
        XCTAssertEqual(semantics["ppl_tokens"] as? String, "full")
        XCTAssertEqual(semantics["cos_sim_examples"] as? String, "with-persona")
        // Each row's ACC is the accuracy of the strategies it generates: the same contrasted first step.
        for row in rows { XCTAssertEqual(try XCTUnwrap(row["generation_ACC"] as? Double), try XCTUnwrap(row["ACC"] as? Double), accuracy: 100.0 / 24 + 1e-9) }
        XCTAssertEqual(rows.map { $0["strategy_step_alpha"] as? Double }, [0.075, 0, 0].map { Double(Float($0)) })

        // --reference: the released code's semantics, above the table and in metrics.json; an explicit option overrides one.
        let reference = try cli.run(["eval", folder("pal") + "/best.h5", "--reference", "--alpha", "reference", "--alpha", "none", "--ppl-tokens", "20",
                                     "--seeds", "1", "--pesconv", pesconv, "--limit", "24", "--output", folder("reference")])
        XCTAssertEqual(reference.status, 0, reference.err)
        XCTAssertTrue(reference.out.hasPrefix("semantics: reference"), reference.out)
        let referenceSummary = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: folder("reference") + "/metrics.json"))) as? [String: Any])
        let referenceSemantics = try XCTUnwrap(referenceSummary["semantics"] as? [String: Any])
        XCTAssertEqual(referenceSemantics["name"] as? String, "reference")
        XCTAssertEqual(referenceSemantics["turns"] as? String, "after-seeker-turn")
        XCTAssertEqual(referenceSemantics["ppl_tokens"] as? String, "20", "the explicit option wins over --reference's 16")
        XCTAssertEqual(referenceSemantics["distinct_count"] as? String, "reference")
        XCTAssertEqual(referenceSemantics["cos_sim_examples"] as? String, "every")
        let referenceRows = try XCTUnwrap(referenceSummary["rows"] as? [[String: Any]])
        XCTAssertEqual(referenceRows.map { $0["model"] as? String }, ["PAL (α as released)", "PAL (α = 0)"])
        XCTAssertEqual(referenceRows[0]["PPL"] as? Double, referenceRows[1]["PPL"] as? Double, "PAL and PAL (α = 0) share PPL, not necessarily ACC")
        XCTAssertNotEqual(referenceRows[0]["PPL"] as? Double, rows[0]["PPL"] as? Double, "other examples and a cut target: another PPL")
        XCTAssertNil(referenceRows[0]["PPL_per_word"], "a target cut to 20 tokens has no word count")

        // Export to a HuggingFace folder and import it back: the same scores.
        let exported = try cli.run(["export", folder("pal") + "/best.h5", "-o", folder("hf")])
        XCTAssertEqual(exported.status, 0, exported.err)
        let imported = try cli.run(["import", folder("hf"), "-o", folder("reimported.h5")])
        XCTAssertEqual(imported.status, 0, imported.err)
        XCTAssertTrue(imported.out.contains("format pal"), imported.out)
        let roundTrip = try cli.run(["eval", folder("reimported.h5"), "--alpha", "none", "--no-generate", "--pesconv", pesconv, "--limit", "24",
                                     "--output", folder("reimported")])
        XCTAssertEqual(roundTrip.status, 0, roundTrip.err)
        let roundTripRows = try XCTUnwrap((JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: folder("reimported") + "/metrics.json"))) as? [String: Any])?["rows"] as? [[String: Any]])
        XCTAssertEqual(roundTripRows[0]["PPL"] as? Double, rows[1]["PPL"] as? Double, "the re-imported export scores as the checkpoint did")

        // Whether PAL uses the persona: teacher-forced scores with the published personas, then with
        // another conversation's, pooled over checkpoints (the same one twice here, so the spread is 0).
        // The published personas, since a 60-step extractor writes one sentence for everyone.
        func forcedRows(_ condition: String) throws -> (out: String, rows: [[String: Any]]) {
            let r = try cli.run(["eval", folder("pal") + "/best.h5", folder("pal") + "/best.h5", "--pool", "--no-generate",
                                 "--persona", condition, "--limit", "24", "--output", folder(condition)])
            XCTAssertEqual(r.status, 0, r.err)
            let metrics = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: folder(condition) + "/metrics.json")))
            return (r.out, try XCTUnwrap((metrics as? [String: Any])?["rows"] as? [[String: Any]]))
        }
        let own = try forcedRows("true"), shuffled = try forcedRows("shuffled")
        XCTAssertEqual(shuffled.rows.map { $0["model"] as? String }, ["PAL [shuffled persona]"], shuffled.out)
        XCTAssertEqual((shuffled.rows[0]["per_checkpoint"] as? [Any])?.count, 2)
        XCTAssertNotEqual(shuffled.rows[0]["PPL"] as? Double, own.rows[0]["PPL"] as? Double, "another persona changes PAL's perplexity")
        XCTAssertTrue(shuffled.out.contains("n/a"), "no generation: the generated columns are n/a\n\(shuffled.out)")
        // The paired per-example test: a checkpoint given twice makes a mean row equal to its own rows
        // (the same bootstrap draws for both); Joint, which reads no persona, is refused.
        let paired = try cli.run(["persona-test", folder("pal") + "/best.h5", folder("pal") + "/best.h5", "--limit", "60", "--resamples", "200",
                                  "--output", folder("persona-test")])
        XCTAssertEqual(paired.status, 0, paired.err)
        let pairedMetrics = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: folder("persona-test") + "/metrics.json"))) as? [String: Any])
        let pairedRows = try XCTUnwrap(pairedMetrics["rows"] as? [[String: Any]])
        XCTAssertEqual(pairedRows.map { $0["checkpoint"] as? String }, [folder("pal") + "/best.h5", folder("pal") + "/best.h5", "mean of 2"])
        XCTAssertLessThan(try XCTUnwrap(pairedMetrics["examples_with_persona"] as? Int), 60, "the first turns of a conversation have no persona yet")
        for key in ["PPL_own", "PPL_shuffled", "PPL_none", "own_better_shuffled"] {
            XCTAssertEqual(pairedRows[2][key] as? Double, pairedRows[0][key] as? Double, key)
        }
        XCTAssertEqual(pairedRows[2]["delta_none"] as? [String: Double], pairedRows[0]["delta_none"] as? [String: Double])
        XCTAssertNotEqual(pairedRows[0]["PPL_shuffled"] as? Double, pairedRows[0]["PPL_own"] as? Double, "another persona changes PAL's likelihood")
        XCTAssertTrue(paired.out.contains("another conversation's persona (mean of 2): "), paired.out)
        let joint = try cli.run(["persona-test", folder("joint") + "/best.h5", "--limit", "24"])
        XCTAssertNotEqual(joint.status, 0)
        XCTAssertTrue(joint.err.contains("a Blenderbot-Joint model reads no persona"), joint.err)
        // Pooled generation keeps every checkpoint's file.
        let pooledGeneration = try cli.run(["eval", folder("pal") + "/best.h5", folder("pal") + "/best.h5", "--pool", "--alpha", "none",
                                            "--limit", "4", "--output", folder("pooled")])
        XCTAssertEqual(pooledGeneration.status, 0, pooledGeneration.err)
        for j in 1...2 {
            XCTAssertTrue(FileManager.default.fileExists(atPath: folder("pooled") + "/generations-1-pal-alpha-0-checkpoint\(j)-seed13.jsonl"), pooledGeneration.out)
        }

        // A chat through a pipe: replies each turn, the persona shown from the 3rd seeker message on,
        // and crisis language answered with the fixed reply, never a generated one.
        let messages = ["I have been feeling really down lately.", "My job is stressful and my boss yells at me.",
                        "I am a nurse and I work night shifts.", "Sometimes I think about killing myself.", "/quit"]
        let chat = try cli.run(["chat", folder("pal") + "/best.h5", "--extractor", extractor + "/best.h5", "--transcript", folder("chat.jsonl")],
                               input: messages.joined(separator: "\n") + "\n")
        XCTAssertEqual(chat.status, 0, chat.err)
        let said = chat.out.components(separatedBy: "\n")
        XCTAssertEqual(said.filter { $0.hasPrefix("supporter> ") }.count, 4, chat.out)
        XCTAssertEqual(said.filter { $0.hasPrefix("  strategy: [") }.count, 3, "a strategy for each generated reply\n\(chat.out)")
        let personaLines = said.filter { $0.hasPrefix("  persona: ") }
        XCTAssertEqual(personaLines.count, 3, chat.out)
        XCTAssertEqual(personaLines[0], "  persona: (inferred from your 3rd message on)")
        XCTAssertNotEqual(personaLines[2], personaLines[0], "from the 3rd message on, the extractor's persona")
        XCTAssertEqual(said.last { $0.hasPrefix("supporter> ") }, "supporter> " + CrisisGuard.defaultMessage)
        XCTAssertTrue(chat.err.contains("crisis guard matched \"killing myself\" in seeker message 4"), chat.err)
        let transcript = try String(contentsOfFile: folder("chat.jsonl"), encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(transcript.count, 4)
        XCTAssertTrue(transcript[3].contains("\"crisis_guard\":\"killing myself\""), String(transcript[3]))

        // Replies: the predicted strategy, or the given one, then a response.
        let input = #"{"context": ["I lost my job and feel hopeless."], "persona": ["i lost my job."]}"# + "\n"
            + #"{"context": ["I feel lonely.", "Why?", "My friends moved away."], "strategy": "Self-disclosure"}"# + "\n"
        let replies = try cli.run(["generate", folder("pal") + "/best.h5", "--seed", "3"], input: input)
        XCTAssertEqual(replies.status, 0, replies.err)
        let lines = replies.out.split(separator: "\n").map { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        XCTAssertEqual(lines.count, 2)
        XCTAssertTrue(Strategy.allCases.map(\.rawValue).contains(lines[0]?["strategy"] as? String ?? ""), replies.out)
        XCTAssertEqual(lines[1]?["strategy"] as? String, "Self-disclosure", "a given strategy is used")
        XCTAssertEqual((lines[0]?["strategy_distribution"] as? [String: Double])?.count, 8)
        XCTAssertNil(lines[0]?["crisis_guard"], "nothing to mark")
        XCTAssertTrue(replies.err.contains("the crisis guard marked 0 of 2 contexts"), replies.err)
        let sameSeed = try cli.run(["generate", folder("pal") + "/best.h5", "--seed", "3"], input: input)
        XCTAssertEqual(sameSeed.out, replies.out, "sampling is reproducible for a seed")
        // A context whose seeker speaks of killing herself is marked, with the turn and the reason.
        let crisis = try cli.run(["generate", folder("pal") + "/best.h5", "--no-semantic-guard"],
                                 input: #"{"context": ["I can't sleep.", "Why?", "I keep thinking I should kill myself."]}"# + "\n")
        XCTAssertEqual(crisis.status, 0, crisis.err)
        let marked = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(crisis.out.utf8)) as? [String: Any])
        let mark = try XCTUnwrap(marked["crisis_guard"] as? [String: Any], crisis.out)
        XCTAssertEqual(mark["turn"] as? Int, 2)
        XCTAssertEqual(mark["layer"] as? String, "lexicon")
        XCTAssertEqual(mark["category"] as? String, "direct ideation")
        XCTAssertEqual(mark["evidence"] as? String, "kill myself")
        XCTAssertNotNil(marked["response"], "the reply is still generated, for review")
        XCTAssertTrue(crisis.err.contains("the crisis guard marked 1 of 1 contexts"), crisis.err)
        let bad = try cli.run(["generate", folder("pal") + "/best.h5"], input: #"{"context": ["hi"], "strategy": "Advice"}"# + "\n")
        XCTAssertTrue(bad.err.contains("stdin:1: strategy: expected one of"), bad.err)

        let again = try cli.run(["pal", "--max-steps", "40", "--output", folder("pal")])
        XCTAssertNotEqual(again.status, 0, "an existing run is never overwritten")
        XCTAssertTrue(again.err.contains("already holds a run: continue it with --resume"), again.err)
    }

    func testInterruptedRunResumesToTheSameWeights() throws {
        let common = ["pal", "--variant", "joint", "--max-steps", "24", "--set", "data.train_limit=60", "--set", "data.valid_limit=10",
                      "--set", "training.batch_size=8", "--set", "training.eval_every=10", "--set", "training.log_every=1"]
        let straight = folder("straight")
        XCTAssertEqual(try cli.run(common + ["--output", straight]).status, 0)

        // Interrupt with SIGINT once a few steps are logged, then resume.
        let interrupted = folder("interrupted")
        let process = try cli.start(common + ["--output", interrupted])
        waitForLoggedSteps(5, in: interrupted)
        kill(process.processIdentifier, SIGINT)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 130, "an interrupted run saves and exits with 130")
        let resumed = try cli.run(["pal", "--resume", interrupted])
        XCTAssertEqual(resumed.status, 0, resumed.err)
        XCTAssertTrue(resumed.out.contains("resuming"), resumed.out)

        try assertSameLastWeights(straight, interrupted, step: 24)
        XCTAssertEqual(try validationLosses(straight), try validationLosses(interrupted))
    }

    /// `kill -9` leaves only what the periodic save (`training.save_every`) wrote: the resumed run
    /// drops the log lines past it and the killed write's temporary file, and ends where an
    /// uninterrupted run does. A resume refuses another run's last.h5 and keys that would change
    /// the training, and takes a new --max-steps.
    func testKilledRunResumesFromItsPeriodicSave() throws {
        let common = ["pal", "--variant", "joint", "--max-steps", "24", "--set", "data.train_limit=60", "--set", "data.valid_limit=10",
                      "--set", "training.batch_size=8", "--set", "training.eval_every=10", "--set", "training.save_every=3",
                      "--set", "training.validate_before_training=true"]
        let straight = folder("periodic-straight"), killed = folder("periodic-killed")
        XCTAssertEqual(try cli.run(common + ["--output", straight]).status, 0)

        let process = try cli.start(common + ["--output", killed])
        waitForLoggedSteps(8, in: killed)
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        let saved = try XCTUnwrap(CheckpointFile.read(from: URL(fileURLWithPath: killed + "/last.h5")).training?.step)
        XCTAssertTrue(saved % 3 == 0 && saved < 24, "killed mid-run, after a periodic save (step \(saved))")
        let leftover = killed + "/.last.h5.tmp-\(process.processIdentifier)"
        XCTAssertTrue(FileManager.default.createFile(atPath: leftover, contents: Data("torn".utf8)))

        let resumed = try cli.run(["pal", "--resume", killed])
        XCTAssertEqual(resumed.status, 0, resumed.err)
        XCTAssertTrue(resumed.out.contains("resuming \(killed) at step \(saved)"), resumed.out)
        XCTAssertTrue(resumed.out.contains("removed 1 unfinished checkpoint file(s)"), resumed.out)
        XCTAssertFalse(FileManager.default.fileExists(atPath: leftover))
        try assertSameLastWeights(straight, killed, step: 24)
        let steps = try String(contentsOfFile: killed + "/log.jsonl", encoding: .utf8).split(separator: "\n").compactMap {
            (try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]).flatMap { $0["loss"] != nil ? $0["step"] as? Int : nil }
        }
        XCTAssertEqual(steps, Array(1...24), "each step logged once")
        XCTAssertEqual(try validationLosses(straight), try validationLosses(killed))
        let metrics = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: killed + "/metrics.json"))) as? [String: Any])
        XCTAssertEqual(metrics["initial_valid_loss"] as? Double, try validationLosses(straight).first, "kept across the resume")

        let changed = try cli.run(["pal", "--resume", killed, "--set", "training.lr=1"])
        XCTAssertNotEqual(changed.status, 0)
        XCTAssertTrue(changed.err.contains("training.lr cannot change when a run resumes"), changed.err)
        let longer = try cli.run(["pal", "--resume", killed, "--max-steps", "27"])
        XCTAssertEqual(longer.status, 0, longer.err)
        XCTAssertEqual(try CheckpointFile.read(from: URL(fileURLWithPath: killed + "/last.h5")).training?.step, 27, "a new --max-steps is taken")

        let foreign = folder("periodic-foreign")
        try FileManager.default.createDirectory(atPath: foreign, withIntermediateDirectories: true)
        let config = try String(contentsOfFile: straight + "/config.yaml", encoding: .utf8)
        let otherSeed = config.replacingOccurrences(of: "\n  seed: 13\n", with: "\n  seed: 14\n")
        XCTAssertNotEqual(otherSeed, config)
        try otherSeed.write(toFile: foreign + "/config.yaml", atomically: true, encoding: .utf8)
        try FileManager.default.copyItem(atPath: straight + "/last.h5", toPath: foreign + "/last.h5")
        let refused = try cli.run(["pal", "--resume", foreign])
        XCTAssertNotEqual(refused.status, 0)
        XCTAssertTrue(refused.err.contains("last.h5: belongs to another run"), refused.err)

        let stage = try cli.run(["pal", "--set", "stage=extractor", "--output", folder("stage")])
        XCTAssertNotEqual(stage.status, 0)
        XCTAssertTrue(stage.err.contains("is a recipe for the extractor stage (after --set); this command trains the pal stage"), stage.err)
    }

    /// A full disk while a checkpoint is written is a clear error and exit status 1, whichever write
    /// it hits (the up-front free-space check, a tensor, or HDF5's closing flush, which used to crash
    /// the process at exit), and leaves no temporary file. Needs root to mount a small tmpfs.
    func testFullDiskIsAClearErrorWhereverItHits() throws {
        let tiny = ["pal", "--variant", "joint", "--max-steps", "2", "--set", "data.train_limit=20", "--set", "data.valid_limit=4",
                    "--set", "model.d_model=64", "--set", "model.layers=1", "--set", "model.ffn=128"]
        let roomy = folder("disk-roomy")
        XCTAssertEqual(try cli.run(tiny + ["--output", roomy]).status, 0)
        let best = try CheckpointFile.read(from: URL(fileURLWithPath: roomy + "/best.h5"))
        let tensorBytes = best.tensors.reduce(0) { $0 + 4 * $1.tensor.shape.reduce(1, *) }
        func size(_ file: String) throws -> Int { try FileManager.default.attributesOfItem(atPath: roomy + "/" + file)[.size] as! Int }
        let fileBytes = try size("best.h5"), before = try size("config.yaml") + size("log.jsonl")
        XCTAssertGreaterThan(fileBytes - tensorBytes, 16_384, "HDF5's own bytes leave a window between the check and the file size")

        let disk = folder("disk-small")
        try FileManager.default.createDirectory(atPath: disk, withIntermediateDirectories: true)
        for room in [tensorBytes / 2, tensorBytes + (fileBytes - tensorBytes) / 2, fileBytes + tensorBytes] {
            let kilobytes = (before + room) / 1024
            let mount = Process()
            mount.executableURL = URL(fileURLWithPath: "/bin/mount")
            mount.arguments = ["-t", "tmpfs", "-o", "size=\(kilobytes)k", "tmpfs", disk]
            mount.standardError = FileHandle.nullDevice
            try mount.run()
            mount.waitUntilExit()
            guard mount.terminationStatus == 0 else { throw XCTSkip("mounting a small tmpfs needs root") }
            defer {
                let umount = Process()
                umount.executableURL = URL(fileURLWithPath: "/bin/umount")
                umount.arguments = [disk]
                try? umount.run()
                umount.waitUntilExit()
            }
            let r = try cli.run(tiny + ["--output", disk + "/run"])
            XCTAssertEqual(r.status, 1, "\(kilobytes) KiB: \(r.err)")
            XCTAssertTrue(r.err.contains("free space or write elsewhere"), "\(kilobytes) KiB: \(r.err)")
            let left = (try? FileManager.default.contentsOfDirectory(atPath: disk + "/run")) ?? []
            XCTAssertFalse(left.contains { $0.contains(".tmp-") }, "\(kilobytes) KiB: \(left)")
        }
    }
}
