// ProcessSetup: what each paltrain program (`paltrain`, `paltrain-study`) does before it parses its
// command line: OpenBLAS's kernel for this CPU, PALTRAIN_THREADS (cores for every kernel, BLAS
// included; default all, or this machine's share under mpirun), and output that is line-buffered.
import DataParallel
import Foundation
import TensorCore

public enum ProcessSetup {
    /// Prepares this process; a bad PALTRAIN_THREADS ends it with status 2 and a message naming `program`.
    public static func apply(program: String) {
        BLAS.relaunchWithBestCoreTypeIfNeeded()
        if let value = ProcessInfo.processInfo.environment["PALTRAIN_THREADS"] {
            guard let threads = Int(value), threads > 0 else {
                FileHandle.standardError.write(Data("\(program): PALTRAIN_THREADS must be a positive integer, got `\(value)`\n".utf8))
                exit(2)
            }
            Threading.threads = threads
        } else if World.launchedSize().map({ $0 > 1 }) == true {
            // Ranks that mpirun put on one machine share its cores.
            Threading.threads = max(1, ProcessInfo.processInfo.activeProcessorCount / World.localRanks())
        }
        setvbuf(stdout, nil, _IOLBF, 0)   // progress lines appear as they happen in logs and pipes too
    }
}
