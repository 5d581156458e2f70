# The verifier's pages: /verify, /verify/{token}, /s/{token}.
# Every key starts with "verify-". The portal reads verify-check-*,
# verify-outcome-* and verify-code-* too (a credential's page).

## Header and footer (the rest comes from common.ftl).
verify-tagline = Credential verification
verify-footer = Atout checks credentials without contacting their issuer: signature, validity, revocation, suspension and the issuer’s accreditation.

## The checks, by kind (as the API names them).
verify-check-proof = Signature
verify-check-issuer-key = Issuer’s key
verify-check-validity-period = Validity period
verify-check-revocation = Revocation
verify-check-suspension = Suspension
verify-check-issuer-trust = Accredited issuer
verify-check-related-resource = Related resources
verify-check-schema = Schema
verify-check-holder-proof = Holder’s signature
verify-check-challenge = Challenge
verify-check-domain = Domain
verify-check-credentials = Credentials inside

## A check's outcome (next to its icon: colour is never the only signal).
verify-outcome-ok = Passed
verify-outcome-failed = Failed
verify-outcome-could-not-check = Could not check

## A check's sentence: verify-code-<kind>-<code> when it depends on the check, else verify-code-<code>.
verify-code-revocation-status-clear = The credential has not been revoked.
verify-code-suspension-status-clear = The credential is not suspended.
verify-code-revocation-no-status-entry = The issuer did not provide for revoking this credential.
verify-code-suspension-no-status-entry = The issuer did not provide for suspending this credential.
verify-code-holder-proof-wrong-proof-purpose = The holder’s signature was not made for authentication.
# Signature.
verify-code-signature-valid = The signature matches the content: it has not been altered since it was signed.
verify-code-signature-mismatch = The signature does not match the content: the credential was altered, or signed by someone else.
verify-code-no-proof = The credential carries no signature.
verify-code-key-unavailable = The signature could not be checked because the issuer’s key could not be obtained.
verify-code-key-not-accepted = The signature was not made with a key the issuer accepts.
verify-code-malformed-proof-value = The signature is malformed.
verify-code-invalid-json-ld = The content is not well-formed linked data, so no signature can cover it.
verify-code-unsupported-cryptosuite = This kind of signature is not supported by this verifier.
verify-code-unsupported-proof-type = { verify-code-unsupported-cryptosuite }
verify-code-missing-cryptosuite = The signature does not say which algorithm it uses.
verify-code-wrong-proof-purpose = The signature was not made for issuing a credential.
verify-code-proof-created-in-future = The signature claims a date in the future.
verify-code-proof-expired = The signature has expired.
verify-code-unknown-context = The credential uses a vocabulary (JSON-LD context) this verifier does not accept.
verify-code-alg-not-allowed = The signature algorithm is not accepted.
verify-code-iss-mismatch = The signed envelope names another issuer than the credential.
# Issuer's key.
verify-code-key-resolved = The signing key is published by the issuer for this use.
verify-code-too-complex = The content is too complex for this verifier to check: this says nothing of whether it is authentic, only that it could not be checked here.
verify-code-busy = The verifier is busy: try again in a moment.
verify-code-internal-error = The signature could not be checked because of an internal error.
verify-code-not-checked = This was not checked, because the credential’s content cannot be interpreted.
verify-code-key-not-checked = The key was not checked, because the signature was refused first.
verify-code-key-not-resolved = No signing key could be identified.
verify-code-malformed-verification-method = The signature does not properly name its key.
verify-code-key-not-controlled-by-signer = The signing key does not belong to the issuer named in the credential.
verify-code-unsupported-did = The issuer’s identifier is of a kind this verifier does not support.
verify-code-did-not-found = The issuer’s identifier does not exist: its public document was not found.
verify-code-did-unreachable = The issuer’s public keys could not be obtained for now.
verify-code-key-not-authorized-for-purpose = The issuer does not authorise this key to sign credentials.
verify-code-key-not-found = The issuer does not (or no longer) publish this key: it may have been withdrawn.
verify-code-unsupported-key = The issuer’s key is of a kind this verifier does not support.
verify-code-key-algorithm-mismatch = The key does not match the signature’s algorithm.
# Validity period.
verify-code-not-yet-valid = The credential is not valid yet.
verify-code-expired = The credential has expired.
verify-code-within-validity-period = The credential is within its validity period.
verify-code-no-expiry = The credential is valid and has no end date.
verify-code-jwt-date-not-numeric = A date of the JWT (iat, nbf or exp) is not a number of seconds, so the validity period cannot be read.
# Revocation and suspension.
verify-code-revoked = The issuer has revoked this credential.
verify-code-suspended = The issuer has suspended this credential.
verify-code-not-checked-proof-invalid = Not checked, because the signature is not valid.
verify-code-unsupported-status-type = This kind of status information is not supported by this verifier.
verify-code-unsupported-status-size = { verify-code-unsupported-status-type }
verify-code-malformed-status-entry = The credential’s status information is malformed.
verify-code-status-unavailable = The issuer’s status list could not be obtained for now.
verify-code-status-list-wrong-issuer = The status list was not published by the credential’s issuer.
verify-code-status-purpose-mismatch = The status list does not serve this purpose.
verify-code-status-index-out-of-range = The credential’s place in the status list does not exist.
verify-code-status-list-expired = The status list has expired and no newer one could be obtained.
verify-code-status-list-invalid = The status list is not valid.
verify-code-status-list-unverifiable = The status list’s own signature could not be checked.
# Accredited issuer.
verify-code-accredited = The issuer is in the registry of accredited organisations.
verify-code-unknown-issuer = The issuer is not in the registry of accredited organisations.
verify-code-accreditation-expired = The issuer’s accreditation has ended.
verify-code-accreditation-not-yet-valid = The issuer’s accreditation has not started yet.
verify-code-registry-unavailable = The registry of accredited organisations could not be read for now.
# Schema.
verify-code-unsupported-schema-type = The credential declares a kind of schema this verifier does not support.
verify-code-matches-schema = The credential matches the schema it declares.
verify-code-schema-mismatch = The credential does not match the schema it declares.
verify-code-malformed-schema-entry = The credential’s schema declaration is malformed.
verify-code-schema-unavailable = The schema the credential declares could not be obtained for now.
verify-code-schema-invalid = The schema the credential declares is not usable.
verify-code-schema-not-fetched = The credential declares a schema, which this verifier does not check.
# Presentations.
verify-code-presentation-unsigned = The presentation is not signed by its holder.
verify-code-not-requested = Not requested, so not checked.
verify-code-matches = It matches the one requested.
verify-code-challenge-missing = The presentation does not carry the one requested.
verify-code-domain-missing = { verify-code-challenge-missing }
verify-code-challenge-mismatch = It differs from the one requested.
verify-code-domain-mismatch = { verify-code-challenge-mismatch }
verify-code-no-credentials = The presentation carries no credential.
verify-code-credentials-verified = Every credential inside is valid.
verify-code-credential-not-verified = At least one of the credentials inside is not valid.
# SD-JWT VC.
verify-code-disclosure-not-signed = A disclosed claim is not one the issuer signed.
verify-code-disclosure-repeated = The disclosed claims are malformed (repeated or conflicting).
verify-code-digest-repeated = { verify-code-disclosure-repeated }
verify-code-disclosure-clash = { verify-code-disclosure-repeated }
verify-code-sd-alg-not-supported = The credential uses a digest algorithm this verifier does not support.
verify-code-key-binding-missing = The presentation is not signed by the holder, though this was requested.
verify-code-key-binding-not-requested = No signature of the holder was requested.
verify-code-key-binding-valid = The presentation is signed by the holder key the issuer named.
verify-code-holder-key-missing = The issuer named no usable key of the holder.
verify-code-key-binding-alg-mismatch = The presentation is not signed by the holder key the issuer named.
verify-code-key-binding-signature-mismatch = { verify-code-key-binding-alg-mismatch }
verify-code-sd-hash-mismatch = The holder’s signature does not cover what is presented.
verify-code-key-binding-iat-invalid = The holder’s signature is undated, or dated in the future.
verify-code-status-mechanism-unsupported = The credential declares a revocation mechanism this verifier cannot read.

