// paltrain-study's entry point: the process setup every paltrain program shares, then the study
// server's command, with any Foundation file error that escaped it explained in words.
import CommandOptions
import TextData

ProcessSetup.apply(program: "paltrain-study")
do {
    let command = try ServeStudy.parse()
    try await command.run()
} catch {
    ServeStudy.exit(withError: FileAccess.explained(error))
}
