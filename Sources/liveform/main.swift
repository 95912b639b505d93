import Foundation
import LiveformCLI

// All logic lives in LiveformCLI so the tests can run every command in-process.
exit(await CLI.main(arguments: Array(CommandLine.arguments.dropFirst())))
