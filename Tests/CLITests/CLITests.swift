// End-to-end runs of the `paltrain` executable on the real data (after `make data`): what a user
// types, what they see, and the exit status.
import Foundation
import XCTest

final class CLITests: XCTestCase {
    private let cli = CLI()

    func testDataStatsReportsThePapersSplit() throws {
        let r = try cli.run(["data", "stats"])
        XCTAssertEqual(r.status, 0, r.err)
        XCTAssertTrue(r.out.contains("1300 conversations, 38365 utterances; split default (the paper's, seed 13"), r.out)
        XCTAssertFalse(r.out.contains("manifest"), "the installed data are the published ones: \(r.out)")
        XCTAssertTrue(r.out.contains("conversations                          910     260     130"), r.out)
        XCTAssertTrue(r.out.contains("examples, every-supporter-turn       12271    3549    1873"), r.out)
        XCTAssertTrue(r.out.contains("valid: valid.csv: 1000 dialogues, 15602 utterances, 2000 pairs"), r.out)
        let other = try cli.run(["data", "stats", "--split", "seed-7"])
        XCTAssertEqual(other.status, 0, other.err)
        XCTAssertFalse(other.out.contains("examples, every-supporter-turn       12271    3549    1873"), "another seed, another split")
        let bad = try cli.run(["data", "stats", "--split", "half"])
        XCTAssertNotEqual(bad.status, 0)
        XCTAssertTrue(bad.err.contains("--split must be `default` or `seed-N`"), bad.err)
    }

    /// Data that differ from data/manifest.sha256 (here: one conversation deleted from train.json) are
    /// said to differ, and the paper's split name is refused for them.
    func testDataStatsOnEditedDataRefusesThePapersSplit() throws {
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("paltrain-edited-\(getpid())")
        try FileManager.default.createDirectory(at: data.appendingPathComponent("esconv"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: data) }
        let published = CLI.root.appendingPathComponent("data")
        for name in ["manifest.sha256", "pesconv", "personachat", "esconv/valid.json", "esconv/test.json"] {
            try FileManager.default.createSymbolicLink(at: data.appendingPathComponent(name), withDestinationURL: published.appendingPathComponent(name))
        }
        let train = try String(contentsOf: published.appendingPathComponent("esconv/train.json"), encoding: .utf8).split(separator: "\n")
        try train.dropFirst().joined(separator: "\n").write(to: data.appendingPathComponent("esconv/train.json"), atomically: true, encoding: .utf8)

        let paper = try cli.run(["data", "stats", "--data", data.path])
        XCTAssertNotEqual(paper.status, 0)
        XCTAssertTrue(paper.err.contains("esconv/train.json differs from it, and the paper's split is defined on the published data only"), paper.err)
        let seeded = try cli.run(["data", "stats", "--data", data.path, "--split", "seed-13"])
        XCTAssertEqual(seeded.status, 0, seeded.err)
        XCTAssertTrue(seeded.out.contains("1299 conversations"), seeded.out)
        XCTAssertTrue(seeded.out.contains("split seed-13 (seed 13, 7:2:1 by conversation)"), seeded.out)
        XCTAssertTrue(seeded.out.contains("esconv/train.json differs from \(data.path)/manifest.sha256: not the published data"), seeded.out)
    }

    func testTokenizeRoundTripsAndReportsBadLines() throws {
        let text = "i'm feeling anxious.</s> <s>System:[Question]Why?"
        let encoded = try cli.run(["tokenize"], input: text + "\n")
        XCTAssertEqual(encoded.status, 0, encoded.err)
        XCTAssertEqual(encoded.out, "[14,8,58,957,9033,5,54944,54945,23005,813,106,54948,129,20]\n", "HF's ids")
        let decoded = try cli.run(["tokenize", "--decode"], input: encoded.out)
        XCTAssertEqual(decoded.out, "i ' m feeling anxious . </s> <s> system: [Question] why ?\n")
        let bad = try cli.run(["tokenize", "--decode"], input: "[1,2]\nnot ids\n")
        XCTAssertNotEqual(bad.status, 0)
        XCTAssertTrue(bad.err.contains("stdin:2: expected a JSON array of integer ids"), bad.err)
        let missing = try cli.run(["tokenize", "--tokenizer", "/nonexistent"], input: "x\n")
        XCTAssertNotEqual(missing.status, 0)
        XCTAssertTrue(missing.err.contains("/nonexistent: no tokenizer here"), missing.err)
    }

