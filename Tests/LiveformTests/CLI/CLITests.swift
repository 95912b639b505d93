import Foundation
import Liveform
import Testing

@testable import LiveformCLI

@Suite("liveform command line")
struct CLITests {
    static let credential = "DEMO-ONLY-not-a-real-argos-api-key"
    static let env = ["LIVEFORM_KEY": credential]

    @Test("sign then decode, every mode and backend")
    func signDecode() throws {
        for mode in ["none", "ecb", "gcm"] {
            for backend in ["openssl", "gcrypt"] {
                let signed = CLIRun.run(
                    [
                        "sign", "--pid", "p1", "--mode", mode, "--lang", "ko", "--backend", backend,
                        "--param", "email=kim@example.com", "--param", "cf1=a=b&c",
                    ], environment: Self.env)
                #expect(signed.status == 0, "\(signed.stderr)")
                let url = signed.stdout.trimmingCharacters(in: .newlines)
                #expect(url.hasPrefix("https://form.argosidentity.com/?pid=p1"))
                let decoded = CLIRun.run(["decode", url, "--backend", backend], environment: Self.env)
                #expect(decoded.status == 0, "\(decoded.stderr)")
                #expect(decoded.stdout == #"{"pid":"p1","lang":"ko","params":{"email":"kim@example.com","cf1":"a=b&c"}}"# + "\n")
            }
        }
    }

