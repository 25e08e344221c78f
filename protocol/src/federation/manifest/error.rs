//! Why a manifest or a manifest update is refused.

/// Why a manifest or manifest update is refused. Each variant names what is
/// wrong and where, so that an operator can fix the document.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ManifestError {
    /// The signature does not verify under the manifest's signer key.
    #[error("the manifest signature does not verify")]
    BadSignature,
    /// The manifest is malformed (kept for callers that report a malformed
    /// manifest they could not decode; the checks below use the precise
    /// variants).
    #[error("invalid manifest: {0}")]
    Invalid(String),
    /// An update's version is not higher than the current one.
    #[error("manifest version {new} does not follow {current}")]
    NotNewer {
        /// The current version.
        current: u64,
        /// The update's version.
        new: u64,
    },
    /// An update is signed by another key than the current manifest's.
    #[error("the manifest update is signed by another key")]
    WrongSigner,
    /// The manifest (its signature or its `signer` field) names another key
    /// than the one the verifier trusts.
    #[error("the manifest is signed by {found}, the trusted signer is {expected}")]
    UntrustedSigner {
        /// The trusted key (hex).
        expected: String,
        /// The key the manifest names (hex).
        found: String,
    },
    /// The federation name is empty, too long, or has a character outside
    /// `a-z 0-9 - . _`.
    #[error("federation name `{0}` must be 1 to 64 characters of a-z 0-9 - . _")]
    BadFederationName(String),
    /// The version is 0 (versions start at 1).
    #[error("manifest version must be at least 1")]
    ZeroVersion,
    /// A slug is not a valid origin component (`a-z 0-9 - . _`, 1 to 64
    /// bytes).
    #[error("member slug `{0}` must be 1 to 64 characters of a-z 0-9 - . _")]
    BadSlug(String),
    /// Two members are out of order (members are sorted by slug).
    #[error("members must be sorted by slug: `{before}` comes before `{after}`")]
    MembersNotSorted {
        /// The slug listed first.
        before: String,
        /// The slug listed after it, which sorts before it.
        after: String,
    },
    /// A slug is listed twice.
    #[error("member slug `{0}` is listed twice")]
    DuplicateSlug(String),
    /// Two members share a key.
    #[error("members `{first}` and `{second}` have the same key {key}")]
    DuplicateKey {
        /// The key (hex).
        key: String,
        /// The first member with it.
        first: String,
        /// The second member with it.
        second: String,
    },
    /// A member's parent is not a member of the manifest.
    #[error("member `{member}` names parent `{parent}`, which is not a member")]
    UnknownParent {
        /// The member.
        member: String,
        /// The parent slug it names.
        parent: String,
    },
    /// A member's parent is a member, but not a region.
    #[error("member `{member}` names parent `{parent}`, which is not a region")]
    ParentNotRegion {
        /// The member.
        member: String,
        /// The parent slug it names.
        parent: String,
    },
    /// Following parents from a member comes back to it.
    #[error("member `{0}` is its own ancestor (parent cycle)")]
    ParentCycle(String),
    /// The signer key is not the key of a region member.
    #[error("the signer {0} is not the key of a region member")]
    SignerNotRegion(String),
    /// A network address is not a multiaddress text (non-empty, starting
    /// with `/`, no whitespace or control characters).
    #[error("member `{member}` has address `{address}`, which is not a multiaddress")]
    BadAddress {
        /// The member.
        member: String,
        /// The address.
        address: String,
    },
}