    func testTrainedTokenizerLoadsAndRoundTrips() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("paltrain-bpe-\(getpid())")
        defer { try? FileManager.default.removeItem(at: dir) }
        let train = try cli.run(["tokenizer", "train", "--vocab-size", "1000", "-o", dir.path])
        XCTAssertEqual(train.status, 0, train.err)
        XCTAssertTrue(train.out.hasPrefix("learned 1000 tokens"), train.out)
        let text = "I feel lonely since my dog died 😢 <persona> i have a dog. [Reflection of feelings]"
        let ids = try cli.run(["tokenize", "--tokenizer", dir.path], input: text + "\n")
        XCTAssertEqual(ids.status, 0, ids.err)
        XCTAssertTrue(ids.out.contains(",5,") || ids.out.hasPrefix("[5,"), "<persona> is one special token (id 5): \(ids.out)")
        let back = try cli.run(["tokenize", "--tokenizer", dir.path, "--decode"], input: ids.out)
        XCTAssertEqual(back.out, text + "\n")
    }
}

/// `paltrain import` of a HuggingFace folder and `paltrain score` against the PyTorch fixture.
final class ImportAndScoreTests: XCTestCase {
    private let cli = CLI()
    private let fixtures = CLI.root.appendingPathComponent("Tests/ModelsTests/Fixtures")

    func testImportedPALScoresLikePyTorch() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("paltrain-import-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let checkpoint = dir.appendingPathComponent("pal.h5").path
        let imported = try cli.run(["import", fixtures.appendingPathComponent("pal").path, "-o", checkpoint])
        XCTAssertEqual(imported.status, 0, imported.err)
        XCTAssertTrue(imported.out.contains("format pal"), imported.out)

        // Row 0 of the fixture batch has no padding, so scoring it alone reproduces PyTorch's logits.
        let expected = try JSONSerialization.jsonObject(with: Data(contentsOf: fixtures.appendingPathComponent("pal/expected.json"))) as! [String: Any]
        let input = (expected["input_ids"] as! [[Int]])[0], persona = Array((expected["persona_input_ids"] as! [[Int]])[0].prefix(5))
        let labels = (expected["labels"] as! [[Int]])[0], logits = expected["logits"] as! [Double], v = 312
        let line = String(decoding: try JSONSerialization.data(withJSONObject: ["input_ids": input, "persona_ids": persona, "labels": labels]), as: UTF8.self)
        let scored = try cli.run(["score", checkpoint, "--ids"], input: line + "\n")
        XCTAssertEqual(scored.status, 0, scored.err)
        let result = try JSONSerialization.jsonObject(with: Data(scored.out.utf8)) as! [String: Any]
        let ours = result["label_logprobs"] as! [Double]
        for (t, label) in labels.enumerated() {
            let row = logits[(t * v)..<((t + 1) * v)]
            let logZ = Foundation.log(row.map { Foundation.exp($0) }.reduce(0, +))
            XCTAssertEqual(ours[t], row[row.startIndex + label] - logZ, accuracy: 1e-4, "log-probability of label \(t)")
        }
        XCTAssertEqual(result["tokens"] as? Int, labels.count)

        let bad = try cli.run(["score", checkpoint, "--ids"], input: "{\"input_ids\": [1, 2]}\n")
        XCTAssertNotEqual(bad.status, 0)
        XCTAssertTrue(bad.err.contains("stdin:1: expected non-empty \"input_ids\" and \"labels\""), bad.err)
        let noTokenizer = try cli.run(["score", checkpoint], input: "{}\n")
        XCTAssertTrue(noTokenizer.err.contains("names no tokenizer"), noTokenizer.err)
    }

