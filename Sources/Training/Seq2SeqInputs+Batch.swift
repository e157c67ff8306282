// A TextData batch (plain id arrays) as model inputs (index tensors).
import Models
import TensorCore
import TextData

extension Seq2SeqInputs {
    /// The ids, masks and labels of `batch`; persona inputs only when the batch has them.
    public init(_ batch: Batch) {
        let b = batch.size
        self.init(inputIds: IndexTensor(shape: [b, batch.inputLength], values: batch.inputIds),
                  attentionMask: IndexTensor(shape: [b, batch.inputLength], values: batch.attentionMask),
                  personaIds: batch.personaLength > 0 ? IndexTensor(shape: [b, batch.personaLength], values: batch.personaIds) : nil,
                  personaMask: batch.personaLength > 0 ? IndexTensor(shape: [b, batch.personaLength], values: batch.personaMask) : nil,
                  decoderInputIds: IndexTensor(shape: [b, batch.targetLength], values: batch.decoderInputIds),
                  labels: IndexTensor(shape: [b * batch.targetLength], values: batch.labels))
    }
}
