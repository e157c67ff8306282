// paltrain's entry point: choose OpenBLAS's kernel before anything else, take PALTRAIN_THREADS (cores
// for every kernel, BLAS included; default all, or this machine's share under mpirun), then run the command tree.
import ArgumentParser
import DataParallel
import Foundation
import TensorCore
import TextData

BLAS.relaunchWithBestCoreTypeIfNeeded()
if let value = ProcessInfo.processInfo.environment["PALTRAIN_THREADS"] {
    guard let threads = Int(value), threads > 0 else {
        FileHandle.standardError.write(Data("paltrain: PALTRAIN_THREADS must be a positive integer, got `\(value)`\n".utf8))
        exit(2)
    }
    Threading.threads = threads
} else if World.launchedSize().map({ $0 > 1 }) == true {
    // Ranks that mpirun put on one machine share its cores.
    let threads = max(1, ProcessInfo.processInfo.activeProcessorCount / World.localRanks())
    Threading.threads = threads
}
setvbuf(stdout, nil, _IOLBF, 0)   // progress lines appear as they happen in logs and pipes too
// Paltrain.main(), with any Foundation file error that escaped a command explained in words.
do {
    var command = try Paltrain.parseAsRoot()
    if let server = command as? AsyncParsableCommand { try await server.runServing() } else { try command.run() }
} catch {
    Paltrain.exit(withError: FileAccess.explained(error))
}
