// The backward engine on one screen: ops record a Node (name, inputs, backward closure) on their
// output; backward() orders the graph topologically and runs the closures in reverse, each adding
// its inputs' gradients with `+=`. The graph is consumed: nodes are dropped as they run.
import Foundation

/// One recorded op: what it was, what it read, and how to push a gradient back to its inputs.
public final class Node {
    public let name: String
    public let inputs: [Tensor]
    /// Called with the output's gradient and the output itself; adds into the inputs' gradients.
    let backward: (_ gradOutput: Tensor, _ output: Tensor) -> Void

    init(name: String, inputs: [Tensor], backward: @escaping (Tensor, Tensor) -> Void) {
        self.name = name
        self.inputs = inputs
        self.backward = backward
    }
}

/// Whether ops record themselves on the tape; switched off by `withNoGrad`.
public enum GradMode {
    nonisolated(unsafe) static var disabledDepth = 0
    public static var isEnabled: Bool { disabledDepth == 0 }
}

/// Runs `body` without recording any op, so inference holds no graph and no saved tensors.
public func withNoGrad<T>(_ body: () throws -> T) rethrows -> T {
    GradMode.disabledDepth += 1
    defer { GradMode.disabledDepth -= 1 }
    return try body()
}

extension Tensor {
    /// Attaches `backward` to `self` (an op's fresh output) when gradients are on and an input needs
    /// them; the op profiler charges the op either way.
    @discardableResult
    func recorded(_ name: String, _ inputs: [Tensor], backward: @escaping (Tensor, Tensor) -> Void) -> Tensor {
        if OpProfiler.isEnabled { OpProfiler.mark(name) }
        guard GradMode.isEnabled, inputs.contains(where: { $0.requiresGrad }) else { return self }
        requiresGrad = true
        node = Node(name: name, inputs: inputs, backward: backward)
        return self
    }

    /// Adds `g` (same element count) into this tensor's gradient; the first gradient is kept by
    /// reference, a second one makes an owned sum.
    func accumulateGrad(_ g: Tensor) {
        guard requiresGrad else { return }
        precondition(g.count == count, "gradient of \(g.shape) for tensor of \(shape)")
        if let existing = grad {
            if gradIsOwned {
                addInPlace(existing.data, g.data, count)
            } else {
                let sum = Tensor(uninitializedShape: shape)
                add(existing.data, g.data, into: sum.data, count)
                grad = sum
                gradIsOwned = true
            }
        } else if node == nil {
            // A leaf keeps its gradient across backward passes, so it gets its own buffer.
            let own = Tensor(uninitializedShape: shape)
            own.data.update(from: g.data, count: count)
            grad = own
            gradIsOwned = true
        } else {
            grad = g.count == count && g.shape == shape ? g : g.reshaped(shape)
            gradIsOwned = false
        }
    }

    /// Where a product writes its contribution to this tensor's gradient, and with what β: the
    /// gradient itself (β = 1: the product adds into it) when there is one, made this tensor's own first
    /// if it aliases another's; a new uninitialized buffer, kept as the gradient (β = 0), when there is
    /// none yet (instead of a zeroed one). A tensor several products read (a layer norm's output, which
    /// the query, key and value projections share; the encoder's output, which every cross-attention
    /// reads) then gets their contributions summed by the products themselves instead of one buffer and
    /// one addition each.
    func gradientTarget() -> (gradient: Tensor, beta: Float) {
        if grad != nil { return (ownedGrad(), 1) }
        let fresh = Tensor(uninitializedShape: shape)
        grad = fresh
        gradIsOwned = true
        return (fresh, 0)
    }

    /// This tensor's gradient buffer for kernels that add into it directly (zeroed when new).
    func ownedGrad() -> Tensor {
        if let g = grad, gradIsOwned { return g }
        let own = Tensor(zeros: shape)
        if let g = grad { own.data.update(from: g.data, count: count) }
        grad = own
        gradIsOwned = true
        return own
    }

    /// Back-propagates from this scalar: seeds d(self)/d(self) = 1 and runs every recorded op in
    /// reverse topological order. Leaf gradients accumulate; intermediate ones are freed. When given,
    /// `leafFinished` is called with each leaf that needs a gradient as soon as the last op that read
    /// it has run its backward: its gradient is then final (and, just written, still in cache).
    public func backward(leafFinished: ((Tensor) -> Void)? = nil) {
        precondition(count == 1, "backward() needs a scalar loss, got shape \(shape)")
        guard requiresGrad else { preconditionFailure("backward() on a tensor that does not require gradients") }
        accumulateGrad(Tensor(shape: shape, repeating: 1))
        let order = topologicalOrder()
        var readsLeft: [ObjectIdentifier: Int] = [:]   // per leaf, the ops that read it and have not run their backward
        if leafFinished != nil {
            for t in order { for input in t.node!.inputs where input.node == nil && input.requiresGrad { readsLeft[ObjectIdentifier(input), default: 0] += 1 } }
        }
        withNoGrad {
            for t in order.reversed() {
                guard let node = t.node else { continue }
                if let g = t.grad { OpProfiler.timed("backward " + node.name) { node.backward(g, t) } }
                t.node = nil
                t.grad = nil
                t.gradIsOwned = false
                guard let leafFinished else { continue }
                for input in node.inputs where input.node == nil && input.requiresGrad {
                    let id = ObjectIdentifier(input)
                    readsLeft[id]! -= 1
                    if readsLeft[id] == 0 { OpProfiler.timed("backward (finished leaves)") { leafFinished(input) } }
                }
            }
        }
        if OpProfiler.isEnabled { OpProfiler.lastMark = OpProfiler.now() }
    }

    /// Every tensor with a node reachable from this one, inputs before outputs (iterative DFS).
    func topologicalOrder() -> [Tensor] {
        var order: [Tensor] = []
        var visited = Set<ObjectIdentifier>()
        var stack: [(Tensor, Int)] = [(self, 0)]
        visited.insert(ObjectIdentifier(self))
        while let (t, next) = stack.popLast() {
            guard let node = t.node, next < node.inputs.count else {
                if t.node != nil { order.append(t) }
                continue
            }
            stack.append((t, next + 1))
            let input = node.inputs[next]
            if input.node != nil, visited.insert(ObjectIdentifier(input)).inserted {
                stack.append((input, 0))
            }
        }
        return order
    }
}
