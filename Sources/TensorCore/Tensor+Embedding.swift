// Embedding lookup: rows of a (V, C) table gathered by integer ids.
//   backward: scatter-add, dW[id] += g[position]; the padding row (if any) receives nothing.

extension Tensor {
    /// Rows of `table` (V, C) for each id: ids of shape S give (S…, C).
    public static func embedding(_ table: Tensor, ids: IndexTensor, paddingIndex: Int? = nil) -> Tensor {
        precondition(table.rank == 2, "embedding table must be (V, C), got \(table.shape)")
        let v = table.shape[0], c = table.shape[1]
        let out = Tensor(uninitializedShape: ids.shape + [c])
        ids.values.withUnsafeBufferPointer { idp in
            for (i, id) in idp.enumerated() {
                precondition(id >= 0 && Int(id) < v, "token id \(id) at position \(i) is outside the vocabulary of \(v)")
                (out.data + i * c).update(from: table.data + Int(id) * c, count: c)
            }
        }
        return out.recorded("embedding", [table]) { g, _ in
            let dw = table.ownedGrad().data, gp = g.data
            for (i, id) in ids.values.enumerated() where Int(id) != paddingIndex {
                let row = dw + Int(id) * c, gr = gp + i * c
                for j in 0..<c { row[j] += gr[j] }
            }
        }
    }
}
