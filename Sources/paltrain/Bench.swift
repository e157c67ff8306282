// `paltrain bench` (`make bench`): in one run on this machine's threads — raw cblas_sgemm GFLOP/s on
// the 90M model's shapes (the ceiling of this run), a training step (forward + backward + AdamW) at
// the 90M and the tiny config with its model GFLOP/s and fraction of the ceiling (and the tiny one
// over batches of changing lengths, with its page faults per step), PAL's training step at the paper
// recipe's lengths with the hours 10 epochs would take, greedy decoding tokens/s at both configs plain
// and with PAL's one- and two-branch strategy control, with fp16 and bf16 weights at 90M, interleaved
// pairs at 90M (fp16 and bf16 against fp32, two branches against one), the peak resident memory of
// each, the allreduce of the 90M gradient buffer across 2 ranks under mpirun (data-parallel
// training's cost per step), and the memory-bandwidth floor of decoding (the weights a token streams
// ÷ the read bandwidth measured around each 90M decoding row). Every workload and sgemm probe runs
// in a child process of its own, so a workload's peak memory is its own; the sgemm ceiling and the training
// rows with targets run in `--runs` processes spread over the bench, the fastest kept, and each training
// row's process runs between two children that probe the ceiling again, for its share of it. With the
// PyTorch peer's JSON (scripts/bench_torch.py) each row gets its ratio; with the peers' workload
// commands (`make bench` gives them), each process of a row with a target runs just after one of each
// peer's, so the VM's slow spells meet every side of its ratios.
import ArgumentParser
import DataParallel
import Foundation
import PAL
import TensorCore
import TextData

struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measure sgemm, training steps (PAL's at the paper recipe's lengths too) and decoding (fp32, fp16 and bf16 weights, against the memory-bandwidth floor) at the 90M and a tiny config, with peak memory, and the 2-rank allreduce under mpirun; compare with both PyTorch peers when their results are given.")

    @Option(help: "Timed repetitions per workload (after one warmup); default 5 at 90M (3 for the paper-length PAL step), 50 for the tiny config.")
    var repeats: Int?

    @Option(help: "Processes each training row with a speed target (\(Bench.spreadRows.joined(separator: ", "))) and each sgemm ceiling probe runs in, spread over the bench: each keeps its fastest process, as the PyTorch peers do for their rows.")
    var runs = 3

    @Option(help: "Run only the workloads whose name contains this (e.g. tiny, decode).")
    var only: String?

    @Option(help: "Where to write the measurements as JSON.")
    var json = "bench.json"

    @Option(help: "The PyTorch peer's results (scripts/bench_torch.py); ratios are printed when the file exists.")
    var peer = "bench-torch.json"

    @Option(help: "The tuned PyTorch peer's results (bench_torch.py --tuned under jemalloc); ratios are printed when the file exists.")
    var tunedPeer = "bench-torch-tuned.json"

    @Option(help: "A shell command that measures one of the PyTorch peer's workloads, named by the argument added after it, and prints its row as JSON (`bench_torch.py --workload`). With it, each process of a row with a speed target (\(Bench.spreadRows.joined(separator: ", "))) runs just after one of the peer's, and the fastest of those replaces the peer's row from --peer.")
    var peerWorkload: String?

    @Option(help: "The same for the tuned peer (its row replaces the one from --tuned-peer).")
    var tunedPeerWorkload: String?

    @Option(help: .hidden)
    var workload: String?

    struct Row: Codable {
        var name: String
        var value: Double
        var unit: String
        var samples: [Double]?
        var peakMB: Double?
        /// Training rows: model FLOPs per second, and that as a fraction of this run's sgemm ceiling.
        var modelGFLOPs: Double?
        var ceilingFraction: Double?
        /// Training rows: the sgemm ceiling of the projection shapes probed in child processes just
        /// before and just after the row's (the faster), so that a slow spell of the VM over the row
        /// shows on both sides of the share.
        var ceilingAround: Double?
        var detail: String
        var peerValue: Double?
        var peerPeakMB: Double?
        /// How many times better than the peer (throughput ratio; time and memory inverted).
        var ratio: Double?
        var memoryRatio: Double?
        /// The same against the tuned peer (jemalloc, fused AdamW).
        var tunedPeerValue: Double?
        var tunedPeerPeakMB: Double?
        var tunedRatio: Double?
        /// Decoding rows: milliseconds per token of the decoder steps alone (median), the encoder excluded.
        var stepMilliseconds: Double?
        /// 90M decoding rows: the read bandwidth measured just before and just after the row (their
        /// mean, GB/s), which its bandwidth floor uses: this VM's bandwidth moves by up to 2x within minutes.
        var readGBps: Double?

        enum CodingKeys: String, CodingKey {
            case name, value, unit, samples, detail, ratio
            case peakMB = "peak_rss_mb", modelGFLOPs = "model_gflops", ceilingFraction = "ceiling_fraction", peerValue = "peer_value", peerPeakMB = "peer_peak_rss_mb", memoryRatio = "memory_ratio"
            case tunedPeerValue = "tuned_peer_value", tunedPeerPeakMB = "tuned_peer_peak_rss_mb", tunedRatio = "tuned_ratio"
            case stepMilliseconds = "step_ms_per_token", readGBps = "read_gbps_around", processMedians = "process_medians", ceilingAround = "ceiling_around_gflops"
            case peerProcessMedians = "peer_process_medians", tunedPeerProcessMedians = "tuned_peer_process_medians"
        }

        /// The medians of every process that ran this row (`--runs`), in the order they ran; the same
        /// for each peer's processes paired with them (`--peer-workload`, `--tuned-peer-workload`).
        var processMedians: [Double]?
        var peerProcessMedians: [Double]?
        var tunedPeerProcessMedians: [Double]?

        /// How many times better than `peer`'s value (throughput ratio; time inverted).
        func ratio(to peer: Double) -> Double { unit == "s/step" ? peer / value : value / peer }

        /// The fastest of `runs` (the same training row from several processes, in the order they
        /// ran), with every process's median and the largest peak memory.
        static func fastest(of runs: [Row]) -> Row {
            var row = runs.min { $0.value < $1.value }!
            guard runs.count > 1 else { return row }
            row.processMedians = runs.map(\.value)
            row.peakMB = runs.compactMap(\.peakMB).max()
            row.detail += "; the fastest of \(runs.count) processes (medians " + Bench.medians(runs.map(\.value)) + ")"
            return row
        }
    }

    /// Matrix shapes of the 90M model at batch 4 × 160 source tokens: (name, m, n, k, batch).
    static let shapes: [(String, Int, Int, Int, Int)] = [
        ("q/k/v/out projection 640×512·512ᵀ", 640, 512, 512, 1),
        ("fc1 640×512·2048ᵀ", 640, 2048, 512, 1),
        ("fc2 640×2048·512ᵀ", 640, 512, 2048, 1),
        ("attention scores 64 × 160×32·160ᵀ", 160, 160, 32, 64),
        ("vocabulary projection 160×512·54944ᵀ", 160, 54944, 512, 1),
    ]

    /// Workload names, in table order.
    static let workloads = ["train 90M", "train tiny", varyingLengths, paperStep, "decode 90M", "decode 90M f16 weights", "decode 90M bf16 weights",
                            "decode 90M f16 / fp32 interleaved", "decode 90M bf16 / fp32 interleaved", "decode tiny",
                            "decode PAL 90M one branch", "decode PAL 90M two branches", "decode PAL 90M two / one branch interleaved",
                            "decode PAL tiny one branch", "decode PAL tiny two branches"]

    func validate() throws {
        if let repeats, repeats < 1 { throw ValidationError("--repeats must be at least 1, got \(repeats)") }
        if runs < 1 { throw ValidationError("--runs must be at least 1, got \(runs)") }
    }

    func run() throws {
        if let workload { return try measure(workload) }
        try FileAccess.checkOutputFile(URL(fileURLWithPath: json))
        print("paltrain bench — OpenBLAS core \(BLAS.coreName), \(Threading.threads) threads")
        var peerRows = try loadPeer(peer), tunedRows = try loadPeer(tunedPeer)
        // Workloads and probes in child processes, the memory probes in this one after them: a child's
        // peak resident memory starts from its parent's at the time it is spawned.
        var ceilings: [Row] = []
        func probeCeilings() throws {   // each shape in a child of its own; the fastest of every probe so far kept
            guard only == nil else { return }
            for (i, shape) in Self.shapes.enumerated() {
                let row = try child("sgemm " + shape.0)
                if i == ceilings.count { ceilings.append(row) } else if row.value > ceilings[i].value { ceilings[i] = row }
            }
        }
        try probeCeilings()
        // A row with a speed target: one process of each peer given a workload command, then ours.
        var ours: [String: [Row]] = [:], peers: [String: [Row]] = [:], tunedPeers: [String: [Row]] = [:]
        func runPaired(_ name: String) throws {
            if let peerWorkload { peers[name, default: []].append(try peerChild(peerWorkload, name)) }
            if let tunedPeerWorkload { tunedPeers[name, default: []].append(try peerChild(tunedPeerWorkload, name)) }
            ours[name, default: []].append(try probed(name))
        }
        var workloads: [Row] = []
        for name in Self.workloads where selected(name) {
            if Self.spreadRows.contains(name) {
                try runPaired(name)
                workloads.append(ours[name]![0])
                continue
            }
            workloads.append(try probed(name))
        }
        // The rows with speed targets, and the sgemm ceiling, again after all the others: this VM's
        // slow spells are shorter.
        for _ in 1..<runs {
            for name in Self.spreadRows where selected(name) { try runPaired(name) }
            try probeCeilings()
        }
        let paired = peerWorkload != nil || tunedPeerWorkload != nil
        for i in workloads.indices {
            guard let runs = ours[workloads[i].name] else { continue }
            workloads[i] = .fastest(of: runs)
            if paired { workloads[i].detail += "; each process just after one of each peer's" }
        }
        for (name, runs) in peers { peerRows[name] = .fastest(of: runs) }
        for (name, runs) in tunedPeers { tunedRows[name] = .fastest(of: runs) }
        if selected(Self.allreduce) {
            if let row = try allreduceAcrossRanks() { workloads.append(row) }
        }
        var rows = ceilings.map { row in
            var row = row
            row.peakMB = nil   // the probe's arrays, not a model's
            if runs > 1 { row.detail += ", the fastest of \(runs) processes spread over the bench" }
            return row
        }
        let ceiling = rows.map(\.value).max()
        for i in workloads.indices {
            guard let gflops = workloads[i].modelGFLOPs else { continue }
            if let ceiling {
                workloads[i].ceilingFraction = gflops / ceiling
                workloads[i].detail += String(format: "; %.1f%% of the sgemm ceiling (%.0f GFLOP/s)", 100 * gflops / ceiling, ceiling)
            }
            if let around = workloads[i].ceilingAround {
                workloads[i].detail += String(format: "; %.1f%% of the %.0f GFLOP/s probed just before and after its process", 100 * gflops / around, around)
            }
        }
        rows += workloads
        if selected("decode 90M") {
            // Decoding against the memory-bandwidth floor, measured in this run.
            let copy = BandwidthProbe.copyGBps(), read = BandwidthProbe.readGBps()
            let bytes = BandwidthProbe.decoderBytesPerToken(BenchWorkloads.config("90m")), floor = Double(bytes) / (read * 1e9)
            rows.append(Row(name: "memory copy", value: copy, unit: "GB/s", detail: "1 GiB memcpy on one thread, bytes copied per second, best of 5"))
            let around = rows.compactMap(\.readGBps)
            rows.append(Row(name: "memory read", value: read, unit: "GB/s",
                            detail: "1 GiB read on \(Threading.threads) kernel threads, best of 5"
                                + (around.isEmpty ? "" : String(format: "; %.1f–%.1f GB/s around the 90M decoding rows", around.min()!, around.max()!))))
            rows.append(Row(name: "decode 90M bandwidth floor", value: floor * 1000, unit: "ms/token",
                            detail: String(format: "%.0f MB of decoder and vocabulary weights streamed per token ÷ the read bandwidth (%.1f ms at the copy's)",
                                           Double(bytes) / 1e6, Double(bytes) / (copy * 1e9) * 1000)))
            for i in rows.indices where rows[i].name.hasPrefix("decode") && rows[i].name.contains("90M") && rows[i].unit == "tokens/s" {
                // Each row against the floor of the bytes it streams (half the matrices' with 16-bit
                // weights) at the bandwidth read around it (the run's read without one).
                let halfPrecision = HalfPrecisionFormat.allCases.contains { rows[i].name.hasSuffix(" \($0.rawValue) weights") }
                let rowBytes = halfPrecision ? BandwidthProbe.decoderBytesPerToken(BenchWorkloads.config("90m"), matrixBytes: 2) : bytes
                let rowFloor = Double(rowBytes) / ((rows[i].readGBps ?? read) * 1e9)
                rows[i].detail += String(format: "; %.2f ms/token, %.2fx the bandwidth floor (%.2f ms: %.0f MB at the %.1f GB/s read around this row)",
                                         1000 / rows[i].value, 1 / rows[i].value / rowFloor, rowFloor * 1000, Double(rowBytes) / 1e6, rows[i].readGBps ?? read)
                if let step = rows[i].stepMilliseconds {
                    rows[i].detail += String(format: "; decoder steps alone %.2f ms/token, %.2fx the floor", step, step / 1000 / rowFloor)
                }
            }
        }
        // Two-branch control against one branch: the cost of eq. 6.
        for size in ["90M", "tiny"] {
            if let one = rows.firstIndex(where: { $0.name == "decode PAL \(size) one branch" }),
               let two = rows.firstIndex(where: { $0.name == "decode PAL \(size) two branches" }) {
                rows[two].detail += String(format: "; %.2fx the time of one branch", rows[one].value / rows[two].value)
                if let oneStep = rows[one].stepMilliseconds, let twoStep = rows[two].stepMilliseconds {
                    rows[two].detail += String(format: " (decoder steps alone %.2fx)", twoStep / oneStep)
                }
            }
        }
        for i in rows.indices {
            if let p = peerRows[rows[i].name] {
                rows[i].peerValue = p.value
                rows[i].peerProcessMedians = p.processMedians
                if let medians = p.processMedians { rows[i].detail += "; PyTorch's processes " + Self.medians(medians) }
                rows[i].peerPeakMB = p.peakMB
                rows[i].ratio = rows[i].ratio(to: p.value)
                if let mine = rows[i].peakMB, let theirs = p.peakMB { rows[i].memoryRatio = theirs / mine }
            }
            if let t = tunedRows[rows[i].name] {
                rows[i].tunedPeerValue = t.value
                rows[i].tunedPeerProcessMedians = t.processMedians
                if let medians = t.processMedians { rows[i].detail += "; tuned PyTorch's " + Self.medians(medians) }
                rows[i].tunedPeerPeakMB = t.peakMB
                rows[i].tunedRatio = rows[i].ratio(to: t.value)
            }
        }
        print(table(rows, withPeer: !peerRows.isEmpty, withTuned: !tunedRows.isEmpty))
        if selected("decode 90M") {
            print("Max |logit difference| of each faster decoding path against the plain one (90M, random weights, 8 steps):")
            for (path, difference) in BenchWorkloads.exactness() { print(String(format: "  %@: %.3g", path, difference)) }
        }
        if peerRows.isEmpty { print("(no PyTorch peer: `make bench-peer` installs it, then `make bench` runs it and prints ratios)") }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try FileAccess.write(encoder.encode(rows), to: URL(fileURLWithPath: json))
        print("wrote \(json)")
    }

    /// Whether `--only` (a substring of the row's name) selects the row `name`.
    private func selected(_ name: String) -> Bool { only.map { name.contains($0) } ?? true }

    private func table(_ rows: [Row], withPeer: Bool, withTuned: Bool) -> String {
        let header = ["measurement", "paltrain", "unit", "peak MB"] + (withPeer ? ["PyTorch", "peak MB", "speed ×", "memory ×"] : [])
            + (withTuned ? ["PyTorch tuned", "peak MB", "speed ×"] : []) + ["detail"]
        return MetricsTable.markdown(header: header, rows: rows.map { r in
            func number(_ value: Double?) -> String { value.map { String(format: r.unit == "s/step" ? "%.4f" : r.unit == "×" ? "%.2f" : "%.1f", $0) } ?? "" }
            func megabytes(_ value: Double?) -> String { value.map { String(format: "%.0f", $0) } ?? "" }
            func times(_ value: Double?) -> String { value.map { String(format: "%.2f", $0) } ?? "" }
            let peer = withPeer ? [number(r.peerValue), megabytes(r.peerPeakMB), times(r.ratio), times(r.memoryRatio)] : []
            let tuned = withTuned ? [number(r.tunedPeerValue), megabytes(r.tunedPeerPeakMB), times(r.tunedRatio)] : []
            return [r.name, number(r.value), r.unit, megabytes(r.peakMB)] + peer + tuned + [r.detail]
        })
    }

    private func loadPeer(_ file: String) throws -> [String: Row] {
        guard let data = FileManager.default.contents(atPath: file) else { return [:] }
        do {
            return Dictionary(try JSONDecoder().decode([Row].self, from: data).map { ($0.name, $0) }) { a, _ in a }
        } catch {
            throw ValidationError("\(file): not the peer's results (\(error)); run `make bench` again or delete it")
        }
    }

    /// The training rows whose ratios are targets (issue 17), each run in `--runs` processes. This
    /// VM has spells of tens of seconds in which everything runs 20–30% slower; a row measured in one
    /// process lands in one by chance, on either side of a ratio (`docs/performance.md`, tenth round).
    static let spreadRows = ["train 90M", "train tiny"]

    /// Processes' median step times, as the table prints them.
    static func medians(_ seconds: [Double]) -> String { seconds.map { String(format: "%.4f", $0) }.joined(separator: ", ") + " s" }

    /// PAL's training step at `recipes/pal-paper.yaml`'s lengths.
    static let paperStep = "train PAL 90M paper lengths"

    /// The tiny step over batches of changing lengths.
    static let varyingLengths = "train tiny varying lengths"

    /// The allreduce row's name; it runs under `mpirun -np 2`, not as a plain child.
    static let allreduce = "allreduce 90M gradients, 2 ranks"
    /// The read-bandwidth probe as a child of its own, run just before and after each 90M decoding
    /// row (in the parent, its 1 GiB would count in every later child's peak memory).
    static let readProbe = "memory read probe"
    /// The sgemm probe run as a child just before and after each training row: the fastest of the
    /// q/k/v/out, fc1 and fc2 shapes (the first three of `shapes`, where the run's ceiling comes from).
    static let ceilingProbe = "projection sgemm probe"

    /// One of `shapes` through `SgemmProbe`, best of 30.
    static func sgemmGFLOPs(_ shape: (String, Int, Int, Int, Int)) -> Double {
        SgemmProbe.gflops(m: shape.1, n: shape.2, k: shape.3, batch: shape.4, repeats: 30)
    }

    /// `name` in a child process, between two children of the probe its row is read against: the
    /// sgemm ceiling for a training row, the read bandwidth for a 90M decoding row that streams weights.
    private func probed(_ name: String) throws -> Row {
        let probe = name.hasPrefix("train") ? Self.ceilingProbe
            : name.hasPrefix("decode") && name.contains("90M") && !name.hasSuffix("interleaved") ? Self.readProbe : nil
        guard let probe else { return try child(name) }
        let before = try child(probe).value
        var row = try child(name)
        let after = try child(probe).value
        if probe == Self.ceilingProbe { row.ceilingAround = max(before, after) } else { row.readGBps = (before + after) / 2 }
        return row
    }

    /// The allreduce row, from `mpirun -np 2 paltrain bench --workload …` (nil, said, without mpirun).
    private func allreduceAcrossRanks() throws -> Row? {
        guard let mpirun = ["/usr/bin/mpirun", "/usr/local/bin/mpirun"].first(where: FileManager.default.isExecutableFile) else {
            print("(no mpirun: the allreduce row needs Open MPI, which `make setup` installs)")
            return nil
        }
        return try child(Self.allreduce, launcher: [mpirun, "-np", "2", "--oversubscribe", "--mca", "btl_vader_single_copy_mechanism", "none"])
    }

    /// Runs a peer's workload `name` through its shell `command` (the name added as its last argument)
    /// and reads the row it prints last.
    private func peerChild(_ command: String, _ name: String) throws -> Row {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", command + " \"$1\"", "sh", name]
        let out = Pipe()
        process.standardOutput = out   // its warnings go to our standard error as they come
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let last = String(decoding: data, as: UTF8.self).split(separator: "\n").last.map(String.init) ?? ""
        guard process.terminationStatus == 0, let row = try? JSONDecoder().decode(Row.self, from: Data(last.utf8)) else {
            throw ValidationError("the peer's workload \(name) failed (`\(command) '\(name)'`, status \(process.terminationStatus)); its output: "
                                  + String(decoding: data, as: UTF8.self).suffix(2000))
        }
        return row
    }

    /// Runs `name` in a child `paltrain bench --workload name` (started through `launcher` when
    /// given) and reads its row.
    private func child(_ name: String, launcher: [String] = []) throws -> Row {
        let process = Process()
        let me = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().path
        let command = launcher + [me, "bench", "--workload", name] + (repeats.map { ["--repeats", "\($0)"] } ?? [])
        process.executableURL = URL(fileURLWithPath: command[0])
        process.arguments = Array(command.dropFirst())
        // mpirun refuses root unless told twice; the bench's ranks only read their own memory.
        process.environment = ProcessInfo.processInfo.environment.merging(["OMPI_ALLOW_RUN_AS_ROOT": "1", "OMPI_ALLOW_RUN_AS_ROOT_CONFIRM": "1"]) { a, _ in a }
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0, let row = try? JSONDecoder().decode(Row.self, from: data) else {
            throw ValidationError("bench workload \(name) failed (status \(process.terminationStatus)): \(String(decoding: data, as: UTF8.self))")
        }
        return row
    }

    /// One workload in this process; prints its row as JSON.
    private func measure(_ name: String) throws {
        let size = name.contains("90M") ? "90m" : "tiny"
        let count = repeats ?? (name == Self.paperStep ? 3 : name.hasSuffix("interleaved") ? 10 : size == "90m" || name == Self.varyingLengths ? 5 : 50)
        var row: Row
        if name == Self.readProbe {
            row = Row(name: name, value: BandwidthProbe.readGBps(), unit: "GB/s", detail: "")
        } else if name == Self.ceilingProbe {
            row = Row(name: name, value: Self.shapes.prefix(3).map(Self.sgemmGFLOPs).max()!, unit: "GFLOP/s", detail: "")
        } else if let shape = Self.shapes.first(where: { "sgemm " + $0.0 == name }) {
            row = Row(name: name, value: Self.sgemmGFLOPs(shape), unit: "GFLOP/s", detail: "raw cblas_sgemm, best of 30")
        } else if name == Self.allreduce {
            let world = try World.join()
            defer { world.finish() }
            let (samples, bytes) = try BenchWorkloads.allreduce(world, repeats: repeats ?? 10)
            guard world.isRoot else { return }
            let median = samples.sorted()[samples.count / 2]
            row = Row(name: name, value: median * 1000, unit: "ms", samples: samples,
                      detail: String(format: "%.0f MB of float32 gradients summed in place by MPI_Allreduce across %d ranks on this machine, "
                                     + "%.2f GB/s algorithm bandwidth, median of %d", Double(bytes) / 1e6, world.size, Double(bytes) / median / 1e9, samples.count))
        } else if name.hasPrefix("train") {
            let paper = name == Self.paperStep, varying = name == Self.varyingLengths
            let shapes = varying ? BenchWorkloads.varyingShapes : [paper ? BenchWorkloads.paper : BenchWorkloads.standard]
            let (samples, flops, faults) = BenchWorkloads.trainingSteps(size, pal: paper, shapes: shapes, repeats: count)
            if OpProfiler.isEnabled { FileHandle.standardError.write(Data((OpProfiler.report(steps: shapes.count * count) + "\n").utf8)) }
            let median = samples.sorted()[samples.count / 2]
            row = Row(name: name, value: median, unit: "s/step", samples: samples, modelGFLOPs: flops / median / 1e9,
                      detail: String(format: "%.1f model GFLOP/s (%.1f GFLOP/step), %.0f page faults per step, median of %d", flops / median / 1e9, flops / 1e9, faults, count))
            if varying {
                row.detail += String(format: " passes (the mean step of each); batch 16 × sources of %@ tokens (targets a quarter, at most 50), one step each per pass",
                                     shapes.map { "\($0.source)" }.joined(separator: ", "))
            }
            if paper {
                let shape = shapes[0], steps = 10 * ((BenchWorkloads.paperTrainingExamples + shape.batch - 1) / shape.batch)
                row.detail += String(format: "; batch %d × %d input (persona %d, padded to it) / %d target tokens; 10 epochs (%d steps) at this length: %.1f h",
                                     shape.batch, shape.source, shape.persona, shape.target, steps, Double(steps) * median / 3600)
            }
        } else if name.hasSuffix("interleaved") {
            // fp32 against fp16 or bf16 weights (two models), or PAL's two branches against one (one model).
            let pair: (BenchWorkloads.DecodeRun, BenchWorkloads.DecodeRun), what: String
            if name.contains("PAL") {
                let two = BenchWorkloads.DecodeRun("90m", .palTwoBranches, halfPrecision: nil)
                (pair, what) = ((two, .init(.palOneBranch, sharingModelOf: two)), "the time of two branches over one, their decoding samples alternating in one process")
            } else {
                let format: HalfPrecisionFormat = name.contains("bf16") ? .bf16 : .f16
                pair = (.init("90m", .plain, halfPrecision: nil), .init("90m", .plain, halfPrecision: format))
                what = "the speed of \(format.rawValue) weights over fp32, their decoding samples alternating in one process (both models loaded)"
            }
            let (ratios, stepRatios) = BenchWorkloads.interleaved(pair.0, pair.1, repeats: count)
            row = Row(name: name, value: ratios.sorted()[ratios.count / 2], unit: "×", samples: ratios,
                      detail: String(format: "%@, encoder included, median of %d pairs; decoder steps alone %.2f×", what, count, stepRatios.sorted()[stepRatios.count / 2]))
        } else {
            let mode: BenchWorkloads.Decoding = name.contains("two branches") ? .palTwoBranches : name.contains("PAL") ? .palOneBranch : .plain
            let run = BenchWorkloads.DecodeRun(size, mode, halfPrecision: HalfPrecisionFormat.allCases.first { name.hasSuffix(" \($0.rawValue) weights") })
            let (samples, steps) = BenchWorkloads.decode(run, repeats: count)
            if OpProfiler.isEnabled { FileHandle.standardError.write(Data((OpProfiler.report(steps: count * BenchWorkloads.newTokens, per: "new token, the encoder's share included") + "\n").utf8)) }
            let median = samples.sorted()[samples.count / 2], stepMedian = steps.sorted()[steps.count / 2]
            row = Row(name: name, value: Double(BenchWorkloads.newTokens) / median, unit: "tokens/s", samples: samples,
                      detail: "greedy, batch 1, \(BenchWorkloads.standard.source) source tokens, \(BenchWorkloads.newTokens) new tokens, encoder included, median of \(count)")
            row.stepMilliseconds = stepMedian * 1000 / Double(BenchWorkloads.newTokens)
        }
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        row.peakMB = Double(usage.ru_maxrss) / 1024
        print(String(decoding: try JSONEncoder().encode(row), as: UTF8.self))
    }
}
