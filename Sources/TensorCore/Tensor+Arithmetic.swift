// Elementwise arithmetic with NumPy broadcasting (+ − × ÷ between tensors) and the affine scalar op
// a·x + b behind the scalar operators. Backward sums each gradient back to its operand's shape.
//   d(a+b) = (g, g)   d(a−b) = (g, −g)   d(a·b) = (g·b, g·a)   d(a/b) = (g/b, −g·a/b²)

/// A binary elementwise function; generic kernels specialise on it so the inner loop is tight.
protocol BinaryFunction { static func apply(_ a: Float, _ b: Float) -> Float }
enum AddFunction: BinaryFunction { @inline(__always) static func apply(_ a: Float, _ b: Float) -> Float { a + b } }
enum SubFunction: BinaryFunction { @inline(__always) static func apply(_ a: Float, _ b: Float) -> Float { a - b } }
enum MulFunction: BinaryFunction { @inline(__always) static func apply(_ a: Float, _ b: Float) -> Float { a * b } }
enum DivFunction: BinaryFunction { @inline(__always) static func apply(_ a: Float, _ b: Float) -> Float { a / b } }

/// out = f(a, b) with broadcasting; fast paths for equal shapes, a scalar operand and a trailing-suffix operand.
func broadcastApply<F: BinaryFunction>(_ f: F.Type, _ a: Tensor, _ b: Tensor) -> Tensor {
    let outShape = a.shape == b.shape ? a.shape : broadcastShape(a.shape, b.shape)
    let out = Tensor(uninitializedShape: outShape)
    let pa = a.data, pb = b.data, po = out.data, n = out.count
    if a.count == n && b.count == n {
        parallelChunks(n, grain: elementwiseGrain) { _, r in for i in r { po[i] = F.apply(pa[i], pb[i]) } }
    } else if b.count == 1 {
        let s = pb[0]
        parallelChunks(n, grain: elementwiseGrain) { _, r in for i in r { po[i] = F.apply(pa[i], s) } }
    } else if a.count == 1 {
        let s = pa[0]
        parallelChunks(n, grain: elementwiseGrain) { _, r in for i in r { po[i] = F.apply(s, pb[i]) } }
    } else if a.count == n && isSuffix(b.shape, of: outShape) {
        let m = b.count
        parallelChunks(n / m, grain: max(1, elementwiseGrain / m)) { _, rows in
            for row in rows { let o = row * m; for j in 0..<m { po[o + j] = F.apply(pa[o + j], pb[j]) } }
        }
    } else {
        let sa = broadcastStrides(a.shape, to: outShape), sb = broadcastStrides(b.shape, to: outShape)
        let inner = outShape.last ?? 1, ia = sa.last ?? 0, ib = sb.last ?? 0
        forEachRow(outShape, sa, sb) { row, oa, ob in
            let o = po + row * inner
            for j in 0..<inner { o[j] = F.apply(pa[oa + j * ia], pb[ob + j * ib]) }
        }
    }
    return out
}

extension Tensor {
    public static func + (a: Tensor, b: Tensor) -> Tensor {
        broadcastApply(AddFunction.self, a, b).recorded("add", [a, b]) { g, _ in
            a.accumulateGrad(g.summed(to: a.shape))
            b.accumulateGrad(g.summed(to: b.shape))
        }
    }

    public static func - (a: Tensor, b: Tensor) -> Tensor {
        broadcastApply(SubFunction.self, a, b).recorded("sub", [a, b]) { g, _ in
            a.accumulateGrad(g.summed(to: a.shape))
            if b.requiresGrad { b.accumulateGrad(g.summed(to: b.shape).affine(scale: -1, shift: 0)) }
        }
    }

    public static func * (a: Tensor, b: Tensor) -> Tensor {
        broadcastApply(MulFunction.self, a, b).recorded("mul", [a, b]) { g, _ in
            if a.requiresGrad { a.accumulateGrad(broadcastApply(MulFunction.self, g, b).summed(to: a.shape)) }
            if b.requiresGrad { b.accumulateGrad(broadcastApply(MulFunction.self, g, a).summed(to: b.shape)) }
        }
    }

    public static func / (a: Tensor, b: Tensor) -> Tensor {
        broadcastApply(DivFunction.self, a, b).recorded("div", [a, b]) { g, out in
            if a.requiresGrad { a.accumulateGrad(broadcastApply(DivFunction.self, g, b).summed(to: a.shape)) }
            if b.requiresGrad {
                // −g·a/b² = −g·out/b
                let gOut = broadcastApply(MulFunction.self, g, out)
                b.accumulateGrad(broadcastApply(DivFunction.self, gOut, b).summed(to: b.shape).affine(scale: -1, shift: 0))
            }
        }
    }

    /// scale·x + shift, elementwise.  dx = scale·g
    public func affine(scale: Float, shift: Float) -> Tensor {
        let out = Tensor(uninitializedShape: shape)
        let x = data, o = out.data
        parallelChunks(count, grain: elementwiseGrain) { _, r in for i in r { o[i] = scale * x[i] + shift } }
        return out.recorded("affine", [self]) { g, _ in
            self.accumulateGrad(scale == 1 ? g : g.affine(scale: scale, shift: 0))
        }
    }

    public static func + (a: Tensor, s: Float) -> Tensor { a.affine(scale: 1, shift: s) }
    public static func + (s: Float, a: Tensor) -> Tensor { a.affine(scale: 1, shift: s) }
    public static func - (a: Tensor, s: Float) -> Tensor { a.affine(scale: 1, shift: -s) }
    public static func - (s: Float, a: Tensor) -> Tensor { a.affine(scale: -1, shift: s) }
    public static func * (a: Tensor, s: Float) -> Tensor { a.affine(scale: s, shift: 0) }
    public static func * (s: Float, a: Tensor) -> Tensor { a.affine(scale: s, shift: 0) }
    public static func / (a: Tensor, s: Float) -> Tensor { a.affine(scale: 1 / s, shift: 0) }
    public static prefix func - (a: Tensor) -> Tensor { a.affine(scale: -1, shift: 0) }
}
