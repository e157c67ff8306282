// `paltrain doctor`: what this machine gives paltrain: OpenBLAS's kernel and threads, HDF5, and a
// quick sgemm measurement, with advice when the numbers are low.
import ArgumentParser
import Checkpoint
import Foundation
import TensorCore

struct Doctor: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Report the BLAS kernel, threads, HDF5 version and a quick matrix-multiply speed.")

    func run() throws {
        let env = ProcessInfo.processInfo.environment
        let requested = env["OPENBLAS_CORETYPE"]
        let how = env[BLAS.relaunchMarker] != nil ? "set by paltrain for this CPU" :
            (requested != nil ? "from the environment" : "not set")
        print("OpenBLAS core:      \(BLAS.coreName)")
        print("OPENBLAS_CORETYPE:  \(requested ?? "-") (\(how))")
        if let advice = BLAS.recommendedCoreType(), requested != advice {
            print("  advice: this CPU supports AVX-512; run with OPENBLAS_CORETYPE=\(advice) for 4-5x faster sgemm")
        }
        print("OpenBLAS config:    \(BLAS.configuration)")
        print("BLAS threads:       \(BLAS.threads)")
        print("kernel threads:     \(Threading.threads)")
        print("HDF5:               \(CheckpointFile.hdf5Version)")
        let gflops = SgemmProbe.gflops(m: 1024, n: 1024, k: 1024, repeats: 5)
        print(String(format: "sgemm 1024³:        %.1f GFLOP/s", gflops))
    }
}
