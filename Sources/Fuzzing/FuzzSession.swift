// FuzzSession: runs one target on mutated inputs for a time or an iteration budget, seeded and
// reproducible. Each input is written to a file before it is read, so when the process dies (a trap,
// a hang the watchdog stops, memory) that file is the input to replay; an input that breaks the
// property is kept beside it. Inputs that reach a new outcome join the corpus that mutations start from.
import Foundation
import JSON
import Synchronization
import TensorCore

/// How long and from which seed a session runs.
public struct FuzzBudget: Sendable {
    public var seed: UInt64
    /// Stop after this many seconds …
    public var seconds: Double
    /// … or this many mutated inputs, whichever comes first.
    public var iterations: Int
    /// An input still being read after this many seconds is a hang: the process stops.
    public var hangSeconds: Double
    /// Growth of the process's peak memory beyond this is a violation.
    public var memoryLimitBytes: Int

    public init(seed: UInt64, seconds: Double, iterations: Int = .max, hangSeconds: Double = 30, memoryLimitBytes: Int = 2 << 30) {
        self.seed = seed
        self.seconds = seconds
        self.iterations = iterations
        self.hangSeconds = hangSeconds
        self.memoryLimitBytes = memoryLimitBytes
    }
}

/// What a session did.
public struct FuzzReport: Sendable {
    public var target: FuzzTarget
    public var seed: UInt64
    public var iterations = 0
    public var accepted = 0
    public var rejected = 0
    public var seconds = 0.0
    public var corpusSize = 0
    /// One example message for each distinct outcome signature.
    public var outcomes: [String: String] = [:]
    /// Inputs that broke the property: the file each is kept in, and what was wrong.
    public var violations: [(file: URL, iteration: Int, problem: String)] = []

    public var summary: String {
        "fuzz \(target.rawValue): seed \(seed), \(iterations) inputs in \(String(format: "%.1f", seconds)) s "
            + "(\(accepted) accepted, \(rejected) rejected, \(outcomes.count) distinct outcomes, corpus \(corpusSize)), "
            + "\(violations.count) violations"
    }
}

public enum FuzzSession {
    /// Mutated inputs that reach a new outcome join the corpus up to this many entries and this size.
    static let corpusLimit = 4096
    static let corpusEntryLimit = 64 << 10

    /// Fuzzes `target` within `budget`, working in `directory` (created; the input file is removed at the end).
    public static func run(_ target: FuzzTarget, budget: FuzzBudget, directory: URL, log: (String) -> Void) throws -> FuzzReport {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let file = directory.appendingPathComponent("input.\(target.fileExtension)")
        log("fuzz \(target.rawValue): seed \(budget.seed), up to \(budget.seconds) s; the input being read is in \(file.path) "
            + "(if the process dies, replay it: paltrain-fuzz replay \(target.rawValue) \(file.path))")
        var report = FuzzReport(target: target, seed: budget.seed)
        let writer = try InputFile(file)
        let watchdog = Watchdog(limit: budget.hangSeconds, target: target, file: file)
        let startMemory = peakMemoryBytes()
        var memoryExceeded = false
        defer { watchdog.stop() }

        func attempt(_ input: [UInt8], iteration: Int) throws -> FuzzOutcome? {
            try writer.write(input)
            watchdog.begin()
            defer { watchdog.end() }
            do {
                let outcome = try target.check(input, file: file)
                let grown = peakMemoryBytes() - startMemory
                guard grown <= budget.memoryLimitBytes else {
                    memoryExceeded = true  // the peak stays where it is: every later input would be blamed too
                    throw PropertyViolation("the process's peak memory grew by \(grown >> 20) MiB (limit \(budget.memoryLimitBytes >> 20) MiB)")
                }
                return outcome
            } catch let violation as PropertyViolation {
                let kept = directory.appendingPathComponent("violation-\(report.violations.count + 1).\(target.fileExtension)")
                try Data(input).write(to: kept)
                report.violations.append((kept, iteration, violation.description))
                log("fuzz \(target.rawValue): VIOLATION at iteration \(iteration) of seed \(budget.seed): \(violation.description.prefix(500))\n"
                    + "  input kept in \(kept.path); replay: paltrain-fuzz replay \(target.rawValue) \(kept.path)")
                return nil
            }
        }

        // The seeds must all be accepted, or the harness has rotted.
        var corpus = target.seeds
        for (index, seed) in corpus.enumerated() {
            if let outcome = try attempt(seed, iteration: -1 - index), !outcome.accepted {
                report.violations.append((file, -1 - index, "seed \(index) is rejected: \(outcome.detail)"))
            }
        }

        var mutator = Mutator(seed: budget.seed, grammar: target.grammar)
        var choices = RandomGenerator(seed: budget.seed ^ 0x5EED)
        let start = Date()
        var lastProgress = start
        while report.iterations < budget.iterations, Date().timeIntervalSince(start) < budget.seconds, report.violations.count < 10, !memoryExceeded {
            if Date().timeIntervalSince(lastProgress) >= 60 {
                lastProgress = Date()
                log("fuzz \(target.rawValue): \(Int(lastProgress.timeIntervalSince(start))) s, \(report.iterations) inputs, \(report.outcomes.count) distinct outcomes")
            }
            let base = corpus[Int(choices.next() % UInt64(corpus.count))]
            let other = corpus[Int(choices.next() % UInt64(corpus.count))]
            let input = mutator.mutate(base, other: other)
            report.iterations += 1
            guard let outcome = try attempt(input, iteration: report.iterations) else { continue }
            if outcome.accepted { report.accepted += 1 } else { report.rejected += 1 }
            let signature = outcome.signature
            if report.outcomes[signature] == nil {
                report.outcomes[signature] = outcome.detail.shortened(to: 300)
                if corpus.count < corpusLimit && input.count <= corpusEntryLimit { corpus.append(input) }
            }
        }
        report.seconds = Date().timeIntervalSince(start)
        report.corpusSize = corpus.count
        try? FileManager.default.removeItem(at: file)
        log(report.summary)
        return report
    }