    /// Input from outside that does not fit the model is a thrown error naming what and where, in the
    /// release build that users run (no trap, no read past a table).
    func testInputsBeyondTheModelsTablesAreErrors() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("paltrain-bounds-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let checkpoint = dir.appendingPathComponent("pal.h5").path
        XCTAssertEqual(try cli.run(["import", fixtures.appendingPathComponent("pal").path, "-o", checkpoint]).status, 0)
        func score(_ object: [String: [Int]]) throws -> (status: Int32, out: String, err: String) {
            try cli.run(["score", checkpoint, "--ids"], input: String(decoding: try JSONSerialization.data(withJSONObject: object), as: UTF8.self) + "\n")
        }
        // The fixture model: 312 tokens, 16 positions.
        let tooLong = try score(["input_ids": Array(repeating: 5, count: 8000), "persona_ids": [5], "labels": [5, 6]])
        XCTAssertNotEqual(tooLong.status, 0)
        XCTAssertTrue(tooLong.err.contains("stdin line 1: input_ids has 8000 tokens; this model's position table holds 16"), tooLong.err)
        let longLabels = try score(["input_ids": [5], "persona_ids": [5], "labels": Array(repeating: 5, count: 17)])
        XCTAssertTrue(longLabels.err.contains("decoder_input_ids has 17 tokens"), longLabels.err)
        let unknownId = try score(["input_ids": [5, 312], "persona_ids": [5], "labels": [5]])
        XCTAssertNotEqual(unknownId.status, 0)
        XCTAssertTrue(unknownId.err.contains("input_ids[1] is token id 312, outside this model's vocabulary 0..<312"), unknownId.err)
        let negative = try score(["input_ids": [5], "persona_ids": [-1], "labels": [5]])
        XCTAssertTrue(negative.err.contains("persona_ids[0] is token id -1"), negative.err)
        let huge = try score(["input_ids": [5], "persona_ids": [5], "labels": [1 << 40]])
        XCTAssertTrue(huge.err.contains("stdin:1: labels: expected an array of token ids"), huge.err)

        // A config whose ids are outside its vocabulary does not load.
        let folder = dir.appendingPathComponent("bad-config")
        try FileManager.default.copyItem(at: fixtures.appendingPathComponent("bart"), to: folder)
        var config = try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("config.json"))) as! [String: Any]
        config["pad_token_id"] = 320
        config["decoder_start_token_id"] = -2
        try JSONSerialization.data(withJSONObject: config).write(to: folder.appendingPathComponent("config.json"))
        let badConfig = try cli.run(["import", folder.path, "-o", dir.appendingPathComponent("bad.h5").path])
        XCTAssertNotEqual(badConfig.status, 0)
        XCTAssertTrue(badConfig.err.contains("pad_token_id 320 is outside the vocabulary (vocab_size 320)"), badConfig.err)
        XCTAssertTrue(badConfig.err.contains("decoder_start_token_id -2 is outside the vocabulary"), badConfig.err)
    }

    func testImportReportsEveryProblemAtOnce() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("paltrain-badimport-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.copyItem(at: fixtures.appendingPathComponent("bart/model.safetensors"), to: dir.appendingPathComponent("model.safetensors"))
        // The BART weights under a config that promises three encoder layers and a wider model.
        var config = try JSONSerialization.jsonObject(with: Data(contentsOf: fixtures.appendingPathComponent("bart/config.json"))) as! [String: Any]
        config["encoder_layers"] = 3
        config["encoder_ffn_dim"] = 48
        try JSONSerialization.data(withJSONObject: config).write(to: dir.appendingPathComponent("config.json"))
        let r = try cli.run(["import", dir.path, "-o", dir.appendingPathComponent("x.h5").path])
        XCTAssertNotEqual(r.status, 0)
        XCTAssertTrue(r.err.contains("model.safetensors: the weights do not fit the model: missing tensors: model.encoder.layers.2."), r.err)
        XCTAssertTrue(r.err.contains("model.encoder.layers.0.fc1.bias is [64], expected [48]"), "shape problems in the same message: \(r.err)")
        let missing = try cli.run(["import", "/nonexistent-model", "-o", "/tmp/x.h5"])
        XCTAssertTrue(missing.err.contains("/nonexistent-model/config.json: missing"), missing.err)
    }
}

