// CheckpointContents+Validation: the consistency rules a checkpoint obeys, checked before writing
// and after reading, reporting every problem at once.

extension CheckpointContents {
    /// Every rule the contents break (empty when they are consistent).
    ///
    /// Tensor names are unique, non-empty, not `.`/`..`, and contain no `/` (HDF5's path separator);
    /// the moment lists name the same tensors in the same order, each with the tensor's shape;
    /// the RNG state has four words.
    func problems() -> [String] {
        var problems: [String] = []
        problems += nameProblems(tensors.map(\.name), what: "tensor")

        if let moments = optimizerMoments {
            let shapes = Dictionary(tensors.map { ($0.name, $0.tensor.shape) }, uniquingKeysWith: { a, _ in a })
            let mNames = moments.expAvg.map(\.name), vNames = moments.expAvgSq.map(\.name)
            if mNames != vNames {
                let position = zip(mNames, vNames).enumerated().first { $0.element.0 != $0.element.1 }?.offset
                    ?? min(mNames.count, vNames.count)
                problems.append("exp_avg (\(mNames.count) entries) and exp_avg_sq (\(vNames.count) entries) differ "
                    + "from position \(position) on: they must name the same parameters in the same order")
            }
            problems += nameProblems(mNames, what: "exp_avg")
            for (label, list) in [("exp_avg", moments.expAvg), ("exp_avg_sq", moments.expAvgSq)] {
                var unknown: [String] = []
                var misshapen: [String] = []
                for (name, moment) in list {
                    guard let shape = shapes[name] else { unknown.append(name); continue }
                    if shape != moment.shape { misshapen.append("\"\(name)\": expected \(shape), found \(moment.shape)") }
                }
                if !unknown.isEmpty { problems.append("\(label) names tensors the checkpoint lacks \(unknown)") }
                if !misshapen.isEmpty { problems.append("\(label) shape [\(misshapen.joined(separator: ", "))]") }
            }
        }

        if let training, training.rngState.count != 4 {
            problems.append("training_state.rng_state has \(training.rngState.count) words, expected 4")
        }
        return problems
    }
}

/// Problems with a list of names: empty, reserved, containing `/`, or repeated.
private func nameProblems(_ names: [String], what: String) -> [String] {
    var problems: [String] = []
    let invalid = names.filter { $0.isEmpty || $0 == "." || $0 == ".." || $0.contains("/") }
    if !invalid.isEmpty {
        problems.append("invalid \(what) names \(invalid) (names must be non-empty, not '.' or '..', and contain no '/')")
    }
    var seen = Set<String>(), repeated: [String] = []
    for name in names where !seen.insert(name).inserted && !repeated.contains(name) { repeated.append(name) }
    if !repeated.isEmpty { problems.append("repeated \(what) names \(repeated)") }
    return problems
}
