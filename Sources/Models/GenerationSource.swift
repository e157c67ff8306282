// What `Generator` decodes with: anything that turns the last token of each live row into
// next-token logits and can reorder its rows. `Seq2SeqStepSource` is a `Seq2SeqLM` over one encoded
// batch, with the KV cache (`IncrementalDecoder`) or, for checking it, by full recomputation.
// PAL's strategy-based control plugs in here with a source that runs two such decoders.
// Shapes: the legend of docs/tensorcore.md (T: the length decoded so far).
import NN
import TensorCore

/// A decoder state that `Generator` drives one token at a time.
public protocol NextTokenSource: AnyObject {
    /// Feeds the newest id of each live row (R, 1) and returns next-token logits (R, V).
    func next(_ ids: IndexTensor) -> Tensor
    /// Keeps the rows `rows` (indices into the current rows, repeats allowed), in that order:
    /// beam search expands and reorders rows, greedy decoding drops finished ones.
    func selectRows(_ rows: [Int])
}

/// A `Seq2SeqLM` decoding one batch: the encoder runs once at creation; each `next` costs one
/// cached decoder step (`cached: true`) or re-runs the decoder over every position so far.
public final class Seq2SeqStepSource: NextTokenSource {
    public let model: Seq2SeqLM
    public let context: ForwardContext
    private let incremental: IncrementalDecoder?
    private var rowCount: Int
    // Recompute mode: the memory, its mask and every row's ids so far.
    private var memory: Tensor
    private var memoryMask: IndexTensor
    private var history: [[Int32]]

    /// Encodes `inputs` (their decoder ids are not used) in eval mode unless `context` says otherwise.
    public convenience init(model: Seq2SeqLM, inputs: Seq2SeqInputs, cached: Bool = true,
                            context: ForwardContext = ForwardContext(training: false)) {
        self.init(model: model, memory: withNoGrad { model.encode(inputs, context: context) }, memoryMask: inputs.attentionMask,
                  cached: cached, context: context)
    }

    /// Decodes over an already encoded `memory` (B, S, C) whose padding is `memoryMask` (B, S).
    public init(model: Seq2SeqLM, memory: Tensor, memoryMask: IndexTensor, cached: Bool = true,
                context: ForwardContext = ForwardContext(training: false)) {
        self.model = model
        self.context = context
        self.memory = memory
        self.memoryMask = memoryMask
        rowCount = memory.shape[0]
        history = Array(repeating: [], count: rowCount)
        incremental = cached ? IncrementalDecoder(model: model, memory: memory, memoryMask: memoryMask) : nil
    }

    public func next(_ ids: IndexTensor) -> Tensor {
        precondition(ids.shape == [rowCount, 1], "next: ids \(ids.shape) for \(rowCount) rows")
        let v = model.config.vocabSize
        return withNoGrad {
            if let incremental {
                return incremental.step(ids, context: context).reshaped(rowCount, v)       // (R, V)
            }
            for r in history.indices { history[r].append(ids.values[r]) }
            let t = history[0].count
            let all = IndexTensor(shape: [history.count, t], values: history.flatMap { $0 })
            let hidden = model.model.decoder(all, memory: memory, memoryMask: memoryMask, context: context)   // (R, T, C)
            return model.logits(hidden.slice(axis: 1, (t - 1)..<t)).reshaped(history.count, v)                 // (R, V)
        }
    }

    public func selectRows(_ rows: [Int]) {
        rowCount = rows.count
        if let incremental {
            incremental.selectRows(rows)
            return
        }
        memory = memory.selectingRows(rows)
        let s = memoryMask.shape[1]
        memoryMask = IndexTensor(shape: [rows.count, s], values: rows.flatMap { memoryMask.values[($0 * s)..<(($0 + 1) * s)] })
        history = rows.map { history[$0] }
    }
}
