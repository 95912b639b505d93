// Build a Liveform URL for a customer, encrypted the way the project is configured.
import Liveform

// The credential comes from your secret store; this one is a fake demo value.
let settings = try LiveformSettings(
    projectId: "demo-project-id",
    encryption: .gcm,
    credential: .secretKey("DEMO-ONLY-not-a-real-secretKey"))
let builder = try LiveformURLBuilder(settings: settings)

var parameters = LiveformParameters()
parameters.email = "kim.minji@example.com"
parameters.userid = "user-42"
parameters.allowedCountries = ["KOR", "USA"]
parameters.rejectDuplicateUser = true

let url = try builder.url(for: parameters, lang: "ko")
print(url)
