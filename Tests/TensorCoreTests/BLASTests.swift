// The OpenBLAS core-type choice read from /proc/cpuinfo flags.
import TensorCore
import XCTest

final class BLASTests: XCTestCase {
    func testRecommendsSkylakeXOnlyWithTheAVX512Family() {
        let zen4 = "processor : 0\nflags : fpu sse2 avx2 avx512f avx512dq avx512cd avx512bw avx512vl avx512_bf16\n"
        XCTAssertEqual(BLAS.recommendedCoreType(cpuInfo: zen4), "SkylakeX")
        let zen3 = "flags : fpu sse2 avx avx2 fma\n"
        XCTAssertNil(BLAS.recommendedCoreType(cpuInfo: zen3))
        XCTAssertNil(BLAS.recommendedCoreType(cpuInfo: "flags : avx512f\n"), "AVX-512F alone is not enough for SkylakeX kernels")
        XCTAssertNil(BLAS.recommendedCoreType(cpuInfo: nil))
    }

    func testReportsTheKernelInUse() {
        XCTAssertFalse(BLAS.coreName.isEmpty)
        XCTAssertGreaterThanOrEqual(BLAS.threads, 1)
    }
}