## Formats, named for people.
verify-format-data-integrity = Data Integrity
verify-format-data-integrity-suite = Data Integrity ({ $suite })
verify-format-vc-jwt = JWT (vc+jwt, { $alg })
verify-format-sd-jwt = SD-JWT VC (dc+sd-jwt, { $alg })

## The verdict, at the top of the page.
verify-verdict-valid = Authentic, valid and current
verify-verdict-valid-text = The signature is valid, the issuer is an accredited organisation, and the credential has not expired, nor been revoked or suspended.
verify-verdict-unrecognised = Authentic and current, but from an unrecognised issuer
verify-verdict-unrecognised-text = The signature is valid and the credential has not expired, nor been revoked or suspended. But its issuer is not (or no longer) one of the accredited organisations of the registry: nothing vouches for who it is. Do not rely on the name it gives itself.
verify-verdict-invalid = This credential is not valid
verify-verdict-invalid-text = At least one check failed: see the details below. Do not rely on this credential.
verify-verdict-incomplete = Could not be fully checked
verify-verdict-incomplete-text = Some checks could not be made, for example because information they need could not be obtained. This does not mean the credential is false: no check failed.
verify-verdict-incomplete-advice = Try again later, or ask the holder for another way to verify this credential.
verify-icon-valid = Valid
verify-icon-warning = Warning
verify-icon-invalid = Not valid
verify-icon-incomplete = Incomplete verification

