// Incremental decoding with a key/value cache: the encoder memory's cross-attention keys and
// values are projected once per input, each layer's self-attention keys and values grow by the
// new positions, and a step costs O(new positions), not O(everything decoded). Rows that share an
// input (beams) or outlive others (greedy decoding drops finished rows) read the input's
// cross-attention keys and values where they were first written: only the self-attention cache moves.
import NN
import TensorCore

public final class IncrementalDecoder {
    public let model: Seq2SeqLM
    private var caches: [DecoderLayerCache]
    private var memoryMask: Tensor
    /// For each row, the row of the encoder memory it decodes (beams of one input share theirs).
    private var memoryRows: [Int]
    /// `memoryRows` for the cross-attention, nil while every row reads its own memory row.
    private var crossRows: [Int]?
    /// Rows of the encoder memory (and of the cross-attention cache).
    private let memoryCount: Int
    /// Positions decoded so far.
    public private(set) var length = 0

    /// A decoder over `memory` (B, S, C) from `Seq2SeqLM.encode`, whose padding is `memoryMask` (B, S).
    public init(model: Seq2SeqLM, memory: Tensor, memoryMask: IndexTensor) {
        self.model = model
        caches = withNoGrad { model.model.decoder.layers.map { $0.startCache(memory: memory) } }
        self.memoryMask = MultiHeadAttention.paddingMask(memoryMask)
        memoryRows = Array(0..<memory.shape[0])
        memoryCount = memory.shape[0]
    }

    /// Feeds the next decoder ids (B, T ≥ 1) and returns their logits (B, T, V).
    public func step(_ ids: IndexTensor, context: ForwardContext) -> Tensor {
        let decoder = model.model.decoder
        precondition(length + ids.shape[1] <= model.config.maxPositionEmbeddings,
                     "decoding past \(model.config.maxPositionEmbeddings) positions, the model's position table")
        var h = decoder.embed(ids, start: length, context: context)                          // (B, T, C)
        // The caches are moved out of `self` for the loop: an inout access to a class property lasts
        // the whole layer step and makes every access inside it pay the runtime exclusivity check.
        var stepCaches: [DecoderLayerCache] = []
        swap(&stepCaches, &caches)
        for (i, layer) in decoder.layers.enumerated() {
            h = layer.step(h, cache: &stepCaches[i], memoryMask: memoryMask, memoryRows: crossRows, context: context)
        }
        caches = stepCaches
        length += ids.shape[1]
        return model.logits(h)
    }

    /// Keeps only the rows `rows` of the batch, in that order (beam search expands, reorders and drops
    /// hypotheses; greedy decoding drops finished rows). The self-attention cache and the memory's mask
    /// are copied; the cross-attention keys and values stay where they are.
    public func selectRows(_ rows: [Int]) {
        for i in caches.indices {
            caches[i].selfKeys = caches[i].selfKeys?.selectingRows(rows)
            caches[i].selfValues = caches[i].selfValues?.selectingRows(rows)
        }
        memoryMask = memoryMask.selectingRows(rows)
        memoryRows = rows.map { memoryRows[$0] }
        crossRows = memoryRows.elementsEqual(0..<memoryCount) ? nil : memoryRows
    }
}