/// `paltrain bench` runs each workload in a child process and writes every row (no timing is asserted:
/// speed is measured by `make bench`, not tested).
final class BenchCommandTests: XCTestCase {
    func testBenchWritesEveryTinyRowWithPeakMemory() throws {
        let json = FileManager.default.temporaryDirectory.appendingPathComponent("paltrain-bench-\(getpid()).json").path
        defer { try? FileManager.default.removeItem(atPath: json) }
        let r = try CLI().run(["bench", "--only", "tiny", "--repeats", "1", "--json", json, "--peer", "/nonexistent"])
        XCTAssertEqual(r.status, 0, r.err)
        let rows = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: json))) as? [[String: Any]])
        XCTAssertEqual(rows.map { $0["name"] as? String },
                       ["train tiny", "train tiny varying lengths", "decode tiny", "decode PAL tiny one branch", "decode PAL tiny two branches"])
        for row in rows {
            XCTAssertGreaterThan(row["value"] as? Double ?? 0, 0)
            XCTAssertGreaterThan(row["peak_rss_mb"] as? Double ?? 0, 0)
        }
        XCTAssertTrue(r.out.contains("the time of one branch"), r.out)
        XCTAssertTrue(r.out.contains("page faults per step"), r.out)
        XCTAssertTrue(r.out.contains("no PyTorch peer"), r.out)
        // Each training row is read against the sgemm ceiling probed in children just before and after it.
        for row in rows where (row["name"] as? String)?.hasPrefix("train") == true {
            XCTAssertGreaterThan(row["ceiling_around_gflops"] as? Double ?? 0, 0, "\(row["name"]!)")
            XCTAssertTrue((row["detail"] as? String)?.contains("GFLOP/s probed just before and after its process") == true, "\(row)")
        }
        XCTAssertNil(rows.first { $0["name"] as? String == "decode tiny" }?["ceiling_around_gflops"])
    }

    /// With a peer's workload command, each process of a row with a speed target runs after one of
    /// the peer's; the peer's fastest process (of the values 0.1 s, 0.2 s its stand-in prints in turn)
    /// becomes its row, every process's median is kept, and a failing command is named in the error.
    func testPeerProcessesArePairedWithOursAndTheFastestKept() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("paltrain-bench-pair-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let json = dir.appendingPathComponent("bench.json").path, count = dir.appendingPathComponent("count").path
        let peer = "n=$(cat \(count) 2>/dev/null || echo 0); n=$((n + 1)); echo $n > \(count); "
            + "printf '{\"name\": \"%s\", \"value\": 0.'$n', \"unit\": \"s/step\", \"peak_rss_mb\": 9, \"detail\": \"stand-in\"}\\n'"
        let r = try CLI().run(["bench", "--only", "train tiny", "--repeats", "1", "--runs", "2", "--json", json, "--peer", "/nonexistent",
                               "--peer-workload", peer])
        XCTAssertEqual(r.status, 0, r.err)
        let rows = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: json))) as? [[String: Any]])
        let tiny = try XCTUnwrap(rows.first { $0["name"] as? String == "train tiny" })
        XCTAssertEqual(tiny["peer_value"] as? Double, 0.1)
        XCTAssertEqual(tiny["peer_process_medians"] as? [Double], [0.1, 0.2])
        XCTAssertEqual((tiny["process_medians"] as? [Double])?.count, 2)
        XCTAssertTrue(r.out.contains("each process just after one of each peer's"), r.out)
        XCTAssertTrue(r.out.contains("PyTorch's processes 0.1000, 0.2000 s"), r.out)

        let failing = try CLI().run(["bench", "--only", "train tiny", "--repeats", "1", "--runs", "1", "--json", json, "--peer-workload", "echo broken; exit 3"])
        XCTAssertNotEqual(failing.status, 0)
        XCTAssertTrue(failing.err.contains("the peer's workload train tiny failed (`echo broken; exit 3 'train tiny'`, status 3); its output: broken"), failing.err)
    }
}

/// `paltrain metrics` on the metric fixtures that nltk and PAL's formulas scored
/// (scripts/make_metric_fixtures.py): the command computes what the library does, to 1e-6.
final class MetricsCommandTests: XCTestCase {
    private let cli = CLI()

