// LibFuzzerEntry: hands one target to libFuzzer's driver (coverage-guided mutation, with
// AddressSanitizer in `make fuzz`'s build). A property violation aborts, so libFuzzer keeps the input
// as a crash-… file; replay it with `paltrain-fuzz replay`.
#if PALTRAIN_LIBFUZZER
import CLibFuzzer
import Foundation
import Fuzzing

/// The target libFuzzer's callback reads with, and the file it writes each input to (C callbacks capture nothing).
nonisolated(unsafe) private var current: (target: FuzzTarget, file: URL)?

/// Runs libFuzzer's driver on `target` with `arguments` (corpus folders, -flags); returns its exit status.
func runLibFuzzer(_ target: FuzzTarget, arguments: [String]) -> Int32 {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("paltrain-libfuzzer-\(getpid())")
    try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    current = (target, directory.appendingPathComponent("input.\(target.fileExtension)"))
    var argc = Int32(arguments.count + 1)
    var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = .allocate(capacity: arguments.count + 2)
    for (index, argument) in ([CommandLine.arguments[0]] + arguments).enumerated() { argv![index] = strdup(argument) }
    argv![arguments.count + 1] = nil
    return LLVMFuzzerRunDriver(&argc, &argv) { data, size in
        guard let (target, file) = current else { return 0 }
        let input = Array(UnsafeBufferPointer(start: data, count: size))
        do {
            try Data(input).write(to: file)
            _ = try target.check(input, file: file)
        } catch {
            FileHandle.standardError.write(Data("paltrain-fuzz \(target.rawValue): \(error)\n".utf8))
            abort()
        }
        return 0
    }
}
#endif
