// `paltrain human-eval serve` and `report` end to end on two tiny checkpoints trained here: a real
// browser session (Selenium + Debian's chromium, skipped with a message where they are missing), bad
// input of every kind answered with a clear error, a crash and a restart that lose nothing, and a
// scripted study of 24 sessions whose report is checked against the counts the script made.
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import XCTest

final class HumanEvalServerTests: XCTestCase {
    private let cli = CLI()
    private static let work = FileManager.default.temporaryDirectory.appendingPathComponent("paltrain-human-eval-\(getpid())")
    private static let aspects = ["coherence", "identification", "comforting", "suggestion", "informativeness", "overall"]

    override class func tearDown() {
        try? FileManager.default.removeItem(at: work)
        super.tearDown()
    }

    /// Two dialogue checkpoints of a few training steps (PAL and Joint), made once.
    private static let models: Result<[String], Error> = Result {
        let cli = CLI(), tiny = ["--max-steps", "2", "--set", "data.train_limit=20", "--set", "data.valid_limit=4",
                                 "--set", "model.d_model=64", "--set", "model.layers=1", "--set", "model.ffn=128"]
        var paths: [String] = []
        for (variant, extra) in [("pal", ["--set", "data.pesconv=", "--set", "data.persona_source=seeker-utterances"]), ("joint", [])] {
            let run = work.appendingPathComponent(variant).path
            let r = try cli.run(["pal", "--variant", variant, "--output", run] + tiny + extra)
            guard r.status == 0 else { throw NSError(domain: "tiny \(variant)", code: 1, userInfo: [NSLocalizedDescriptionKey: r.err]) }
            paths.append(run + "/best.h5")
        }
        return paths
    }

    private func folder(_ name: String) -> String { Self.work.appendingPathComponent(name).path }

    // MARK: - A running server

    final class Server {
        let process: Process
        let base: String
        let admin: String
        let output: Pipe

        init(process: Process, base: String, admin: String, output: Pipe) {
            (self.process, self.base, self.admin, self.output) = (process, base, admin, output)
        }

        var token: String { String(admin.split(separator: "=").last!) }

        func stop() {
            if process.isRunning { process.terminate() }
            process.waitUntilExit()
        }
    }

    /// Starts `serve` on a free port with `study` and `extra` options and waits for its addresses.
    private func serve(study: String, _ extra: [String] = []) throws -> Server {
        let models = try Self.models.get()
        let process = Process(), output = Pipe()
        process.executableURL = cli.binary
        process.arguments = ["human-eval", "serve", "--models", "PAL=\(models[0])", "Joint=\(models[1])", "--study", study, "--port", "0",
                             "--min-turns", "3", "--no-semantic-guard"] + extra
        process.currentDirectoryURL = CLI.root
        process.standardOutput = output
        process.standardError = output
        try process.run()
        var text = ""
        let deadline = Date().addingTimeInterval(120)
        while !text.contains("recording to"), process.isRunning, Date() < deadline {
            text += String(decoding: output.fileHandleForReading.availableData, as: UTF8.self)
        }
        func line(_ label: String) -> String? { text.split(separator: "\n").first { $0.hasPrefix(label) }.map { String($0.dropFirst(label.count)) } }
        guard let base = line("participants: ").map({ String($0.dropLast()) }), let admin = line("admin: ") else {
            if process.isRunning { process.terminate() }
            throw NSError(domain: "serve", code: 1, userInfo: [NSLocalizedDescriptionKey: "the server did not start: \(text)"])
        }
        return Server(process: process, base: base, admin: admin, output: output)
    }

    /// One HTTP request: status and JSON body.
    private func request(_ method: String, _ url: String, json: Any? = nil, raw: Data? = nil, token: String? = nil) throws -> (status: Int, body: [String: Any]) {
        var request = URLRequest(url: URL(string: url)!)
        request.httpMethod = method
        request.httpBody = try raw ?? json.map { try JSONSerialization.data(withJSONObject: $0) }
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        request.timeoutInterval = 120
        final class Box: @unchecked Sendable { var data: Data?; var response: URLResponse?; var error: Error? }
        let box = Box(), done = DispatchSemaphore(value: 0)
        URLSession.shared.dataTask(with: request) { data, response, error in
            (box.data, box.response, box.error) = (data, response, error)
            done.signal()
        }.resume()
        done.wait()
        if let error = box.error { throw error }
        return ((box.response as? HTTPURLResponse)?.statusCode ?? 0, (box.data.flatMap { try? JSONSerialization.jsonObject(with: $0) } as? [String: Any]) ?? [:])
    }

