import ArgumentParser

/// `liveform`: the root command.
struct LiveformCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "liveform",
        abstract: "Build and decode ARGOS Identity Liveform URLs, Return URLs, webhooks and API bodies; call the REST API.",
        discussion: """
            Keys: --key-file PATH, --key-env NAME, --key-hex HEX, or the LIVEFORM_KEY environment \
            variable when no key option is given. --key VALUE also works but warns: the key ends up in \
            shell history and the process list.

            Exit status:
              0   success
              1   decryption failed, or vectors failed
              64  usage error or invalid parameter
              65  malformed input
              66  an input file cannot be opened
              69  nothing answers: the API (rate limited, server error or no answer) or webhook send
              70  the crypto library failed
              77  the API: IP address not allowed, or the key was refused
              78  invalid or missing key
            """,
        version: "0.1.0",
        subcommands: [
            Sign.self, Decode.self, ReturnURLCommand.self, WebhookCommand.self, BodyCommand.self,
            Encrypt.self, Decrypt.self, VectorsCommand.self, Demo.self, APICommand.self, SandboxCommand.self,
        ]
    )
}
