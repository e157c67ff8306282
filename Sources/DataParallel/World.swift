// World: which world this process runs in. Open MPI's mpirun announces its ranks in the environment
// (OMPI_COMM_WORLD_SIZE, ..._RANK, ..._LOCAL_SIZE); more than one rank means MPI, loaded only then.
// Anything else is a single process, exactly as without a launcher.
import Foundation

public enum World {
    /// The default wait of one collective for the other ranks, in seconds (PALTRAIN_MPI_TIMEOUT).
    public static let defaultTimeout: TimeInterval = 600

    /// The launcher's world size, or nil when no MPI launcher started this process.
    public static func launchedSize(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> Int? {
        environment["OMPI_COMM_WORLD_SIZE"].flatMap(Int.init)
    }

    /// How many ranks the launcher put on this machine (for splitting its cores between them).
    public static func localRanks(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> Int {
        environment["OMPI_COMM_WORLD_LOCAL_SIZE"].flatMap(Int.init) ?? 1
    }

    /// The world of this process: MPI under `mpirun -np N` with N > 1, else a single process.
    public static func join(_ environment: [String: String] = ProcessInfo.processInfo.environment) throws -> Communicator {
        guard let size = launchedSize(environment), size > 1 else { return SingleProcess() }
        var timeout = defaultTimeout
        if let value = environment["PALTRAIN_MPI_TIMEOUT"] {
            guard let seconds = TimeInterval(value), seconds > 0, seconds.isFinite else {
                throw CommunicationError("PALTRAIN_MPI_TIMEOUT must be a positive number of seconds, got `\(value)`")
            }
            timeout = seconds
        }
        return try MPICommunicator(timeout: timeout)
    }
}