## What the credential states.
verify-section-credential = What the credential states
verify-content-unverified = As the signature is not valid, nothing vouches for this content.
verify-label-issuer = Issuer
verify-unknown-issuer = Unknown issuer
verify-unknown-issuer-note = This issuer is not in the registry of accredited organisations. Its technical identifier:
verify-label-issuer-id = Technical identifier (DID):
verify-label-accreditation = Accreditation:
verify-label-subject = Holder
verify-label-achievement = Title
verify-label-valid-from = Valid from
verify-label-valid-until = Valid until
verify-no-end-date = No end date
verify-not-stated = Not stated
verify-label-format = Format

## The checks performed.
verify-section-checks = Checks performed
verify-status-fetched-at = Revocation and suspension information obtained on
verify-status-not-fetched = No revocation or suspension list was consulted.

## The verification link.
verify-section-link = Verification link
verify-link-text = This link runs this verification again at any time:
verify-qr-svg = QR code (SVG, for print)
verify-qr-png = QR code (PNG image)
verify-another = Verify another credential

## The employers' landing: paste, send a file, scan.
verify-form-title = Verify a credential
verify-form-lead = A candidate sent you a diploma, a certificate or a share link? Check in a few seconds that it is authentic and still valid, without creating an account.
verify-what-title = What is checked
verify-what-signature = The signature: the content has not been altered since the issuer signed it.
verify-what-validity = The validity period: the credential has not expired and is already valid.
verify-what-status = Revocation and suspension: the issuer has not withdrawn it.
verify-what-issuer = The issuer: it is in the registry of accredited organisations.
verify-how-title = Verify now
verify-form-intro = Paste a digital credential (as JSON, or a JWT starting with “eyJ”), or choose the file that holds it. A verification or share link opens directly in your browser.
verify-label-paste = Credential to verify (JSON or JWT)
verify-paste-hint = Paste the whole text, as you received it.
verify-label-file = Or choose a file
verify-file-hint = A .json, .jwt or .txt file.
verify-submit = Verify
verify-privacy-note = The credential is not kept: it is used for this verification only.
verify-scan-title = Scan a QR code
verify-scan-intro = Show the QR code of a credential or of a share to the camera: its page opens.
verify-scan-start = Open the camera
verify-scan-stop = Stop the camera
verify-scan-denied = The camera is not available. Paste the credential or choose its file below.
verify-scan-foreign = This QR code does not lead to a credential of this service. Its content:
verify-form-error-title = The credential could not be verified
verify-technical-detail = Technical detail:
verify-err-empty = Paste a credential or choose a file.
verify-err-both = Paste a credential or choose a file, not both.
verify-err-not-text = The file is not a text file (UTF-8).
verify-err-not-json = The text starts like JSON but is not valid JSON.
verify-err-not-recognised = This text is neither JSON nor a JWT. A credential starts with “{"{"}” (JSON) or “eyJ” (JWT).
verify-err-not-credential = This is not a well-formed verifiable credential.
verify-err-form-unreadable = The form that was sent could not be read.
verify-err-content-type = Send this page’s form (multipart/form-data or application/x-www-form-urlencoded).

## Error pages.
verify-not-found-title = Unknown verification link
verify-not-found-text = This verification link does not exist. Check that it was copied in full, or ask the holder for a new link.
verify-no-store-title = Verification links are not available here
verify-no-store-text = This verification service runs without a database: it cannot find a credential from a link. You can still verify a credential by pasting it or sending its file.
verify-too-large-title = Too large
verify-too-large-text = The text or file sent is larger than accepted. A credential is usually a few kilobytes: check that you chose the right file.
verify-unavailable-title = Temporarily unavailable
verify-unavailable-text = The verification could not be made for now. Try again in a few minutes.
verify-go-to-form = Verify a credential by pasting it

