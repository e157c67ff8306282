// BLAS: what OpenBLAS chose on this machine and how to make it choose well. Debian 12's OpenBLAS
// 0.3.21 does not recognise some AVX-512 CPUs and falls back to a generic kernel several times
// slower than its SkylakeX kernel; OPENBLAS_CORETYPE must be set before the library loads, so
// executables call `BLAS.relaunchWithBestCoreTypeIfNeeded` first thing.
import COpenBLAS
import Foundation

public enum BLAS {
    /// The kernel family OpenBLAS is using ("SkylakeX", "Haswell", "Prescott" …).
    public static var coreName: String { String(cString: openblas_get_corename()) }

    /// OpenBLAS's build configuration string.
    public static var configuration: String {
        String(cString: openblas_get_config()).trimmingCharacters(in: .whitespaces)
    }

    /// Threads OpenBLAS uses for one call: 1 once TensorCore has multiplied anything, since TensorCore
    /// splits every product across its own worker pool (`Threading.threads`) and calls OpenBLAS on each
    /// pool thread; one set of threads then runs everything, with no OpenBLAS threads spinning against it.
    public static var threads: Int { Int(openblas_get_num_threads()) }

    /// Set before TensorCore's first product (see `threads`).
    static let runsOnCallingThread: Void = { openblas_set_num_threads(1) }()

    /// `body` with OpenBLAS splitting each call over `threads` threads of its own (the bench's raw
    /// sgemm ceiling), then back on the calling thread.
    public static func withOwnThreads<T>(_ threads: Int, _ body: () -> T) -> T {
        _ = runsOnCallingThread
        openblas_set_num_threads(Int32(threads))
        defer { openblas_set_num_threads(1) }
        return body()
    }

    /// OpenBLAS kernel families that use AVX-512.
    public static let avx512Cores: Set = ["SkylakeX", "Cooperlake", "SapphireRapids"]

    /// Whether the CPU has AVX-512 but OpenBLAS runs a kernel without it.
    public static var missesAVX512: Bool { recommendedCoreType() != nil && !avx512Cores.contains(coreName) }

    /// The core type to request on this CPU, or nil when it has no AVX-512.
    public static func recommendedCoreType(cpuInfo: String? = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) -> String? {
        guard let flagsLine = cpuInfo?.split(separator: "\n").first(where: { $0.hasPrefix("flags") }) else { return nil }
        let flags = Set(flagsLine.split(separator: " ").map(String.init))
        let skylakeX: Set = ["avx512f", "avx512bw", "avx512vl", "avx512dq", "avx512cd"]
        return skylakeX.isSubset(of: flags) ? "SkylakeX" : nil
    }

    /// Environment variable set on the relaunched process, to tell `paltrain doctor` what happened.
    public static let relaunchMarker = "PALTRAIN_SET_OPENBLAS_CORETYPE"

    /// When OpenBLAS picked a kernel without AVX-512 on an AVX-512 CPU and OPENBLAS_CORETYPE is
    /// unset, sets it and re-executes this program with the same arguments (the library reads it only
    /// when it loads). An explicit OPENBLAS_CORETYPE is respected. Returns if nothing needs doing or
    /// the re-exec fails (the run then goes on with OpenBLAS's own choice).
    public static func relaunchWithBestCoreTypeIfNeeded() {
        guard getenv("OPENBLAS_CORETYPE") == nil, getenv(relaunchMarker) == nil, missesAVX512,
              let core = recommendedCoreType() else { return }
        setenv("OPENBLAS_CORETYPE", core, 1)
        setenv(relaunchMarker, "1", 1)
        execv("/proc/self/exe", CommandLine.unsafeArgv)
        unsetenv("OPENBLAS_CORETYPE")   // execv only returns on failure
    }
}
