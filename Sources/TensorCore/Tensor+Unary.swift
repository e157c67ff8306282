// Unary elementwise functions, each with its derivative written from the input x or the output y:
//   exp: y   log: 1/x   tanh: 1 − y²   sqrt: 1/(2y)   relu: [x > 0]
import Foundation

/// An elementwise function with its derivative, expressed through the input and/or output.
protocol UnaryFunction {
    static var name: String { get }
    static func apply(_ x: Float) -> Float
    static func derivative(x: Float, y: Float) -> Float
}

enum ExpFunction: UnaryFunction {
    static let name = "exp"
    @inline(__always) static func apply(_ x: Float) -> Float { Foundation.exp(x) }
    @inline(__always) static func derivative(x: Float, y: Float) -> Float { y }
}
enum LogFunction: UnaryFunction {
    static let name = "log"
    @inline(__always) static func apply(_ x: Float) -> Float { Foundation.log(x) }
    @inline(__always) static func derivative(x: Float, y: Float) -> Float { 1 / x }
}
enum TanhFunction: UnaryFunction {
    static let name = "tanh"
    @inline(__always) static func apply(_ x: Float) -> Float { Foundation.tanh(x) }
    @inline(__always) static func derivative(x: Float, y: Float) -> Float { 1 - y * y }
}
enum SqrtFunction: UnaryFunction {
    static let name = "sqrt"
    @inline(__always) static func apply(_ x: Float) -> Float { x.squareRoot() }
    @inline(__always) static func derivative(x: Float, y: Float) -> Float { 0.5 / y }
}
enum ReluFunction: UnaryFunction {
    static let name = "relu"
    @inline(__always) static func apply(_ x: Float) -> Float { max(x, 0) }
    @inline(__always) static func derivative(x: Float, y: Float) -> Float { x > 0 ? 1 : 0 }
}

extension Tensor {
    func unary<F: UnaryFunction>(_ f: F.Type) -> Tensor {
        let out = Tensor(uninitializedShape: shape)
        let x = data, y = out.data
        parallelChunks(count, grain: elementwiseGrain) { _, r in for i in r { y[i] = F.apply(x[i]) } }
        return out.recorded(F.name, [self]) { g, out in
            let dx = Tensor(uninitializedShape: self.shape)
            let x = self.data, y = out.data, gp = g.data, d = dx.data
            parallelChunks(self.count, grain: elementwiseGrain) { _, r in
                for i in r { d[i] = gp[i] * F.derivative(x: x[i], y: y[i]) }
            }
            self.accumulateGrad(dx)
        }
    }

    public func exp() -> Tensor { unary(ExpFunction.self) }
    public func log() -> Tensor { unary(LogFunction.self) }
    public func tanh() -> Tensor { unary(TanhFunction.self) }
    public func sqrt() -> Tensor { unary(SqrtFunction.self) }
    public func relu() -> Tensor { unary(ReluFunction.self) }
}