## A share's page (/s/{token}) and a pasted presentation's.
verify-share-shared-by = Shared by
verify-share-holder-proof-ok = These credentials are presented to you by their holder: the holder’s signature, made for this page, is valid.
verify-share-holder-proof-failed = The holder’s signature on this presentation could not be verified.
verify-share-holder-id = Holder’s identifier:
verify-share-expires = This share ends on
verify-share-no-expiry = This share stays open until its holder withdraws it.
verify-share-section-credentials = Verified credentials
verify-share-credential-title = Credential { $n } – { $verdict }
verify-share-no-credentials = This share holds no signed credential.
verify-share-section-certified = Certified path
verify-share-certified-note = Each item below is tied to a credential verified above.
verify-share-certified-by = Certified by credential { $n }
verify-share-section-endorsed = Path endorsed by peers
verify-share-endorsed-note = People who shared this experience vouched for it; this is not a credential from an organisation.
verify-share-section-declared = Declared path
verify-share-declared-note = Written by the holder: nothing here has been verified.
verify-share-section-documents = Documents
verify-share-documents-note = Files the holder uploaded; they are not signed.
verify-share-download = Download { $name }
verify-share-kind-experience = Experience
verify-share-kind-education = Education
verify-share-kind-skill = Skill
verify-share-kind-language = Language
verify-share-kind-project = Project
verify-share-kind-interest = Interest
verify-share-pin-title = PIN required
verify-share-pin-intro = This share is protected by a PIN. Ask the person who gave you the link.
verify-share-pin-label = PIN
verify-share-pin-hint = 4 to 12 digits.
verify-share-pin-wrong = This PIN is not the right one.
verify-share-attempts-left = Attempts left: { $count }.
verify-share-pin-submit = Open
verify-share-line-unknown-title = No such line
verify-share-line-unknown-text = This link names a line that the shared CV or portfolio does not have. Open the whole share instead.
verify-share-whole = See everything that was shared
verify-share-unknown-title = Unknown link
verify-share-unknown-text = No share matches this link. Check that it was copied in full.
verify-share-revoked-title = Share withdrawn
verify-share-revoked-text = Its holder withdrew this share: its content is no longer available.
verify-share-expired-title = Share expired
verify-share-expired-text = This share has ended: its content is no longer available.
verify-share-locked-title = Too many attempts
verify-share-locked-text = Too many wrong PINs were typed. Try again in a quarter of an hour.
verify-share-guesses-title = Too many links
verify-share-guesses-text = Too many links were opened from your network address. Try again in a minute.
verify-share-unavailable-title = Share unavailable
verify-share-unavailable-text = This share cannot be shown right now. Try again later.
verify-share-busy-title = Busy for a moment
verify-share-busy-text = Too many people are opening shares with a PIN right now. Try again in a few seconds.
verify-share-presentation-title = Verifiable presentation
verify-share-presented-by = Presented by
verify-share-presentation-proof-ok = The holder’s signature on this presentation is valid.
verify-share-presentation-no-challenge = This presentation was not made for this page: anyone who received it can show it. To know it comes from its holder now, ask them for a share link.
verify-code-digest-matches = The related resource matches the digest the issuer signed.
verify-code-digest-mismatch = A related resource no longer matches the digest the issuer signed: it changed since the credential was issued.
verify-code-malformed-digest = The digest of a related resource is malformed.
verify-code-unsupported-digest = A related resource has no digest this verifier can compute.
verify-code-related-resource-unavailable = A related resource could not be obtained to compare it with its digest.
verify-code-malformed-related-resource = A related resource has no identifier.

## Issuer outside the registry: a warning (h-trust, issue 16)
verify-outcome-warning = Warning
# The employer's view of a share (issue 16)
verify-share-portfolio-lead = This is the path this person chose to show you.
verify-share-fact-issuer = Issued by
verify-share-fact-title = Title
verify-share-fact-field = Field
verify-share-fact-grade = Grade
verify-share-fact-awarded = Awarded on
verify-share-fact-eqf = European level (EQF)
verify-share-fact-credits = ECTS credits
verify-share-codes = Frameworks:
verify-share-language-code = Language code:
verify-share-mother-tongue = Mother tongue.
verify-share-cefr-caption = Common European Framework of Reference levels (self-assessment)
verify-share-cefr-skill = Skill
verify-share-cefr-level = Level
verify-share-cefr-listening = Listening
verify-share-cefr-reading = Reading
verify-share-cefr-spoken-interaction = Spoken interaction
verify-share-cefr-spoken-production = Spoken production
verify-share-cefr-writing = Writing
verify-share-keywords = Keywords:
verify-share-endorsements = Endorsements
verify-share-endorsement-valid = Author’s signature verified
verify-share-endorsement-invalid = Author’s signature invalid
verify-share-endorsement-incomplete = Author’s signature could not be checked