    /// Reads `file` as an input of `target`: what a replay prints.
    public static func replay(_ target: FuzzTarget, file: URL) throws -> String {
        let input = try [UInt8](Data(contentsOf: file))
        do {
            let outcome = try target.check(input, file: file)
            return (outcome.accepted ? "accepted: " : "rejected: ") + outcome.detail
        } catch let violation as PropertyViolation {
            return "VIOLATION: \(violation.description)"
        }
    }

    /// The process's peak resident memory so far.
    static func peakMemoryBytes() -> Int {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return usage.ru_maxrss * 1024  // kilobytes on Linux
    }
}

// MARK: - The input file

/// The file each input is written to before it is read (one open descriptor, rewritten in place).
final class InputFile {
    private let descriptor: Int32
    let url: URL

    init(_ url: URL) throws {
        self.url = url
        descriptor = open(url.path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard descriptor >= 0 else { throw PropertyViolation("cannot create the input file \(url.path): \(String(cString: strerror(errno)))") }
    }

    deinit { close(descriptor) }

    func write(_ bytes: [UInt8]) throws {
        let written = bytes.withUnsafeBytes { pwrite(descriptor, $0.baseAddress, $0.count, 0) }
        guard written == bytes.count, ftruncate(descriptor, off_t(bytes.count)) == 0 else {
            throw PropertyViolation("cannot write the input file \(url.path): \(String(cString: strerror(errno)))")
        }
    }
}

// MARK: - Hangs

/// Stops the process when one input is read for longer than the limit, naming the file that holds it.
final class Watchdog: Sendable {
    /// When the current input started (uptime nanoseconds), 0 between inputs; `UInt64.max` once stopped.
    private let started = Atomic<UInt64>(0)

    init(limit: Double, target: FuzzTarget, file: URL) {
        let limitNanoseconds = UInt64(limit * 1e9)
        Thread.detachNewThread { [self] in
            while true {
                Thread.sleep(forTimeInterval: 0.25)
                let since = started.load(ordering: .acquiring)
                if since == .max { return }
                if since != 0, DispatchTime.now().uptimeNanoseconds - since > limitNanoseconds {
                    FileHandle.standardError.write(Data("""
                        paltrain-fuzz: an input of \(target.rawValue) has been read for more than \(limit) s (a hang); it is in \(file.path): \
                        replay it with paltrain-fuzz replay \(target.rawValue) \(file.path)

                        """.utf8))
                    fatalError("fuzz \(target.rawValue): hang")
                }
            }
        }
    }

    func begin() { started.store(DispatchTime.now().uptimeNanoseconds, ordering: .releasing) }
    func end() { started.store(0, ordering: .releasing) }
    func stop() { started.store(.max, ordering: .releasing) }
}
