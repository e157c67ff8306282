// Data-parallel training under mpirun (issue 15), with dropout 0 on a tiny PAL run from the real
// data: 2 ranks × half of each batch end where 1 process × the whole batch does (to float summation
// order; the extractor too), every rank holds the same weights, a 2-rank run stopped and resumed
// ends bit-identical to an uninterrupted one, another rank count cannot resume it, a rank that dies
// stops the others within a bounded time leaving last.h5 intact, one that hangs is given up after
// PALTRAIN_MPI_TIMEOUT, and the equivalence holds with one rank in each of two network namespaces.
import Checkpoint
import Foundation
import XCTest

final class DataParallelTests: XCTestCase {
    private let cli = CLI()
    private static let work = FileManager.default.temporaryDirectory.appendingPathComponent("paltrain-dp-\(getpid())")
    /// The tiny run: pal-small on 64 training examples (the seeker's utterances as persona, so no
    /// annotation is needed), no dropout, 6 steps of 16 examples, with the masked-token objective and
    /// the strategy weight, whose normalisers the ranks must share.
    private static let recipe = ["--recipe", "recipes/pal-small.yaml", "--set", "model.dropout=0", "--set", "data.train_limit=64",
                                 "--set", "data.valid_limit=16", "--set", "training.warmup_steps=2", "--set", "data.pesconv=",
                                 "--set", "data.persona_source=seeker-utterances"]
    /// What float summation order may change between 1 and 2 ranks after 6 AdamW steps at lr 1e-3.
    private static let tolerance: Float = 1e-5

    override class func tearDown() {
        try? FileManager.default.removeItem(at: work)
        super.tearDown()
    }

    private func folder(_ name: String) -> String { Self.work.appendingPathComponent(name).path }

    private func mpirun() throws -> URL {
        guard let found = ["/usr/bin/mpirun", "/usr/local/bin/mpirun"].first(where: FileManager.default.isExecutableFile) else {
            throw XCTSkip("mpirun not found: `make setup` installs Open MPI (openmpi-bin)")
        }
        return URL(fileURLWithPath: found)
    }

    /// `mpirun -np ranks paltrain arguments` on this machine (shared memory between the ranks), with
    /// `exported` (NAME=value) in the ranks' environment.
    private func launch(ranks: Int, _ arguments: [String], exported: [String] = []) throws -> Process {
        let process = Process()
        process.executableURL = try mpirun()
        process.arguments = ["--allow-run-as-root", "--oversubscribe", "-np", "\(ranks)", "--mca", "btl_vader_single_copy_mechanism", "none"]
            + (["PALTRAIN_THREADS=1"] + exported).flatMap { ["-x", $0] } + [cli.binary.path] + arguments
        process.currentDirectoryURL = CLI.root
        return process
    }