    private func lines(_ study: String, _ file: String) throws -> [[String: Any]] {
        let text = (try? String(contentsOfFile: study + "/" + file, encoding: .utf8)) ?? ""
        return try text.split(separator: "\n").map { try XCTUnwrap(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]) }
    }

    // MARK: - The study program

    /// `serve` runs paltrain-study with its arguments, `--help` included, and `doctor` says where it is;
    /// a paltrain without the program beside it says how to build it.
    func testServeRunsTheStudyProgramAndSaysHowToBuildIt() throws {
        let help = try cli.run(["human-eval", "serve", "--help"])
        XCTAssertEqual(help.status, 0, help.err)
        XCTAssertTrue(help.out.contains("USAGE: paltrain human-eval serve") && help.out.contains("--models") && help.out.contains("--crisis-encoder"), help.out)
        let study = cli.binary.deletingLastPathComponent().appendingPathComponent("paltrain-study").path
        XCTAssertTrue(try cli.run(["doctor"]).out.contains("study server:       " + study))

        let alone = Self.work.appendingPathComponent("alone")
        try FileManager.default.createDirectory(at: alone, withIntermediateDirectories: true)
        let copy = alone.appendingPathComponent("paltrain")
        try? FileManager.default.removeItem(at: copy)
        try FileManager.default.copyItem(at: cli.binary, to: copy)
        func runCopy(_ arguments: [String]) throws -> (status: Int32, out: String, err: String) {
            let process = Process(), out = Pipe(), err = Pipe()
            process.executableURL = copy
            process.arguments = arguments
            (process.standardOutput, process.standardError) = (out, err)
            try process.run()
            let said = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            let complaint = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            return (process.terminationStatus, said, complaint)
        }
        let served = try runCopy(["human-eval", "serve", "--study", folder("never")])
        XCTAssertNotEqual(served.status, 0)
        XCTAssertTrue(served.err.contains(alone.appendingPathComponent("paltrain-study").path + ": not built") && served.err.contains("make study"), served.err)
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder("never")), "nothing is created before the server runs")
        XCTAssertTrue(try runCopy(["doctor"]).out.contains("study server:       not built (`make study`"))
    }

    // MARK: - The browser

    func testBrowserSessionIsRecordedAndReported() throws {
        let python = CLI.root.appendingPathComponent(".venv-browser/bin/python").path
        for (path, fix) in [(python, "`make test` makes .venv-browser with Selenium"), ("/usr/bin/chromium", "`make browser` installs chromium"),
                            ("/usr/bin/chromedriver", "`make browser` installs chromium-driver")] where !FileManager.default.isExecutableFile(atPath: path) {
            throw XCTSkip("the browser test needs \(path): \(fix)")
        }
        let study = folder("browser-study")
        let server = try serve(study: study, ["--show-persona", "--show-strategy", "--personas", "data/pesconv/test.txt", "--sample", "6",
                                              "--raters", "1", "--items-per-session", "6"])
        defer { server.stop() }
        let process = Process(), out = Pipe(), err = Pipe()
        process.executableURL = URL(fileURLWithPath: python)
        var arguments = [CLI.root.appendingPathComponent("scripts/browser_study.py").path, "--url", server.base + "/", "--admin", server.admin]
        if let shots = ProcessInfo.processInfo.environment["PALTRAIN_SCREENSHOTS"] { arguments += ["--screenshots", shots] }
        process.arguments = arguments
        (process.standardOutput, process.standardError) = (out, err)
        try process.run()
        let said = out.fileHandleForReading.readDataToEndOfFile(), complaint = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0, complaint)
        let browser = try XCTUnwrap(JSONSerialization.jsonObject(with: said) as? [String: Any], complaint)

        let sessions = try lines(study, "sessions.jsonl"), turns = try lines(study, "turns.jsonl"), judgements = try lines(study, "judgements.jsonl")
        XCTAssertEqual(sessions.count, 1)
        XCTAssertEqual(turns.count, 3, "every turn, the one before the reload included")
        XCTAssertEqual(turns.map { $0["turn"] as? Int }, [1, 2, 3])
        XCTAssertTrue((turns[1]["message"] as? String ?? "").contains("<script>"), "stored as typed; shown as text (the script checked)")
        let judgement = try XCTUnwrap(judgements.first)
        XCTAssertEqual(judgements.count, 1)
        XCTAssertEqual(judgement["verdicts"] as? [String: String], browser["verdicts"] as? [String: String])
        XCTAssertEqual((judgement["attention"] as? [[String: Any]])?.first?["passed"] as? Bool, true)
        XCTAssertEqual(try lines(study, "persona-ratings.jsonl").count, browser["reviewed"] as? Int)
        for file in try FileManager.default.contentsOfDirectory(atPath: study) where file != "secret.key" {
            let text = try String(contentsOfFile: study + "/" + file, encoding: .utf8).lowercased()
            XCTAssertFalse(text.contains("onerror") || text.contains("rater-1"), "\(file) holds a participant ID")
        }

        // The report counts that judgement, from the left/right order the session recorded.
        let report = try cli.run(["human-eval", "report", study])
        XCTAssertEqual(report.status, 0, report.err)
        let pal = sessions[0]["left"] as? String == "PAL" ? "left" : "right"
        for aspect in Self.aspects {
            let verdict = (browser["verdicts"] as? [String: String])?[aspect]
            let row = verdict == "tie" ? "0 (0.0%) | 1 (100.0%) | 0 (0.0%)" : verdict == pal ? "1 (100.0%) | 0 (0.0%) | 0 (0.0%)" : "0 (0.0%) | 0 (0.0%) | 1 (100.0%)"
            XCTAssertTrue(report.out.contains("| \(aspect.prefix(1).uppercased() + aspect.dropFirst()) | \(row) | 1.0000 |"), "\(aspect): \(report.out)")
        }
        XCTAssertTrue(report.out.contains("1 judged session of 1, 3 turns"), report.out)
    }

    // MARK: - Bad input, a crash, a restart

    func testBadInputGetsClearErrorsAndACrashLosesNothing() throws {
        let study = folder("bad-input")
        var server = try serve(study: study)
        let started = try request("POST", server.base + "/api/pairwise/sessions", json: ["participant": "<script>alert(1)</script>"])
        XCTAssertEqual(started.status, 200)
        let session = try XCTUnwrap(started.body["session"] as? String)
        let turns = server.base + "/api/pairwise/sessions/\(session)/turns", judge = server.base + "/api/pairwise/sessions/\(session)/judgement"
        func expect(_ r: (status: Int, body: [String: Any]), _ status: Int, _ words: String, file: StaticString = #filePath, line: UInt = #line) {
            XCTAssertEqual(r.status, status, "\(r.body)", file: file, line: line)
            if !words.isEmpty { XCTAssertTrue((r.body["error"] as? String ?? "").contains(words), "\(r.body)", file: file, line: line) }
        }
        expect(try request("GET", server.base + "/api/pairwise/sessions/0123"), 404, "no chat session")
        expect(try request("POST", server.base + "/api/pairwise/sessions/0123/turns", json: ["message": "hi"]), 404, "sign in again")
        expect(try request("POST", turns, json: ["message": String(repeating: "a", count: 1001)]), 413, "at most 1000 characters")
        expect(try request("POST", turns, raw: Data(repeating: 65, count: 70_000)), 413, "larger than 64 KiB")
        expect(try request("POST", turns, raw: Data("not json".utf8)), 400, "not the JSON")
        expect(try request("POST", turns, json: ["message": "   "]), 400, "type a message")
        expect(try request("POST", server.base + "/api/pairwise/sessions", json: ["participant": ""]), 400, "participant ID")
        expect(try request("POST", server.base + "/api/persona/sessions", json: ["participant": "x"]), 404, "no persona review")
        expect(try request("POST", turns, json: ["message": "I want to end my life"]), 200, "")
        let guarded = try lines(study, "turns.jsonl")
        XCTAssertTrue((guarded.last?["crisis_guard"] as? String ?? "").hasPrefix("lexicon: "), "the guard answered, not a model: \(guarded)")
        XCTAssertNil((guarded.last?["left"] as? [String: Any])?["strategy"], "no model ran for a flagged message")
        expect(try request("POST", judge, json: ["verdicts": [:]]), 400, "at least 3 turns")
        for message in ["hello", "I feel lost"] { expect(try request("POST", turns, json: ["message": message]), 200, "") }
        let verdicts = Dictionary(uniqueKeysWithValues: Self.aspects.map { ($0, "tie") })
        expect(try request("POST", judge, json: ["verdicts": ["overall": "left"]]), 400, "choose left, right or tie")
        expect(try request("POST", judge, json: ["verdicts": verdicts]), 400, "every row")
        expect(try request("POST", judge, json: ["verdicts": verdicts, "attention": ["choose-tie": "tie"]]), 200, "")
        expect(try request("POST", judge, json: ["verdicts": verdicts, "attention": ["choose-tie": "tie"]]), 409, "judged already")
        expect(try request("POST", turns, json: ["message": "more"]), 409, "judged already")
        expect(try request("GET", server.base + "/api/admin/export"), 401, "admin token")
        expect(try request("GET", server.base + "/api/admin/export", token: "wrong"), 401, "admin token")
        let export = try request("GET", server.base + "/api/admin/export", token: server.token)
        XCTAssertEqual(export.status, 200)
        XCTAssertEqual((export.body["turns"] as? [Any])?.count, 3)
        XCTAssertEqual((try request("GET", server.base + "/api/admin/progress", token: server.token).body["pairs"] as? [Any])?.count, 1)

        // A port in use, and a study folder that cannot be written, are errors that say so.
        let port = try XCTUnwrap(URL(string: server.base)?.port)
        let models = try Self.models.get()
        let busy = try cli.run(["human-eval", "serve", "--models", "PAL=\(models[0])", "Joint=\(models[1])", "--study", folder("other"), "--port", "\(port)", "--no-semantic-guard"])
        XCTAssertNotEqual(busy.status, 0)
        XCTAssertTrue(busy.err.contains("127.0.0.1:\(port) is in use by another program: choose another --port"), busy.err)
        let unwritable = try cli.run(["human-eval", "serve", "--models", "PAL=\(models[0])", "Joint=\(models[1])", "--study", "/proc/paltrain-study"])
        XCTAssertNotEqual(unwritable.status, 0)
        XCTAssertTrue(unwritable.err.contains("/proc/paltrain-study"), unwritable.err)
        XCTAssertFalse(unwritable.err.contains("Fatal error"), unwritable.err)

        // Killed mid-study (SIGKILL), restarted: the open session goes on where it stopped.
        let second = try request("POST", server.base + "/api/pairwise/sessions", json: ["participant": "Bea"])
        let open = try XCTUnwrap(second.body["session"] as? String)
        expect(try request("POST", server.base + "/api/pairwise/sessions/\(open)/turns", json: ["message": "hello again"]), 200, "")
        kill(server.process.processIdentifier, SIGKILL)
        server.process.waitUntilExit()
        let other = try cli.run(["human-eval", "serve", "--models", "PAL=\(models[0])", "Joint=\(models[1])", "--study", study, "--min-turns", "4"])
        XCTAssertTrue(other.err.contains("started with other settings"), other.err)
        server = try serve(study: study)
        defer { server.stop() }
        let resumed = try request("POST", server.base + "/api/pairwise/sessions", json: ["participant": " BEA "])
        XCTAssertEqual(resumed.body["session"] as? String, open, "the same participant ID resumes the open session")
        XCTAssertEqual((resumed.body["turns"] as? [[String: Any]])?.map { $0["message"] as? String }, ["hello again"])
        expect(try request("POST", server.base + "/api/pairwise/sessions/\(open)/turns", json: ["message": "still here"]), 200, "")
        XCTAssertEqual(try lines(study, "turns.jsonl").count, 5)
    }

    // MARK: - A scripted study

    /// 24 sessions (PAL preferred on most aspects by seeded scripted participants, one of whom fails
    /// the attention check) and a persona review of 12 personas × 3 raters; the report's counts are the script's.
    func testScriptedStudyReportCountsEverySession() throws {
        let study = folder("scripted")
        let server = try serve(study: study, ["--personas", "data/pesconv/test.txt", "--sample", "12", "--raters", "3", "--items-per-session", "6"])
        defer { server.stop() }
        var rng = SplitMix64(seed: 16)
        var expected: [String: [Int]] = [:]   // aspect → [PAL wins, ties, Joint wins]
        for k in 0..<24 {
            let start = try request("POST", server.base + "/api/pairwise/sessions", json: ["participant": "scripted-\(k)"])
            let session = try XCTUnwrap(start.body["session"] as? String)
            for message in ["I have been feeling low since I lost my job.", "My savings are running out.", "I do not know where to start."] {
                XCTAssertEqual(try request("POST", server.base + "/api/pairwise/sessions/\(session)/turns", json: ["message": message]).status, 200)
            }
            let palSide = try XCTUnwrap(lines(study, "sessions.jsonl").first { $0["session"] as? String == session }?["left"] as? String) == "PAL" ? "left" : "right"
            let jointSide = palSide == "left" ? "right" : "left"
            var verdicts: [String: String] = [:]
            for aspect in Self.aspects {
                let draw = rng.next() % 10   // 6 in 10 PAL, 2 tie, 2 Joint
                let outcome = draw < 6 ? 0 : draw < 8 ? 1 : 2
                verdicts[aspect] = [palSide, "tie", jointSide][outcome]
                expected[aspect, default: [0, 0, 0]][outcome] += 1
            }
            let judged = try request("POST", server.base + "/api/pairwise/sessions/\(session)/judgement",
                                     json: ["verdicts": verdicts, "attention": ["choose-tie": k == 5 ? "left" : "tie"], "comment": "scripted"])
            XCTAssertEqual(judged.status, 200, "\(judged.body)")
        }
        for rater in 0..<6 {
            let start = try request("POST", server.base + "/api/persona/sessions", json: ["participant": "rater-\(rater)"])
            let session = try XCTUnwrap(start.body["session"] as? String)
            var item = start.body["item"] as? [String: Any]
            while let current = item {
                let persona = (current["persona"] as? [String] ?? []).joined(separator: " ")
                let id = try XCTUnwrap(current["id"] as? Int)
                let label = persona.contains("never worked at a school") ? "Contradictory"
                    : persona.contains("I had a dog") ? "Reasonable" : ["Reasonable", "Reasonable", "Contradictory", "Hallucinatory"][Int(rng.next() % 4)]
                let rated = try request("POST", server.base + "/api/persona/sessions/\(session)/ratings", json: ["item": id, "label": label, "reason": ""])
                XCTAssertEqual(rated.status, 200, "\(rated.body)")
                item = rated.body["item"] as? [String: Any]
            }
        }
        XCTAssertEqual(try request("POST", server.base + "/api/persona/sessions", json: ["participant": "rater-late"]).status, 409, "every persona has its raters")

        let out = folder("scripted-report")
        let report = try cli.run(["human-eval", "report", study, "--output", out])
        XCTAssertEqual(report.status, 0, report.err)
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/report.json"))) as? [String: Any])
        let pair = try XCTUnwrap((json["pairs"] as? [[String: Any]])?.first)
        XCTAssertEqual([pair["sessions"] as? Int, pair["judged"] as? Int, pair["turns"] as? Int], [24, 24, 72])
        for aspect in Self.aspects {
            let row = try XCTUnwrap((pair["aspects"] as? [String: [String: Any]])?[aspect])
            XCTAssertEqual([row["win"] as? Int, row["tie"] as? Int, row["lose"] as? Int], expected[aspect]!.map { $0 }, aspect)
        }
        XCTAssertEqual((json["flagged"] as? [[String: Any]])?.count, 1, "the participant who failed the check is listed, and kept")
        let review = try XCTUnwrap(json["persona_review"] as? [String: Any])
        XCTAssertEqual([review["items_rated"] as? Int, review["ratings"] as? Int], [12, 36])
        XCTAssertNotNil(review["kappa"] as? Double)
        for aspect in Self.aspects { XCTAssertTrue(FileManager.default.fileExists(atPath: out + "/\(aspect).svg")) }
        if let keep = ProcessInfo.processInfo.environment["PALTRAIN_KEEP_STUDY"] {
            try? FileManager.default.removeItem(atPath: keep)
            try FileManager.default.copyItem(atPath: study, toPath: keep)
            try FileManager.default.copyItem(atPath: out, toPath: keep + "/report")
        }
    }
}

/// SplitMix64: the scripted participants' choices, the same every run.
private struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