    func testMetricsCommandMatchesNLTKOnTheFixtures() throws {
        let url = CLI.root.appendingPathComponent("Tests/EvaluationTests/Fixtures/metric_cases.json")
        let fixture = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("paltrain-metrics-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let corpora = try XCTUnwrap(fixture["corpora"] as? [[String: Any]])
        var checked = 0
        for corpus in corpora {
            let name = corpus["name"] as! String
            let hyps = corpus["hypotheses"] as! [String], refs = (corpus["references"] as! [Any]).map { ($0 as? String) ?? ($0 as! [String])[0] }
            // One sentence per line: corpora whose texts hold line breaks cannot be written this way.
            if (hyps + refs).contains(where: { $0.contains("\n") || $0.contains("\r") }) { continue }
            let hypsFile = dir.appendingPathComponent("\(name).hyp").path, refsFile = dir.appendingPathComponent("\(name).ref").path
            try (hyps.joined(separator: "\n") + "\n").write(toFile: hypsFile, atomically: true, encoding: .utf8)
            try (refs.joined(separator: "\n") + "\n").write(toFile: refsFile, atomically: true, encoding: .utf8)
            let expected = corpus["expected"] as! [String: Any]
            for reference in [false, true] {
                let r = try cli.run(["metrics", "--hyps", hypsFile, "--refs", refsFile, "--json"] + (reference ? ["--reference-distinct"] : []))
                XCTAssertEqual(r.status, 0, r.err)
                let got = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(r.out.utf8)) as? [String: Any], r.out)
                func check(_ column: String, _ value: Any?) {
                    guard let value = value as? Double else { return }   // nltk's None (no n-grams at all): not comparable
                    XCTAssertEqual(got[column] as? Double ?? .nan, 100 * value, accuracy: 1e-4, "\(name) \(column)")
                }
                let bleu = expected["bleu_pal"] as! [Any], ead = expected["ead_reference"] as! [Any]
                let distinct = expected[reference ? "distinct_reference" : "distinct_exact"] as! [Any]
                for k in 0..<4 { check("B-\(k + 1)", bleu[k]) }
                for k in 0..<2 { check("D-\(k + 1)", distinct[k]); check("E-\(k + 1)", ead[k]) }
                check("R-L", expected["rouge_l"])
                XCTAssertEqual(got["responses"] as? Int, hyps.count)
            }
            checked += 1
        }
        XCTAssertGreaterThanOrEqual(checked, 10, "most fixture corpora are one sentence per line")

        // Cos-Sim's sample set: with-persona averages over the responses whose persona is not empty,
        // every over all of them, an empty persona embedded as empty text (the reference's).
        let encoder = CLI.root.appendingPathComponent("Tests/ModelsTests/Fixtures/bert_tiny").path
        func cosine(_ hyps: [String], _ personas: [String], _ examples: String) throws -> Double? {
            let h = dir.appendingPathComponent("cos.hyp"), r = dir.appendingPathComponent("cos.ref"), p = dir.appendingPathComponent("cos.persona")
            try (hyps.joined(separator: "\n") + "\n").write(to: h, atomically: true, encoding: .utf8)
            try (hyps.joined(separator: "\n") + "\n").write(to: r, atomically: true, encoding: .utf8)
            try (personas.joined(separator: "\n") + "\n").write(to: p, atomically: true, encoding: .utf8)
            let run = try cli.run(["metrics", "--hyps", h.path, "--refs", r.path, "--personas", p.path, "--sentence-encoder", encoder,
                                   "--cos-sim-examples", examples, "--json"])
            XCTAssertEqual(run.status, 0, run.err)
            return (try JSONSerialization.jsonObject(with: Data(run.out.utf8)) as? [String: Any])?["Cos-Sim"] as? Double
        }
        let hyps = ["i am sorry to hear that", "have you talked to your boss", "that sounds hard"]
        let personas = ["<persona> I am a nurse. <input>", "<persona> I work nights. <persona> I have a dog. <input>", "<persona><input>"]
        let withPersona = try XCTUnwrap(cosine(hyps, personas, "with-persona")), every = try XCTUnwrap(cosine(hyps, personas, "every"))
        let emptyAlone = try XCTUnwrap(cosine([hyps[2]], [personas[2]], "every"))
        XCTAssertNil(try cosine([hyps[2]], [personas[2]], "with-persona"), "no response with a persona: no Cos-Sim")
        XCTAssertEqual(every, (2 * withPersona + emptyAlone) / 3, accuracy: 1e-6, "every example: the empty persona counts too")
        XCTAssertNotEqual(every, withPersona)

