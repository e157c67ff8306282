// paltrain's entry point: the process setup every paltrain program shares, then the command tree, with
// any Foundation file error that escaped a command explained in words.
import CommandOptions
import TextData

ProcessSetup.apply(program: "paltrain")
do {
    var command = try Paltrain.parseAsRoot()
    try command.run()
} catch {
    Paltrain.exit(withError: FileAccess.explained(error))
}
