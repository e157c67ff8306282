// The workloads of `paltrain bench` (issue: performance against PyTorch), each the same shapes as
// scripts/bench_torch.py runs: a training step (forward + backward + gradient clipping + AdamW) of
// BlenderbotSmall at the 90M config and at a tiny config on batch 4 × 160 source / 40 target tokens,
// and greedy decoding of 40 new tokens for one 160-token source, plain (fp32, fp16 or bf16 weights,
// and half against fp32 in alternating pairs) and PAL with strategy-based control (one branch,
// α = 0; two branches, α ≠ 0; and the two against the one in alternating pairs); PAL's training
// step at the paper recipe's lengths (dialogue and persona padded to 512, targets of 50); the tiny
// step over batches whose lengths change every step, as bucketed training on real data runs; and the
// allreduce of the 90M gradient buffer.
import DataParallel
import Foundation
import Models
import NN
import TensorCore
import Training

enum BenchWorkloads {
    /// The lengths of a workload's batch: the persona's real tokens are padded to the source length.
    struct Shape {
        var batch: Int, source: Int, persona: Int, target: Int
    }
    /// Every row but the paper-length one: batch 4 × 160 source (40 of them persona) / 40 target tokens.
    static let standard = Shape(batch: 4, source: 160, persona: 40, target: 40)
    /// `recipes/pal-paper.yaml`'s longest batch: 512 input tokens, 50 target tokens, batch 4, with a
    /// persona of 64 real tokens padded to the common length as the reference pads it (PAL-SPEC §4).
    static let paper = Shape(batch: 4, source: 512, persona: 64, target: 50)
    /// Training examples of the paper recipe's split (every supporter turn after the first utterance of
    /// the 910 training conversations): the bench's projection of 10 epochs counts its steps.
    static let paperTrainingExamples = 12_271
    static let newTokens = 40

    /// The 90M BlenderbotSmall config (PAL's backbone) and the tiny one of the issue: d 128, 2+2
    /// layers, 4 heads, FFN 512, vocabulary 8,192. Dropout as BlenderbotSmall's 0.1.
    static func config(_ size: String, pal: Bool = false) -> Seq2SeqConfig {
        var config = size == "90m" ? Seq2SeqConfig.blenderbotSmall90M
            : Seq2SeqConfig(family: .blenderbotSmall, vocabSize: 8192, dModel: 128, encoderLayers: 2, decoderLayers: 2, heads: 4, ffnDim: 512,
                            maxPositionEmbeddings: 512, scaleEmbedding: true, padTokenId: 0, bosTokenId: 1, eosTokenId: 2, decoderStartTokenId: 1)
        config.personaCoAttention = pal
        return config
    }

    /// Multiply-add FLOPs of one forward pass (matrix products only, ×2 per multiply-add), the
    /// usual model-FLOP count: projections, attention scores and mixing, FFN, and the vocabulary
    /// projection; backward is twice this.
    /// For PAL, a second encoder pass (the persona, at the common length) and the co-attention's four products.
    static func forwardFlops(_ c: Seq2SeqConfig, _ shape: Shape) -> Double {
        let (b, s, t) = (Double(shape.batch), Double(shape.source), Double(shape.target))
        let d = Double(c.dModel), f = Double(c.encoderFfnDim), bs = b * s, bt = b * t
        let encoderLayer = 2 * bs * (4 * d * d + 2 * d * f) + 2 * 2 * b * s * s * d
        let decoderLayer = 2 * bt * (4 * d * d + 2 * d * f) + 2 * 2 * b * t * t * d    // self-attention and FFN
            + 2 * (bt * 2 * d * d + bs * 2 * d * d) + 2 * 2 * b * t * s * d            // cross-attention
        let encoders = c.personaCoAttention ? 2.0 : 1.0, coAttention = c.personaCoAttention ? 4 * 2 * b * s * s * d : 0
        return encoders * Double(c.encoderLayers) * encoderLayer + coAttention + Double(c.decoderLayers) * decoderLayer + 2 * bt * d * Double(c.vocabSize)
    }