    @Test("--params-json keeps member order and JSON types; --param values are strings")
    func paramsJSON() throws {
        let file = try temporaryFile(#"{"userid":"u1","rejectDuplicateUser":true,"email":"e@x.io"}"#)
        let signed = CLIRun.run(["sign", "--pid", "p", "--mode", "ecb", "--params-json", file, "--param", "cf1=7"], environment: Self.env)
        #expect(signed.status == 0, "\(signed.stderr)")
        let decoded = CLIRun.run(["decode", "--mode", "ecb", signed.stdout.trimmingCharacters(in: .newlines)], environment: Self.env)
        #expect(decoded.stdout == #"{"pid":"p","params":{"userid":"u1","rejectDuplicateUser":true,"email":"e@x.io","cf1":"7"}}"# + "\n")
        let stdinSigned = CLIRun.run(["sign", "--pid", "p", "--mode", "none", "--params-json", "-"], stdin: #"{"ageLimit":false}"#)
        #expect(stdinSigned.stdout == "https://form.argosidentity.com/?pid=p&ageLimit=false\n", "\(stdinSigned.stderr)")
    }

    @Test("a fixed nonce makes GCM output reproducible")
    func nonce() {
        let args = ["sign", "--pid", "p", "--mode", "gcm", "--nonce", "000102030405060708090a0b", "--param", "userid=u"]
        #expect(CLIRun.run(args, environment: Self.env).stdout == CLIRun.run(args, environment: Self.env).stdout)
        #expect(CLIRun.run(args + ["--nonce"], environment: Self.env).status == 64)
    }

    @Test("keys: --key-file (trailing newline stripped, repeatable for rotation), --key-env, --key-hex, LIVEFORM_KEY")
    func keySources() throws {
        let keyFile = try temporaryFile(Self.credential + "\r\n")
        let otherFile = try temporaryFile("DEMO-ONLY-retired-key\n")
        let signed = CLIRun.run(["encrypt", "--mode", "gcm", "--key-file", keyFile, "hello"])
        #expect(signed.status == 0, "\(signed.stderr)")
        let token = signed.stdout.trimmingCharacters(in: .newlines)
        #expect(CLIRun.run(["decrypt", "--mode", "gcm", "--key-file", otherFile, "--key-file", keyFile, token]).stdout == "hello\n")
        #expect(CLIRun.run(["decrypt", "--mode", "gcm", "--key-env", "MY_KEY", token], environment: ["MY_KEY": Self.credential]).stdout == "hello\n")
        #expect(CLIRun.run(["decrypt", "--mode", "gcm", token], environment: Self.env).stdout == "hello\n")
        let hex = Hex.encode(try AES256.Key(credential: Self.credential).withKeyBytes { $0.withUnsafeBytes { Array($0) } })
        #expect(CLIRun.run(["decrypt", "--mode", "gcm", "--key-hex", hex, token]).stdout == "hello\n")
    }

    @Test("--key works but warns that the key is now in history and the process list")
    func keyWarning() {
        let run = CLIRun.run(["encrypt", "--mode", "ecb", "--key", Self.credential, "x"])
        #expect(run.status == 0)
        #expect(run.stderr.contains("warning: --key") && run.stderr.contains("shell history"))
        #expect(!run.stderr.contains(Self.credential))
    }

    // MARK: Exit statuses, one per category

    @Test("decryption failure: exit 1, one message, no key material")
    func decryptionFailed() {
        let token = CLIRun.run(["encrypt", "--mode", "ecb", "x"], environment: ["LIVEFORM_KEY": "DEMO-ONLY-other"]).stdout
        let run = CLIRun.run(["decrypt", "--mode", "ecb", token.trimmingCharacters(in: .newlines)], environment: Self.env)
        #expect(run.status == 1)
        #expect(run.stderr.hasPrefix("liveform: decryptionFailed: "))
        #expect(run.stderr.split(separator: "\n").count <= 2)
        #expect(!run.stderr.contains(Self.credential) && run.stdout.isEmpty)
    }

    @Test("usage errors and invalidParameter: exit 64")
    func usage() {
        #expect(CLIRun.run(["sign", "--pid", "p"]).status == 64)  // missing --mode
        #expect(CLIRun.run(["sign", "--pid", "p", "--mode", "xyz"]).status == 64)  // bad value
        #expect(CLIRun.run(["frobnicate"]).status == 64)  // unknown command
        let invalid = CLIRun.run(["sign", "--pid", "p", "--mode", "none", "--param", "allowedCountries=KOR"])
        #expect(invalid.status == 64 && invalid.stderr.contains("invalidParameter") && invalid.stderr.contains("allowedCountries"))
        #expect(CLIRun.run(["sign", "--pid", "p", "--mode", "none", "--param", "novalue"]).status == 64)
    }

    @Test("a repeated name in --params-json is refused, like a repeated --param; unknown commands are usage errors")
    func repeatedNames() {
        let run = CLIRun.run(["sign", "--pid", "p", "--mode", "ecb", "--params-json", "-"], environment: Self.env, stdin: #"{"a":1,"a":2}"#)
        #expect(run.status == 64 && run.stderr.contains("'a' appears twice"))
        #expect(CLIRun.run(["nosuch", "--help"]).status == 64)
        #expect(CLIRun.run(["nosuch"]).stderr.contains("unknown command 'nosuch'"))
    }

    @Test("no command prints the key or its derived bytes, whatever happens")
    func keyHygiene() async throws {
        let secret = "DEMO-ONLY-hygiene-credential-9f8e7d"
        let hex = Hex.encode(try AES256.Key(credential: secret).withKeyBytes { $0.withUnsafeBytes { Array($0) } })
        let env = ["LIVEFORM_KEY": secret]
        let token = CLIRun.run(["encrypt", "--mode", "cbc", "x"], environment: env).stdout.trimmingCharacters(in: .newlines)
        let runs = [
            CLIRun.run(["encrypt", "--mode", "gcm", "x"], environment: env),
            CLIRun.run(["decrypt", "--mode", "cbc", token], environment: env),
            CLIRun.run(["decrypt", "--mode", "cbc", token], environment: ["LIVEFORM_KEY": "DEMO-ONLY-wrong"]),
            CLIRun.run(["decrypt", "--mode", "ecb", "%%%"], environment: env),
            CLIRun.run(["encrypt", "--mode", "ecb", "--key", secret, "x"]),
            CLIRun.run(["encrypt", "--mode", "ecb", "x"], environment: ["LIVEFORM_KEY": secret + " "]),
            CLIRun.run(["sign", "--pid", "p", "--mode", "gcm", "--param", "token=bad"], environment: env),
            CLIRun.run(["webhook", "decrypt"], environment: env, stdin: "{}"),
            await CLIRun.runAsync(["demo"]),
        ]
        for run in runs {
            for text in [run.stdout, run.stderr] {
                #expect(!text.contains(secret) && !text.contains(hex) && !text.contains(hex.prefix(16)))
            }
        }
    }

    @Test("malformed input: exit 65")
    func malformed() {
        let run = CLIRun.run(["decrypt", "--mode", "ecb", "not*base64"], environment: Self.env)
        #expect(run.status == 65 && run.stderr.contains("malformedInput"))
        #expect(CLIRun.run(["decode", "not a url"], environment: Self.env).status == 65)
    }

    @Test("an input file that cannot be opened: exit 66")
    func cannotOpen() {
        #expect(CLIRun.run(["sign", "--pid", "p", "--mode", "none", "--params-json", "/nonexistent/params.json"]).status == 66)
        #expect(CLIRun.run(["encrypt", "--mode", "ecb", "--key-file", "/nonexistent/key", "x"]).status == 66)
        #expect(CLIRun.run(["vectors", "check", "/nonexistent/vectors.json"]).status == 66)
    }

    @Test("invalid or missing key: exit 78")
    func invalidKey() {
        let missing = CLIRun.run(["encrypt", "--mode", "ecb", "x"])
        #expect(missing.status == 78 && missing.stderr.contains("invalidKey") && missing.stderr.contains("LIVEFORM_KEY"))
        #expect(CLIRun.run(["encrypt", "--mode", "ecb", "x"], environment: ["LIVEFORM_KEY": " padded"]).status == 78)
        #expect(CLIRun.run(["encrypt", "--mode", "ecb", "--key-hex", "abcd", "x"]).status == 78)
        #expect(CLIRun.run(["encrypt", "--mode", "ecb", "--key-env", "UNSET_VARIABLE", "x"]).status == 78)
    }

    @Test("the root help lists the exit statuses")
    func help() {
        let run = CLIRun.run(["--help"])
        #expect(run.status == 0)
        for code in ["64", "65", "66", "78"] { #expect(run.stdout.contains(code)) }
        for command in ["sign", "decode", "return-url", "encrypt", "decrypt", "vectors", "demo"] {
            #expect(run.stdout.contains(command))
        }
    }

    @Test("return-url build and decode")
    func returnURL() {
        let built = CLIRun.run(
            [
                "return-url", "build", "--return-url", "https://a.test/done", "--encrypt",
                "--field", "kycStatus=approved", "--field", "userid=u-1",
            ], environment: Self.env)
        #expect(built.status == 0, "\(built.stderr)")
        let decoded = CLIRun.run(["return-url", "decode", built.stdout.trimmingCharacters(in: .newlines)], environment: Self.env)
        #expect(decoded.stdout == #"{"kycStatus":"approved","userid":"u-1"}"# + "\n")
        #expect(CLIRun.run(["return-url", "decode", "/done?kycStatus=pending", "--pretty"]).stdout == "{\n  \"kycStatus\": \"pending\"\n}\n")
    }

    @Test("vectors check: failing lines, then 'N passed, M failed'; exit 1 on failure")
    func vectorsCheck() throws {
        let good = try temporaryFile(
            """
            {"format":"liveform-vectors/1","description":"t","vectors":[
             {"id":"bad-key","kind":"cipher","key":"","result":"invalid","error":"invalidKey","mode":"ecb","token":"AAAA"},
             {"id":"odd","kind":"teleport","key":"k","result":"valid"}]}
            """)
        let run = CLIRun.run(["vectors", "check", good])
        #expect(run.status == 1)
        let lines = run.stdout.split(separator: "\n")
        #expect(lines.count == 2 && lines.first?.contains("odd") == true)
        #expect(lines.last == "1 passed, 1 failed")
    }

    @Test("the demo runs and decodes what it builds")
    func demo() async {
        for backend in ["openssl", "gcrypt"] {
            let run = await CLIRun.runAsync(["demo", "--backend", backend])
            #expect(run.status == 0, "\(run.stderr)")
            #expect(run.stdout.contains("round trip         ok") && !run.stdout.contains("MISMATCH"))
        }
    }
}
