// `paltrain bench` (`make bench`): in one process, raw sgemm GFLOP/s on the model's shapes (the
// ceiling of this run), the same shapes through TensorCore, and forward+backward of one transformer
// layer at BlenderbotSmall-90M width for batch 4 × 160 tokens. Prints a table and writes JSON.
import ArgumentParser
import Foundation
import NN
import TensorCore
import Training

struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measure sgemm, TensorCore matmul and a transformer layer's training step on this machine.")

    @Option(help: "Timed repetitions per measurement (after one warmup).")
    var repeats = 10

    @Option(help: "Where to write the measurements as JSON.")
    var json = "bench.json"

    struct Row: Codable {
        var name: String
        var value: Double
        var unit: String
        var detail: String
    }

    /// Matrix shapes of a BlenderbotSmall-90M layer at batch 4 × 160 tokens: (name, m, n, k, batch).
    static let shapes: [(String, Int, Int, Int, Int)] = [
        ("q/k/v/out projection 640×512·512ᵀ", 640, 512, 512, 1),
        ("fc1 640×512·2048ᵀ", 640, 2048, 512, 1),
        ("fc2 640×2048·512ᵀ", 640, 512, 2048, 1),
        ("attention scores 64 × 160×32·160ᵀ", 160, 160, 32, 64),
        ("output projection 640×512·54944ᵀ", 640, 54944, 512, 1),
        ("square 1024³", 1024, 1024, 1024, 1),
    ]

    func run() throws {
        var rows: [Row] = []
        print("paltrain bench — OpenBLAS core \(BLAS.coreName), \(BLAS.threads) BLAS threads, \(Threading.threads) kernel threads")

        for (name, m, n, k, batch) in Self.shapes {
            rows.append(Row(name: "sgemm \(name)", value: SgemmProbe.gflops(m: m, n: n, k: k, batch: batch, repeats: repeats),
                            unit: "GFLOP/s", detail: "raw cblas_sgemm"))
        }
        for (name, m, n, k, batch) in Self.shapes {
            rows.append(Row(name: "TensorCore \(name)", value: tensorCoreGFLOPs(m: m, n: n, k: k, batch: batch),
                            unit: "GFLOP/s", detail: batch == 1 ? "Tensor.linear, no grad" : "Tensor.matmul, no grad"))
        }
        let ceiling = rows.filter { $0.name.hasPrefix("sgemm") }.map(\.value).max() ?? 1
        rows += transformerLayerStep(ceiling: ceiling)

        for row in rows {
            let name = row.name.padding(toLength: max(row.name.count, 58), withPad: " ", startingAt: 0)
            let unit = row.unit.padding(toLength: 8, withPad: " ", startingAt: 0)
            print("\(name) \(String(format: "%10.2f", row.value)) \(unit) \(row.detail)")
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(rows).write(to: URL(fileURLWithPath: json))
        print("wrote \(json)")
    }

    private func tensorCoreGFLOPs(m: Int, n: Int, k: Int, batch: Int) -> Double {
        var rng = RandomGenerator(seed: 1)
        let seconds: Double
        if batch == 1 {
            let x = Tensor.uniform([m, k], low: -1, high: 1, rng: &rng), w = Tensor.uniform([n, k], low: -1, high: 1, rng: &rng)
            seconds = Stopwatch.best(repeats: repeats) { _ = withNoGrad { x.linear(weight: w, bias: nil) } }
        } else {
            let a = Tensor.uniform([batch, m, k], low: -1, high: 1, rng: &rng)
            let b = Tensor.uniform([batch, n, k], low: -1, high: 1, rng: &rng)
            seconds = Stopwatch.best(repeats: repeats) { _ = withNoGrad { a.matmul(b, transposeOther: true) } }
        }
        return 2 * Double(batch * m * n * k) / seconds / 1e9
    }

    /// Forward + backward of one encoder layer (d 512, 16 heads, FFN 2048, dropout 0.1) on 4 × 160 tokens.
    private func transformerLayerStep(ceiling: Double) -> [Row] {
        let (b, t, d, f) = (4, 160, 512, 2048)
        var rng = RandomGenerator(seed: 2)
        let layer = TransformerEncoderLayer(TransformerBlockConfig(width: d, heads: 16, ffnWidth: f, dropout: 0.1), rng: &rng)
        let parameters = ParameterBuffer(layer.namedParameters())
        let x = Tensor.uniform([b, t, d], low: -1, high: 1, rng: &rng, requiresGrad: true)
        let context = ForwardContext(training: true, seed: 3)
        var forwardTimes: [Double] = []
        let total = Stopwatch.median(repeats: repeats) {
            parameters.zeroGradients()
            x.zeroGrad()
            let start = Stopwatch.now()
            let y = layer(x, mask: nil, context: context)
            forwardTimes.append(Stopwatch.now() - start)
            y.sum().backward()
        }
        let forward = forwardTimes.sorted()[forwardTimes.count / 2]
        let n = Double(b * t)
        let forwardFlops = 8 * n * Double(d * d) + 4 * n * Double(d * f) + 4 * Double(b * t * t * d)
        let gflops = 3 * forwardFlops / total / 1e9
        return [
            Row(name: "layer forward (d512 h16 ffn2048, 4×160)", value: forward * 1e3, unit: "ms", detail: "median"),
            Row(name: "layer forward+backward (d512 h16 ffn2048, 4×160)", value: total * 1e3, unit: "ms", detail: "median"),
            Row(name: "layer forward+backward model FLOP rate", value: gflops, unit: "GFLOP/s",
                detail: String(format: "%.0f%% of best sgemm (%.0f GFLOP/s)", 100 * gflops / ceiling, ceiling)),
        ]
    }
}