    /// Deterministic ids in 3..<vocab (no pad, bos or eos), as the peer script draws them.
    static func ids(_ rows: Int, _ length: Int, vocab: Int, seed: Int) -> IndexTensor {
        IndexTensor(shape: [rows, length], values: (0..<(rows * length)).map { Int32(3 + (($0 * 7919 + seed * 104_729) % (vocab - 3))) })
    }

    static func inputs(_ c: Seq2SeqConfig, rows: Int, shape: Shape = standard, labels: Bool) -> Seq2SeqInputs {
        let (source, target) = (shape.source, shape.target)
        let ones = { (n: Int) in IndexTensor(shape: [rows, n], values: [Int32](repeating: 1, count: rows * n)) }
        // The persona is padded to the dialogue's length, as `Batcher.collate` pads a PAL batch.
        let inPersona = (0..<(rows * source)).map { $0 % source < shape.persona }
        let personaIds = zip(ids(rows, source, vocab: c.vocabSize, seed: 3).values, inPersona).map { $1 ? $0 : Int32(c.padTokenId) }
        return Seq2SeqInputs(inputIds: ids(rows, source, vocab: c.vocabSize, seed: 1), attentionMask: ones(source),
                             personaIds: c.personaCoAttention ? IndexTensor(shape: [rows, source], values: personaIds) : nil,
                             personaMask: c.personaCoAttention ? IndexTensor(shape: [rows, source], values: inPersona.map { $0 ? 1 : 0 }) : nil,
                             decoderInputIds: labels ? ids(rows, target, vocab: c.vocabSize, seed: 2)
                                 : IndexTensor(shape: [rows, 1], values: [Int32](repeating: Int32(c.decoderStartTokenId), count: rows)),
                             labels: labels ? ids(rows, target, vocab: c.vocabSize, seed: 4) : nil)
    }

    /// The tiny step on batches of 16 whose lengths change every step, as the extractor's stages
    /// run them (bucketed batches of real data, sources up to 512 tokens): twelve shapes in a fixed order.
    static let varyingShapes = [320, 96, 512, 192, 64, 448, 256, 128, 384, 160, 480, 224].map {
        Shape(batch: 16, source: $0, persona: 0, target: min(50, $0 / 4))
    }

    /// Training steps of the plain model or (`pal`) PAL with persona co-attention, one per shape of
    /// `shapes` in turn: each sample is the mean step of one pass over them, after one untimed pass.
    /// Also the model FLOPs of the mean step, and the minor page faults per step of the timed passes
    /// (memory the allocator handed back to the system and took again, which the kernel zeroes); the
    /// op profiler (`PALTRAIN_PROFILE`) restarts with them too.
    static func trainingSteps(_ size: String, pal: Bool = false, shapes: [Shape], repeats: Int) -> (seconds: [Double], flops: Double, faultsPerStep: Double) {
        let config = config(size, pal: pal)
        let model = Seq2SeqLM(config, seed: 1)
        let parameters = ParameterBuffer(model.namedParameters())
        let optimizer = AdamW(parameters, config: AdamWConfig(weightDecay: 0.01))
        let batches = shapes.map { inputs(config, rows: $0.batch, shape: $0, labels: true) }
        func faults() -> Int {
            var usage = rusage()
            getrusage(RUSAGE_SELF.rawValue, &usage)
            return usage.ru_minflt
        }
        var step: UInt64 = 0, faultsBefore = 0
        let seconds = Stopwatch.samples(repeats: repeats) {
            if step == UInt64(batches.count) {   // after the warmup pass: count and profile the timed steps alone
                faultsBefore = faults()
                OpProfiler.reset()
            }
            for inputs in batches {
                step += 1
                if OpProfiler.isEnabled { OpProfiler.mark("(between steps)") }
                parameters.zeroGradients()
                if OpProfiler.isEnabled { OpProfiler.mark("zero gradients") }
                let (loss, _) = model.loss(inputs, context: ForwardContext(training: true, seed: step))
                let norm = parameters.backwardWithGradientNorm(loss)
                if OpProfiler.isEnabled { OpProfiler.mark("gradient norm") }
                optimizer.step(lr: 1e-5, gradientScale: ParameterBuffer.clipCoefficient(norm: norm, maxNorm: 1))
                if OpProfiler.isEnabled { OpProfiler.mark("AdamW") }
            }
        }.map { $0 / Double(batches.count) }
        let timedSteps = Double(Int(step) - batches.count)
        let flops = shapes.map { 3 * forwardFlops(config, $0) }.reduce(0, +) / Double(shapes.count)
        return (seconds, flops, Double(faults() - faultsBefore) / timedSteps)
    }

