// `paltrain doctor`: what this machine gives paltrain: OpenBLAS's kernel and threads, HDF5, whether
// the study server is built, and a quick sgemm measurement, with advice when the numbers are low.
import ArgumentParser
import Checkpoint
import Foundation
import TensorCore

struct Doctor: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Report the BLAS kernel, threads, HDF5 version, the study server, and a quick matrix-multiply speed.")

    func run() throws {
        let env = ProcessInfo.processInfo.environment
        let requested = env["OPENBLAS_CORETYPE"]
        let how = env[BLAS.relaunchMarker] != nil ? "set by paltrain for this CPU" :
            (requested != nil ? "from the environment" : "not set")
        print("OpenBLAS core:      \(BLAS.coreName)")
        print("OPENBLAS_CORETYPE:  \(requested ?? "-") (\(how))")
        if BLAS.missesAVX512, let advice = BLAS.recommendedCoreType() {
            print("  advice: this CPU has AVX-512 but OpenBLAS runs its \(BLAS.coreName) kernel; OPENBLAS_CORETYPE=\(advice)"
                  + " selects the AVX-512 kernel (or unset the variable and paltrain chooses it)")
        }
        print("OpenBLAS config:    \(BLAS.configuration)")
        print("threads:            \(Threading.threads) (TensorCore's pool; OpenBLAS runs on each of them)")
        print("HDF5:               \(CheckpointFile.hdf5Version)")
        let study = HumanEvalCommand.Serve.programPath
        print("study server:       " + (FileManager.default.isExecutableFile(atPath: study) ? study
                                        : "not built (`make study` builds \(HumanEvalCommand.Serve.program) for `paltrain human-eval serve`)"))
        let gflops = SgemmProbe.gflops(m: 1024, n: 1024, k: 1024, repeats: 5)
        print(String(format: "sgemm 1024³:        %.1f GFLOP/s", gflops))
    }
}
