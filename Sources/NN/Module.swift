// Module: a tree of layers whose parameters carry HuggingFace state-dict names, spelled once where
// each child is registered, so `namedParameters()` yields `encoder.layers.0.self_attn.q_proj.weight`
// and loading a state dict is a strict, named operation that reports every problem at once.
import TensorCore

/// A layer or model: its own parameters and its children, each under its HuggingFace name.
public protocol Module: AnyObject {
    /// Parameters held directly by this module, by local name (`weight`, `bias`).
    var ownParameters: [(name: String, tensor: Tensor)] { get }
    /// Sub-modules, by local name (`self_attn`, `layers.0`).
    var children: [(name: String, module: Module)] { get }
    /// State that is saved and loaded but not trained (`final_logits_bias`), by local name.
    var ownBuffers: [(name: String, tensor: Tensor)] { get }
}

extension Module {
    public var ownParameters: [(name: String, tensor: Tensor)] { [] }
    public var children: [(name: String, module: Module)] { [] }
    public var ownBuffers: [(name: String, tensor: Tensor)] { [] }

    /// Every parameter in registration order, with its dotted path.
    public func namedParameters(prefix: String = "") -> [(name: String, tensor: Tensor)] {
        var out = ownParameters.map { (name: prefix + $0.name, tensor: $0.tensor) }
        for (name, child) in children { out += child.namedParameters(prefix: prefix + name + ".") }
        return out
    }

    /// Every buffer (saved, not trained) in registration order, with its dotted path.
    public func namedBuffers(prefix: String = "") -> [(name: String, tensor: Tensor)] {
        var out = ownBuffers.map { (name: prefix + $0.name, tensor: $0.tensor) }
        for (name, child) in children { out += child.namedBuffers(prefix: prefix + name + ".") }
        return out
    }

    /// Parameters then buffers: everything a checkpoint holds.
    public func namedState() -> [(name: String, tensor: Tensor)] { namedParameters() + namedBuffers() }

    public func parameters() -> [Tensor] { namedParameters().map(\.tensor) }

    public var parameterCount: Int { parameters().reduce(0) { $0 + $1.count } }

    /// Copies `tensors` into this module's parameters and buffers by name. Every name must be present
    /// with the right shape and nothing may be left over; all problems are reported together.
    public func load(_ tensors: [String: Tensor]) throws { try assignStrictly(namedState(), from: tensors) }

    /// Parameters and buffers as a name → tensor dictionary (sharing storage, not copies).
    public func stateDict() -> [String: Tensor] {
        Dictionary(namedState().map { ($0.name, $0.tensor) }, uniquingKeysWith: { a, _ in a })
    }
}

/// Copies each of `tensors` into the destination of the same name, after checking that every
/// destination has a source of its shape, every source a destination, and every value is finite (a
/// NaN weight would otherwise run silently: every logit NaN, every argmax the first class); throws
/// all problems at once.
public func assignStrictly(_ destinations: [(name: String, tensor: Tensor)], from tensors: [String: Tensor]) throws {
    var problems = LoadError()
    for (name, p) in destinations {
        guard let t = tensors[name] else { problems.missing.append(name); continue }
        if t.shape != p.shape { problems.shapeMismatches.append((name, p.shape, t.shape)) }
        let nonFinite = t.toArray().reduce(0) { $0 + ($1.isFinite ? 0 : 1) }
        if nonFinite > 0 { problems.nonFinite.append((name, nonFinite)) }
    }
    let known = Set(destinations.map(\.name))
    problems.unused = tensors.keys.filter { !known.contains($0) }.sorted()
    if !problems.isEmpty { throw problems }
    for (name, p) in destinations { p.assign(tensors[name]!) }
}

/// Everything that did not fit when loading a state dict.
public struct LoadError: Error, CustomStringConvertible {
    public init(missing: [String] = [], unused: [String] = []) {
        self.missing = missing
        self.unused = unused
    }

    public var missing: [String] = []
    public var unused: [String] = []
    public var shapeMismatches: [(name: String, expected: [Int], found: [Int])] = []
    /// Tensors holding NaN or infinite values, with how many.
    public var nonFinite: [(name: String, count: Int)] = []

    public var isEmpty: Bool { missing.isEmpty && unused.isEmpty && shapeMismatches.isEmpty && nonFinite.isEmpty }

    public var description: String {
        var parts: [String] = []
        if !missing.isEmpty { parts.append("missing tensors: " + missing.joined(separator: ", ")) }
        if !unused.isEmpty { parts.append("tensors the model does not have: " + unused.joined(separator: ", ")) }
        if !shapeMismatches.isEmpty {
            parts.append("wrong shapes: " + shapeMismatches.map { "\($0.name) is \($0.found), expected \($0.expected)" }.joined(separator: ", "))
        }
        if !nonFinite.isEmpty {
            parts.append("NaN or infinite values: " + nonFinite.map { "\($0.name) (\($0.count))" }.joined(separator: ", ")
                         + " (the weights are damaged: use an earlier checkpoint)")
        }
        return "the weights do not fit the model: " + parts.joined(separator: "; ")
    }
}

/// Per-call state of a forward pass: training (dropout on) or not, and the dropout generator.
public final class ForwardContext {
    public var training: Bool
    public var rng: RandomGenerator

    public init(training: Bool, seed: UInt64 = 0) {
        self.training = training
        self.rng = RandomGenerator(seed: seed)
    }

    /// Dropout with probability `p` while training; the identity otherwise.
    public func dropout(_ x: Tensor, _ p: Float) -> Tensor {
        training && p > 0 ? x.dropout(p, rng: &rng) : x
    }
}

extension Module {
    /// For decoding with half-precision weights: every matrix parameter rounded to `format` and kept as
    /// a 16-bit copy, which products of a few rows then read (`Tensor.makeHalfPrecision`). Biases and
    /// layer norms stay fp32. For a model that is no longer trained.
    public func useHalfPrecisionWeights(_ format: HalfPrecisionFormat = .f16) {
        for (_, tensor) in namedParameters() where tensor.rank == 2 { tensor.makeHalfPrecision(format) }
    }
}