    /// How the decoding rows run: the plain model, or PAL with one branch (α = 0) or two (α = 0.5).
    enum Decoding: String { case plain, palOneBranch = "pal-1", palTwoBranches = "pal-2" }

    /// One decoding workload: a model at `size` with fp32 weights or (`halfPrecision`) fp16 or bf16
    /// ones, one 160-token source, and greedy decoding of exactly 40 new tokens.
    struct DecodeRun {
        let model: Seq2SeqLM, mode: Decoding, inputs: Seq2SeqInputs, generation: ResolvedGenerationConfig

        init(_ size: String, _ mode: Decoding, halfPrecision: HalfPrecisionFormat?) {
            let config = BenchWorkloads.config(size, pal: mode != .plain)
            model = Seq2SeqLM(config, seed: 1)
            if let halfPrecision { model.useHalfPrecisionWeights(halfPrecision) }
            self.mode = mode
            inputs = BenchWorkloads.inputs(config, rows: 1, labels: false)
            generation = ResolvedGenerationConfig(GenerationConfig(maxLength: newTokens + 1, minLength: newTokens + 1), model: config)
        }

        /// `other`'s model, source and generation settings decoded in another mode (PAL: one branch or two).
        init(_ mode: Decoding, sharingModelOf other: DecodeRun) {
            (model, inputs, generation) = (other.model, other.inputs, other.generation)
            self.mode = mode
        }

        /// Seconds to encode the source and decode, and of those the seconds of the decoder steps alone
        /// (the encoder excluded; the first step's cross-attention keys and values included).
        func sample() -> (total: Double, steps: Double) {
            let start = Stopwatch.now()
            let strategies = (10..<18).map { Int32($0) }
            let source: NextTokenSource
            switch mode {
            case .plain: source = Seq2SeqStepSource(model: model, inputs: inputs)
            case .palOneBranch: source = StrategyControlledSource(model: model, inputs: inputs, strategyTokens: strategies, control: .none)
            case .palTwoBranches: source = StrategyControlledSource(model: model, inputs: inputs, strategyTokens: strategies, control: .reference)
            }
            let encoded = Stopwatch.now()
            let out = Generator.generate(source: source, batchSize: 1, config: generation)
            let end = Stopwatch.now()
            precondition(out.sequences[0].count == newTokens, "decoded \(out.sequences[0].count) tokens, not \(newTokens)")
            return (end - start, end - encoded)
        }
    }

    /// `repeats` samples of `run` after one warmup (the op profiler, `PALTRAIN_PROFILE`, restarts after it).
    static func decode(_ run: DecodeRun, repeats: Int) -> (total: [Double], steps: [Double]) {
        _ = run.sample()
        if OpProfiler.isEnabled { OpProfiler.reset() }
        let samples = (0..<max(1, repeats)).map { _ in run.sample() }
        return (samples.map(\.total), samples.map(\.steps))
    }

    /// Two decoding runs, their samples alternating in one process so that both see the same memory
    /// bandwidth: per pair, `first`'s seconds over `second`'s, with the encoder and for the decoder
    /// steps alone (fp32 against fp16 or bf16 weights: the speedup; PAL's two branches against one:
    /// the cost of the second branch).
    static func interleaved(_ first: DecodeRun, _ second: DecodeRun, repeats: Int) -> (total: [Double], steps: [Double]) {
        _ = first.sample()
        _ = second.sample()
        let pairs = (0..<max(1, repeats)).map { _ in (first.sample(), second.sample()) }
        return (pairs.map { $0.0.total / $0.1.total }, pairs.map { $0.0.steps / $0.1.steps })
    }

