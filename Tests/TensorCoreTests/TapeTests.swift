// The backward engine: accumulation across passes, shared subexpressions, no-grad scopes that record
// nothing, and a graph that is released after backward.
import TensorCore
import TensorTesting
import Foundation
import XCTest

final class TapeTests: XCTestCase {
    func testGradientsAccumulateAcrossBackwardPasses() {
        let w = Tensor(shape: [3], values: [1, 2, 3], requiresGrad: true)
        (w * w).sum().backward()
        XCTAssertEqual(w.grad?.toArray(), [2, 4, 6])
        (w * 3).sum().backward()
        XCTAssertEqual(w.grad?.toArray(), [5, 7, 9], "second backward adds to the first")
        w.zeroGrad()
        XCTAssertEqual(w.grad?.toArray(), [0, 0, 0], "a leaf keeps its gradient buffer, zeroed")
    }

    func testSharedSubexpressionGetsBothContributions() {
        let x = Tensor(shape: [2], values: [1, -2], requiresGrad: true)
        let y = x.exp()
        (y * y + y).sum().backward()   // d/dx (e^{2x} + e^x) = 2e^{2x} + e^x
        let expected: [Float] = [1, -2].map { (v: Float) -> Float in 2 * Foundation.exp(2 * v) + Foundation.exp(v) }
        XCTAssertLessThan(difference(x.grad!.toArray(), expected).maxRelative, 1e-6)
    }

    func testNoGradRecordsNothing() {
        let w = Tensor(shape: [4, 4], repeating: 0.5, requiresGrad: true)
        let y = withNoGrad { w.matmul(w).softmax().sum() }
        XCTAssertNil(y.node)
        XCTAssertFalse(y.requiresGrad)
        let z = w.matmul(w).sum()
        XCTAssertEqual(z.node?.name, "sum")
        XCTAssertEqual(z.node?.inputs.first?.node?.name, "matmul", "the tape is inspectable")
    }

    func testGraphIsReleasedAfterBackward() {
        let w = Tensor(shape: [8], repeating: 1, requiresGrad: true)
        weak var intermediate: Tensor?
        var loss: Tensor!
        do {
            let h = (w * 2).tanh()
            intermediate = h
            loss = h.sum()
        }
        XCTAssertNotNil(intermediate, "held by the graph before backward")
        loss.backward()
        XCTAssertNil(loss.node)
        XCTAssertNil(intermediate, "released once backward has consumed the graph")
    }

    func testBackwardThroughViewsOfFlatBuffer() {
        // Parameters living in one flat buffer (as the optimizer arranges) receive ordinary gradients.
        let flat = Storage(zeroedCount: 6), gradFlat = Storage(zeroedCount: 6)
        let a = Tensor(shape: [2], storage: flat, offset: 0, requiresGrad: true)
        let b = Tensor(shape: [4], storage: flat, offset: 2, requiresGrad: true)
        a.assign(Tensor(shape: [2], values: [1, 2]))
        b.assign(Tensor(shape: [4], values: [3, 4, 5, 6]))
        a.bindGrad(to: gradFlat, offset: 0)
        b.bindGrad(to: gradFlat, offset: 2)
        ((a * a).sum() + (b * 2).sum()).backward()
        XCTAssertEqual(Array(UnsafeBufferPointer(start: gradFlat.base, count: 6)), [2, 4, 2, 2, 2, 2])
        a.zeroGrad()
        XCTAssertEqual(a.grad?.toArray(), [0, 0], "a bound gradient is zeroed in place, not dropped")
    }
}
