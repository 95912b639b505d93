/// What a webhook reports: the payload's `webhook_trigger` (wire format §5).
///
/// A struct of constants rather than an enum, so that a trigger ARGOS introduces tomorrow
/// is kept as its string instead of failing every webhook until the SDK is updated.
///
/// ```swift
/// switch event.trigger {
/// case .approved: markVerified(event.userid)
/// case .rejected: notifyRejection(event.kycResult?.comment)
/// case let other where !other.isKnown: logger.info("new trigger \(other)")
/// default: break
/// }
/// ```
public struct WebhookTrigger: RawRepresentable, Sendable, Hashable, CustomStringConvertible,
    ExpressibleByStringLiteral
{
    /// The trigger as the payload spells it, e.g. `token_expired`. Empty when the payload
    /// has no string `webhook_trigger`.
    public let rawValue: String

    /// The trigger spelled `rawValue`, known or not.
    public init(rawValue: String) { self.rawValue = rawValue }

    /// A trigger from a string literal: `let trigger: WebhookTrigger = "approved"`.
    public init(stringLiteral value: String) { self.rawValue = value }

    /// A user started a submission.
    public static let created = WebhookTrigger(rawValue: "created")
    /// A user retried a step.
    public static let retry = WebhookTrigger(rawValue: "retry")
    /// A user submitted; the result may still be pending.
    public static let submit = WebhookTrigger(rawValue: "submit")
    /// A submission was approved.
    public static let approved = WebhookTrigger(rawValue: "approved")
    /// A submission was rejected.
    public static let rejected = WebhookTrigger(rawValue: "rejected")
    /// A submission's data was updated.
    public static let updated = WebhookTrigger(rawValue: "updated")
    /// A submission was deleted.
    public static let delete = WebhookTrigger(rawValue: "delete")
    /// A Liveform token expired before the user finished.
    public static let tokenExpired = WebhookTrigger(rawValue: "token_expired")
    /// An injection attack was detected.
    public static let injection = WebhookTrigger(rawValue: "injection")
    /// An AML screening result (see ``WebhookEvent/amlResult``).
    public static let aml = WebhookTrigger(rawValue: "aml")
    /// An ongoing AML monitoring result (see ``WebhookEvent/amlResult``).
    public static let amlMonitor = WebhookTrigger(rawValue: "aml_monitor")

    /// Every trigger documented by the vendor, in the order of wire format §5.
    public static let documented: [WebhookTrigger] = [
        .created, .retry, .submit, .approved, .rejected, .updated, .delete, .tokenExpired, .injection, .aml, .amlMonitor,
    ]

    /// Whether this is one of the ``documented`` triggers.
    public var isKnown: Bool { Self.documented.contains(self) }

    /// The raw value.
    public var description: String { rawValue }
}
