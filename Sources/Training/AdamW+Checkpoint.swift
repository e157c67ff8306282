// AdamW's state in and out of a checkpoint: the moments as named views of the flat buffers, and a
// strict restore that checks every name and shape against the parameters.
import Checkpoint
import NN
import TensorCore

extension AdamW {
    /// The first and second moments, named like the parameters (views, no copy).
    public var moments: OptimizerMoments {
        func views(_ storage: Storage) -> [NamedTensor] {
            zip(parameters.names, zip(parameters.tensors, parameters.ranges)).map { name, tr in
                (name: name, tensor: Tensor(shape: tr.0.shape, storage: storage, offset: tr.1.lowerBound))
            }
        }
        return OptimizerMoments(expAvg: views(exponentialAverage), expAvgSq: views(exponentialAverageSquared))
    }

    /// Restores the moments and the step count `t` saved by a run over the same parameters.
    /// - Throws: `LoadError` listing every missing, unused or mis-shaped moment.
    public func restore(_ saved: OptimizerMoments, stepCount: Int) throws {
        let current = moments
        try assignStrictly(current.expAvg, from: Dictionary(saved.expAvg.map { ($0.name, $0.tensor) }, uniquingKeysWith: { a, _ in a }))
        try assignStrictly(current.expAvgSq, from: Dictionary(saved.expAvgSq.map { ($0.name, $0.tensor) }, uniquingKeysWith: { a, _ in a }))
        self.stepCount = stepCount
    }
}