        let short = dir.appendingPathComponent("short.ref").path
        try "one line\n".write(toFile: short, atomically: true, encoding: .utf8)
        let mismatch = try cli.run(["metrics", "--hyps", dir.appendingPathComponent("one_word.hyp").path, "--refs", short])
        XCTAssertNotEqual(mismatch.status, 0)
        XCTAssertTrue(mismatch.err.contains("one_word.hyp has 2 lines but \(short) has 1"), mismatch.err)
    }
}

extension CLITests {
    func testGuardMeasuresAListAndChecksStdin() throws {
        let measured = try cli.run(["guard", "--list", "Tests/PALTests/Fixtures/crisis/held-out.tsv", "--no-semantic-guard"])
        XCTAssertEqual(measured.status, 0, measured.err)
        XCTAssertTrue(measured.out.contains("crisis guard: lexicon (") && measured.out.contains("(semantic layer off: --no-semantic-guard)"), measured.out)
        XCTAssertTrue(measured.out.contains("125 crisis and 124 benign messages"), measured.out)
        XCTAssertTrue(measured.out.contains("| lexicon | 95.2% (119/125) | 2.4% (3/124) |"), "the figures docs/crisis-guard.md reports\n\(measured.out)")
        XCTAssertTrue(measured.out.contains("missed by lexicon: 6\n  line 15: part of me wants to die and part of me doesn't"), measured.out)

        let checked = try cli.run(["guard", "--no-semantic-guard"], input: "i want to k1ll myself\nmy phone died\n")
        XCTAssertEqual(checked.status, 0, checked.err)
        XCTAssertEqual(checked.out, "crisis\tlexicon: direct ideation, en\tkill myself\nok\n")

        let list = FileManager.default.temporaryDirectory.appendingPathComponent("paltrain-guard-\(getpid()).tsv")
        defer { try? FileManager.default.removeItem(at: list) }
        try "crisis\tI want to die\nmaybe\tno label\n".write(to: list, atomically: true, encoding: .utf8)
        let bad = try cli.run(["guard", "--list", list.path, "--no-semantic-guard"])
        XCTAssertNotEqual(bad.status, 0)
        XCTAssertTrue(bad.err.contains("\(list.path):2: expected crisis<TAB>message or benign<TAB>message"), bad.err)
        let encoder = try cli.run(["guard", "--crisis-encoder", "/nonexistent"], input: "hi\n")
        XCTAssertNotEqual(encoder.status, 0, "a named encoder that is not there is an error, not a silent fallback")
        XCTAssertTrue(encoder.err.contains("--crisis-encoder: no sentence encoder (model.safetensors) in /nonexistent"), encoder.err)
        let sweep = try cli.run(["guard", "--sweep"])
        XCTAssertNotEqual(sweep.status, 0)
        XCTAssertTrue(sweep.err.contains("--sweep needs --list"), sweep.err)
    }
}

/// Runs the built `paltrain` in the repository root.
struct CLI {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Starts `paltrain arguments` without waiting (output discarded), for tests that signal it.
    func start(_ arguments: [String]) throws -> Process {
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        process.currentDirectoryURL = Self.root
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }

    /// The built executable, beside the test bundle.
    var binary: URL {
        URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent().appendingPathComponent("paltrain")
    }

    /// Runs `paltrain arguments` in the repository root with `input` on stdin.
    func run(_ arguments: [String], input: String = "") throws -> (status: Int32, out: String, err: String) {
        try run(arguments, inputData: Data(input.utf8))
    }

    /// Runs `paltrain arguments` in the repository root with the bytes `inputData` on stdin.
    func run(_ arguments: [String], inputData: Data) throws -> (status: Int32, out: String, err: String) {
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        process.currentDirectoryURL = Self.root
        let stdin = Pipe(), stdout = Pipe(), stderr = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        stdin.fileHandleForWriting.write(inputData)
        try stdin.fileHandleForWriting.close()
        let out = stdout.fileHandleForReading.readDataToEndOfFile(), err = stderr.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: out, as: UTF8.self), String(decoding: err, as: UTF8.self))
    }
}
