// Read a Liveform URL back, and the Return URL the form redirects your user to.
import Liveform

let secretKey = try AES256.Key(credential: "DEMO-ONLY-not-a-real-secretKey")  // fake demo keys
let apiKey = try AES256.Key(credential: "DEMO-ONLY-not-a-real-argos-api-key")

var parameters = LiveformParameters()
parameters.userid = "user-42"
let url = try LiveformURLBuilder(
    settings: LiveformSettings(
        projectId: "demo-project-id", encryption: .ecb, credential: .init(kind: .secretKey, key: secretKey))
)
.url(for: parameters)

let decoded = try LiveformURLDecoder(keys: [secretKey, apiKey]).decode(url)  // keys tried in order
print(decoded.pid, decoded.parameters.userid ?? "-", decoded.warnings)

// The Return URL, as your server sees it (path and query are enough).
let returnURL = try ReturnURLBuilder(returnURL: "/kyc/done", key: apiKey)
    .url(for: ["kycStatus": "approved", "userid": "user-42"])
let result = try ReturnURLDecoder(keys: [apiKey]).decode(returnURL)
if result.kycStatus == .approved { print("show the success page; confirm through the API or a webhook") }
