// Seq2SeqConfig+Size: how many parameters a config's model has at least, computed without building it,
// so that a reader can refuse a config whose model would not fit in memory (or whose sizes overflow
// Int) before `Seq2SeqLM` allocates and initialises it.

extension Seq2SeqConfig {
    /// A lower bound of the parameter count of this config's model: the token embedding, the two
    /// position tables, and each layer's attention projections (4 d² for self-attention, 4 d² more for
    /// the decoder's cross-attention) and feed-forward matrices (2 d·ffn); biases and norms are left
    /// out. Nil when the count overflows Int.
    public var parameterCountLowerBound: Int? {
        let (positions, overflow) = maxPositionEmbeddings.addingReportingOverflow(positionOffset)
        guard !overflow else { return nil }
        let terms: [[Int]] = [
            [vocabSize, dModel], [positions, dModel, 2],
            [encoderLayers, dModel, dModel, 4], [encoderLayers, dModel, encoderFfnDim, 2],
            [decoderLayers, dModel, dModel, 8], [decoderLayers, dModel, decoderFfnDim, 2],
        ]
        var total = 0
        for factors in terms {
            var product = 1
            for factor in factors {
                guard factor >= 0 else { return nil }
                let (next, overflow) = product.multipliedReportingOverflow(by: factor)
                guard !overflow else { return nil }
                product = next
            }
            let (sum, overflow) = total.addingReportingOverflow(product)
            guard !overflow else { return nil }
            total = sum
        }
        return total
    }
}