    /// The largest |logit difference| of each faster decoding path against the plain computation,
    /// over `steps` decoder steps of the 90M model on 2 rows fed the same ids: the KV cache with the
    /// few-row kernel (for 2 rows and for 1) against recomputing every position with sgemm, and fp16
    /// and bf16 weights against fp32.
    static func exactness(steps: Int = 8) -> [(path: String, difference: Double)] {
        let config = config("90m")
        let model = Seq2SeqLM(config, seed: 1)
        let pair = inputs(config, rows: 2, labels: false), single = inputs(config, rows: 1, labels: false)
        let fed = (0..<steps).map { step in (0..<2).map { row in Int32(step == 0 ? config.decoderStartTokenId : 3 + (step * 131 + row * 17) % 5000) } }
        /// Logits of each step for the first `rows` rows of `fed`.
        func logits(_ source: NextTokenSource, rows: Int) -> [[Float]] {
            fed.map { ids in source.next(IndexTensor(shape: [rows, 1], values: Array(ids.prefix(rows)))).toArray() }
        }
        func largest(_ a: [[Float]], _ b: [[Float]]) -> Double {
            Double(zip(a, b).map { zip($0, $1).map { abs($0 - $1) }.max() ?? 0 }.max() ?? 0)
        }
        let plainPair = logits(Seq2SeqStepSource(model: model, inputs: pair, cached: false), rows: 2)
        let plainSingle = logits(Seq2SeqStepSource(model: model, inputs: single, cached: false), rows: 1)
        let cachedPair = logits(Seq2SeqStepSource(model: model, inputs: pair), rows: 2)
        let cachedSingle = logits(Seq2SeqStepSource(model: model, inputs: single), rows: 1)
        /// The cached logits of 2 rows with the weights rounded to `format` (a fresh copy of the model).
        func halfPair(_ format: HalfPrecisionFormat) -> [[Float]] {
            let rounded = Seq2SeqLM(config, seed: 1)
            rounded.useHalfPrecisionWeights(format)
            return logits(Seq2SeqStepSource(model: rounded, inputs: pair), rows: 2)
        }
        let bf16Encoder = bf16ProductsAvailable ? "encoder in bf16 products" : "encoder in fp32 products: no AVX512-BF16"
        return [("KV cache, 2 rows (few-row kernel) against recomputation (sgemm)", largest(cachedPair, plainPair)),
                ("KV cache, 1 row (few-row kernel) against recomputation (sgemm)", largest(cachedSingle, plainSingle)),
                ("fp16 weights against fp32, KV cache, 2 rows", largest(halfPair(.f16), cachedPair)),
                ("bf16 weights (\(bf16Encoder)) against fp32, KV cache, 2 rows", largest(halfPair(.bf16), cachedPair))]
    }

    /// Seconds per in-place sum of the 90M model's flat gradient buffer across `world` (after one
    /// warmup), and its size in bytes: what data-parallel training adds to every step.
    static func allreduce(_ world: Communicator, repeats: Int) throws -> (seconds: [Double], bytes: Int) {
        let parameters = ParameterBuffer(Seq2SeqLM(config("90m"), seed: 1).namedParameters())
        let g = parameters.gradients.base
        for i in 0..<parameters.count { g[i] = Float(i % 7) * 1e-3 }
        var samples: [Double] = []
        for repetition in 0...repeats {
            try world.barrier()   // start together
            let start = Date()
            try world.sum(g, count: parameters.count)
            if repetition > 0 { samples.append(Date().timeIntervalSince(start)) }
        }
        // Every rank's slowest time is the step's cost.
        let slowest = try world.gather(samples.flatMap { withUnsafeBytes(of: $0) { Array($0) } }).map { bytes in
            stride(from: 0, to: bytes.count, by: 8).map { at in bytes[at..<at + 8].withUnsafeBytes { $0.loadUnaligned(as: Double.self) } }
        }
        return (samples.indices.map { i in slowest.map { $0[i] }.max()! }, parameters.count * MemoryLayout<Float>.stride)
    }
}
