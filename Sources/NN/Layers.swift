// The basic layers with HuggingFace parameter names and HF BART-family initialisation
// (normal(0, init_std) weights, zero biases, LayerNorm weight 1 and bias 0, zero padding row).
import TensorCore

/// y = x·Wᵀ + b; weight (O, I), bias (O).
public final class Linear: Module {
    public let weight: Tensor
    public let bias: Tensor?

    public init(_ inFeatures: Int, _ outFeatures: Int, bias: Bool = true, std: Float = 0.02, rng: inout RandomGenerator) {
        weight = Tensor.randn([outFeatures, inFeatures], std: std, rng: &rng, requiresGrad: true)
        self.bias = bias ? Tensor(zeros: [outFeatures], requiresGrad: true) : nil
    }

    public var ownParameters: [(name: String, tensor: Tensor)] {
        [("weight", weight)] + (bias.map { [("bias", $0)] } ?? [])
    }

    public func callAsFunction(_ x: Tensor) -> Tensor { x.linear(weight: weight, bias: bias) }

    /// gelu(x·Wᵀ + b) with the bias add fused into the activation.
    public func gelu(_ x: Tensor) -> Tensor {
        guard let bias else { return x.linear(weight: weight, bias: nil).gelu() }
        return x.linear(weight: weight, bias: nil).gelu(bias: bias)
    }
}

/// Token (or position) embeddings: a (V, C) table.
public final class Embedding: Module {
    public let weight: Tensor
    public let paddingIndex: Int?

    public init(_ count: Int, _ width: Int, paddingIndex: Int? = nil, std: Float = 0.02, rng: inout RandomGenerator) {
        weight = Tensor.randn([count, width], std: std, rng: &rng, requiresGrad: true)
        self.paddingIndex = paddingIndex
        if let paddingIndex { (weight.data + paddingIndex * width).update(repeating: 0, count: width) }
    }

    public var ownParameters: [(name: String, tensor: Tensor)] { [("weight", weight)] }

    public func callAsFunction(_ ids: IndexTensor) -> Tensor {
        Tensor.embedding(weight, ids: ids, paddingIndex: paddingIndex)
    }
}

/// Layer normalisation over the last axis.
public final class LayerNorm: Module {
    public let weight: Tensor
    public let bias: Tensor
    public let eps: Float

    public init(_ width: Int, eps: Float = 1e-5) {
        weight = Tensor(shape: [width], repeating: 1, requiresGrad: true)
        bias = Tensor(zeros: [width], requiresGrad: true)
        self.eps = eps
    }

    public var ownParameters: [(name: String, tensor: Tensor)] { [("weight", weight), ("bias", bias)] }

    public func callAsFunction(_ x: Tensor) -> Tensor { x.layerNorm(weight: weight, bias: bias, eps: eps) }
}