    private func runMPI(ranks: Int, _ arguments: [String], script: String? = nil) throws -> (status: Int32, out: String) {
        let process = try launch(ranks: ranks, arguments)
        if let script {
            process.executableURL = CLI.root.appendingPathComponent(script)
            process.arguments = [cli.binary.path] + arguments
        }
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let text = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: text, as: UTF8.self))
    }

    private func weights(_ run: String, _ file: String = "last.h5") throws -> (step: Int?, tensors: [(String, [Float])]) {
        let contents = try CheckpointFile.read(from: URL(fileURLWithPath: run + "/" + file))
        return (contents.training?.step, contents.tensors.map { ($0.name, $0.tensor.toArray()) })
    }

    /// The largest |a − b| over every weight of two runs' last.h5, which must be at the same step.
    private func largestDifference(_ a: String, _ b: String, file: StaticString = #filePath, line: UInt = #line) throws -> Float {
        let x = try weights(a), y = try weights(b)
        XCTAssertEqual(x.step, y.step, file: file, line: line)
        XCTAssertEqual(x.tensors.map(\.0), y.tensors.map(\.0), file: file, line: line)
        return zip(x.tensors, y.tensors).map { zip($0.1, $1.1).map { abs($0 - $1) }.max() ?? 0 }.max() ?? 0
    }

    private func metrics(_ run: String) throws -> [String: Any] {
        try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: run + "/metrics.json"))) as? [String: Any])
    }

    /// One process on the whole batch, the reference of every comparison (trained once).
    private lazy var single: String = {
        let run = folder("one")
        if !FileManager.default.fileExists(atPath: run + "/metrics.json") {
            let r = try? cli.run(["pal"] + Self.recipe + ["--max-steps", "6", "--output", run])
            XCTAssertEqual(r?.status, 0, r?.err ?? "")
        }
        return run
    }()

    func testTwoRanksTakeTheStepsOfOneProcessOnTheWholeBatch() throws {
        let two = folder("two")
        let r = try runMPI(ranks: 2, ["pal"] + Self.recipe + ["--max-steps", "6", "--output", two])
        XCTAssertEqual(r.status, 0, r.out)
        XCTAssertTrue(r.out.contains("data-parallel: 2 ranks"), r.out)
        XCTAssertTrue(r.out.contains("(2 ranks)"), "the progress shows the world size")
        let difference = try largestDifference(single, two)
        print("2 ranks × 8 examples against 1 process × 16 after 6 AdamW steps: largest weight difference \(difference)")
        XCTAssertLessThanOrEqual(difference, Self.tolerance)
        XCTAssertEqual(try metrics(two)["rank_weight_divergence"] as? Double, 0, "every rank holds rank 0's weights")
        XCTAssertEqual(try metrics(two)["ranks"] as? Int, 2)
        let (one, both) = (try metrics(single), try metrics(two))
        XCTAssertEqual(try XCTUnwrap(one["best_valid_loss"] as? Double), try XCTUnwrap(both["best_valid_loss"] as? Double), accuracy: 1e-5,
                       "validation split across the ranks and summed measures what one process measures")
        XCTAssertEqual(one["best_valid_acc"] as? Double, both["best_valid_acc"] as? Double)
    }

    func testTwoRanksTrainTheExtractorLikeOneProcess() throws {
        let recipe = ["extractor", "--recipe", "recipes/extractor-small.yaml", "--set", "model.dropout=0", "--set", "data.train_limit=64",
                      "--set", "data.valid_limit=16", "--set", "training.warmup_steps=1", "--max-steps", "4"]
        let one = folder("extractor-one"), two = folder("extractor-two")
        let single = try cli.run(recipe + ["--output", one])
        XCTAssertEqual(single.status, 0, single.err)
        let both = try runMPI(ranks: 2, recipe + ["--output", two])
        XCTAssertEqual(both.status, 0, both.out)
        let difference = try largestDifference(one, two)
        print("extractor, 2 ranks against 1 process after 4 steps: largest weight difference \(difference)")
        XCTAssertLessThanOrEqual(difference, Self.tolerance)
        XCTAssertEqual(try metrics(two)["rank_weight_divergence"] as? Double, 0)
    }

    func testTwoRankRunResumesToTheUninterruptedWeightsAndOnlyWithTwoRanks() throws {
        let uninterrupted = folder("two-full"), resumed = folder("two-resumed")
        XCTAssertEqual(try runMPI(ranks: 2, ["pal"] + Self.recipe + ["--max-steps", "6", "--output", uninterrupted]).status, 0)
        let stopped = try runMPI(ranks: 2, ["pal"] + Self.recipe + ["--max-steps", "6", "--stop-after", "3", "--output", resumed])
        XCTAssertTrue(stopped.out.contains("interrupted at step 3"), stopped.out)
        let alone = try cli.run(["pal", "--resume", resumed])
        XCTAssertNotEqual(alone.status, 0)
        XCTAssertTrue(alone.err.contains("was written by a run of 2 rank(s), and this one has 1: resume it with mpirun -np 2"), alone.err)
        let three = try runMPI(ranks: 3, ["pal", "--resume", resumed])
        XCTAssertNotEqual(three.status, 0)
        XCTAssertTrue(three.out.contains("and this one has 3"), three.out)
        let again = try runMPI(ranks: 2, ["pal", "--resume", resumed])
        XCTAssertEqual(again.status, 0, again.out)
        XCTAssertEqual(try largestDifference(uninterrupted, resumed), 0, "stopped at step 3 and resumed on 2 ranks: bit-identical to the uninterrupted run")
    }

    func testARankThatDiesStopsTheOthersAndTheRunResumes() throws {
        let run = folder("killed")
        let process = try launch(ranks: 2, ["pal"] + Self.recipe + ["--max-steps", "400", "--set", "training.save_every=2", "--output", run])
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        // Wait for a periodic save, then kill rank 1 the hard way.
        let deadline = Date().addingTimeInterval(120)
        while Date() < deadline && ((try? weights(run).step) ?? nil ?? 0) < 4 { usleep(50_000) }
        let rank1 = try XCTUnwrap(ranks(under: process.processIdentifier)[1], "rank 1's process")
        kill(rank1, SIGKILL)
        let killedAt = Date()
        while process.isRunning && Date().timeIntervalSince(killedAt) < 60 { usleep(50_000) }
        XCTAssertFalse(process.isRunning, "the other rank and mpirun stop within 60 s of a rank's death")
        print(String(format: "rank 1 killed: mpirun and rank 0 gone after %.1f s", Date().timeIntervalSince(killedAt)))
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
        XCTAssertNotEqual(process.terminationStatus, 0)
        let saved = try XCTUnwrap(try weights(run).step, "last.h5 is intact")
        XCTAssertGreaterThanOrEqual(saved, 4)
        let resumed = try runMPI(ranks: 2, ["pal", "--resume", run, "--max-steps", "\(saved + 2)"])
        XCTAssertEqual(resumed.status, 0, resumed.out)
        XCTAssertEqual(try weights(run).step, saved + 2)
    }

    func testARankThatHangsIsGivenUpAfterTheTimeout() throws {
        let run = folder("hung")
        let process = try launch(ranks: 2, ["pal"] + Self.recipe + ["--max-steps", "400", "--output", run], exported: ["PALTRAIN_MPI_TIMEOUT=3"])
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let deadline = Date().addingTimeInterval(120)
        while Date() < deadline && ((try? String(contentsOfFile: run + "/log.jsonl", encoding: .utf8)) ?? "").components(separatedBy: "\"loss\"").count < 3 {
            usleep(50_000)
        }
        let rank1 = try XCTUnwrap(ranks(under: process.processIdentifier)[1], "rank 1's process")
        kill(rank1, SIGSTOP)   // alive but silent, as behind a failed network
        let text = output.fileHandleForReading.readDataToEndOfFile()   // until mpirun and both ranks are gone
        process.waitUntilExit()
        let said = String(decoding: text, as: UTF8.self)
        XCTAssertNotEqual(process.terminationStatus, 0)
        XCTAssertTrue(said.contains("rank 0 of 2 waited 3 s in an MPI"), said)
        XCTAssertTrue(said.contains("continue with --resume and the same number of ranks"), said)
        let state = (try? String(contentsOfFile: "/proc/\(rank1)/stat", encoding: .utf8))?.split(separator: ")").last?.split(separator: " ").first
        XCTAssertNotEqual(state, "T", "the stopped rank does not outlive the job")
    }

    func testOneRankInEachOfTwoNetworkNamespacesTrainsLikeOneProcess() throws {
        _ = try mpirun()
        let run = folder("namespaces")
        let r = try runMPI(ranks: 2, ["pal"] + Self.recipe + ["--max-steps", "6", "--output", run], script: "scripts/mpirun-two-namespaces.sh")
        if r.status == 77 { throw XCTSkip(r.out) }
        XCTAssertEqual(r.status, 0, r.out)
        let difference = try largestDifference(single, run)
        print("2 ranks over TCP between two network namespaces against 1 process: largest weight difference \(difference)")
        XCTAssertLessThanOrEqual(difference, Self.tolerance)
        XCTAssertEqual(try metrics(run)["rank_weight_divergence"] as? Double, 0)
    }

    /// The pids of the paltrain ranks mpirun `parent` started, by rank.
    private func ranks(under parent: Int32) -> [Int: Int32] {
        var found: [Int: Int32] = [:]
        for entry in (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? [] {
            guard let pid = Int32(entry),
                  let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
                  let parentField = stat.split(separator: ")").last?.split(separator: " ").dropFirst(1).first,
                  Int32(parentField) == parent,
                  let environment = FileManager.default.contents(atPath: "/proc/\(pid)/environ") else { continue }
            for variable in environment.split(separator: 0) where variable.starts(with: Array("OMPI_COMM_WORLD_RANK=".utf8)) {
                if let rank = Int(String(decoding: variable.dropFirst(21), as: UTF8.self)) { found[rank] = pid }
            }
        }
        return found
    }
}
