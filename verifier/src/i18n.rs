//! The verification pages' texts, in French and English, and how a page’s
//! language is chosen: `?lang=fr|en`, else the visitor’s `Accept-Language`
//! (q-values honoured), else French.
//!
//! Every text exists in both languages by construction: [`Texts`] is one
//! struct filled once per language, and check sentences are written as
//! `[French, English]` pairs.

use crate::report::{CheckKind, Outcome};

pub use atout_web::i18n::{choose, format_date, format_date_time, from_accept_language, Lang};

/// A check’s name.
pub fn check_name(lang: Lang, kind: CheckKind) -> &'static str {
    lang.pick(match kind {
        CheckKind::Proof => ["Signature", "Signature"],
        CheckKind::IssuerKey => ["Clé de l’émetteur", "Issuer’s key"],
        CheckKind::ValidityPeriod => ["Période de validité", "Validity period"],
        CheckKind::Revocation => ["Révocation", "Revocation"],
        CheckKind::Suspension => ["Suspension", "Suspension"],
        CheckKind::IssuerTrust => ["Émetteur accrédité", "Accredited issuer"],
        CheckKind::Schema => ["Schéma", "Schema"],
        CheckKind::HolderProof => ["Signature du titulaire", "Holder’s signature"],
        CheckKind::Challenge => ["Défi", "Challenge"],
        CheckKind::Domain => ["Domaine", "Domain"],
        CheckKind::Credentials => ["Justificatifs contenus", "Credentials inside"],
    })
}

/// An outcome in words (shown next to its icon, so colour is never the
/// only signal).
pub fn outcome_word(lang: Lang, outcome: Outcome) -> &'static str {
    lang.pick(match outcome {
        Outcome::Ok => ["Réussi", "Passed"],
        Outcome::Failed => ["Échec", "Failed"],
        Outcome::CouldNotCheck => ["Non vérifiable", "Could not check"],
    })
}

/// The one sentence a check’s `code` stands for; `None` for a code this
/// table does not know (the page then shows the English reason).
pub fn check_sentence(lang: Lang, kind: CheckKind, code: &str) -> Option<&'static str> {
    sentence_pair(kind, code).map(|pair| lang.pick(pair))
}

fn sentence_pair(kind: CheckKind, code: &str) -> Option<[&'static str; 2]> {
    use CheckKind as K;
    // Codes whose sentence depends on the check.
    let by_kind = match (kind, code) {
        (K::Revocation, "status-clear") => Some([
            "Le justificatif n’a pas été révoqué.",
            "The credential has not been revoked.",
        ]),
        (K::Suspension, "status-clear") => Some([
            "Le justificatif n’est pas suspendu.",
            "The credential is not suspended.",
        ]),
        (K::Revocation, "no-status-entry") => Some([
            "L’émetteur n’a pas prévu de pouvoir révoquer ce justificatif.",
            "The issuer did not provide for revoking this credential.",
        ]),
        (K::Suspension, "no-status-entry") => Some([
            "L’émetteur n’a pas prévu de pouvoir suspendre ce justificatif.",
            "The issuer did not provide for suspending this credential.",
        ]),
        (K::HolderProof, "wrong-proof-purpose") => Some([
            "La signature du titulaire n’a pas été faite pour s’authentifier.",
            "The holder’s signature was not made for authentication.",
        ]),
        _ => None,
    };
    if by_kind.is_some() {
        return by_kind;
    }
    Some(match code {
        // Signature.
        "signature-valid" => [
            "La signature correspond au contenu : il n’a pas été modifié depuis sa signature.",
            "The signature matches the content: it has not been altered since it was signed.",
        ],
        "signature-mismatch" => [
            "La signature ne correspond pas au contenu : le justificatif a été modifié, ou signé par quelqu’un d’autre.",
            "The signature does not match the content: the credential was altered, or signed by someone else.",
        ],
        "no-proof" => [
            "Le justificatif ne porte aucune signature.",
            "The credential carries no signature.",
        ],
        "key-unavailable" => [
            "La signature n’a pas pu être contrôlée, faute d’avoir obtenu la clé de l’émetteur.",
            "The signature could not be checked because the issuer’s key could not be obtained.",
        ],
        "key-not-accepted" => [
            "La signature n’a pas été faite avec une clé reconnue par l’émetteur.",
            "The signature was not made with a key the issuer accepts.",
        ],
        "malformed-proof-value" => ["La signature est mal formée.", "The signature is malformed."],
        "invalid-json-ld" => [
            "Le contenu n’est pas structuré correctement : aucune signature ne peut donc le couvrir.",
            "The content is not well-formed linked data, so no signature can cover it.",
        ],
        "unsupported-cryptosuite" | "unsupported-proof-type" => [
            "Ce type de signature n’est pas pris en charge par ce service de vérification.",
            "This kind of signature is not supported by this verifier.",
        ],
        "missing-cryptosuite" => [
            "La signature n’indique pas son algorithme.",
            "The signature does not say which algorithm it uses.",
        ],
        "wrong-proof-purpose" => [
            "La signature n’a pas été faite pour émettre un justificatif.",
            "The signature was not made for issuing a credential.",
        ],
        "proof-created-in-future" => [
            "La signature porte une date située dans le futur.",
            "The signature claims a date in the future.",
        ],
        "proof-expired" => ["La signature a expiré.", "The signature has expired."],
        "unknown-context" => [
            "Le justificatif utilise un vocabulaire (contexte JSON-LD) que ce service n’accepte pas.",
            "The credential uses a vocabulary (JSON-LD context) this verifier does not accept.",
        ],
        "alg-not-allowed" => [
            "L’algorithme de signature n’est pas accepté.",
            "The signature algorithm is not accepted.",
        ],
        "iss-mismatch" => [
            "L’enveloppe signée désigne un autre émetteur que le justificatif.",
            "The signed envelope names another issuer than the credential.",
        ],
        // Issuer’s key.
        "key-resolved" => [
            "La clé de signature est bien publiée par l’émetteur pour cet usage.",
            "The signing key is published by the issuer for this use.",
        ],
        "too-complex" => [
            "Le contenu demande plus de calcul que ce vérificateur n’en accepte : il a peut-être été fabriqué pour le bloquer.",
            "The content needs more computation than this verifier accepts: it may have been crafted to block it.",
        ],
        "not-checked" => [
            "Ce contrôle n’a pas été fait, car le contenu du justificatif ne peut pas être interprété.",
            "This was not checked, because the credential’s content cannot be interpreted.",
        ],
        "key-not-checked" => [
            "La clé n’a pas été contrôlée, car la signature a été refusée d’emblée.",
            "The key was not checked, because the signature was refused first.",
        ],
        "key-not-resolved" => [
            "Aucune clé de signature n’a pu être identifiée.",
            "No signing key could be identified.",
        ],
        "malformed-verification-method" => [
            "La signature ne désigne pas correctement sa clé.",
            "The signature does not properly name its key.",
        ],
        "key-not-controlled-by-signer" => [
            "La clé de signature n’appartient pas à l’émetteur indiqué dans le justificatif.",
            "The signing key does not belong to the issuer named in the credential.",
        ],
        "unsupported-did" => [
            "L’identifiant de l’émetteur est d’un type que ce service ne prend pas en charge.",
            "The issuer’s identifier is of a kind this verifier does not support.",
        ],
        "did-not-found" => [
            "L’identifiant de l’émetteur n’existe pas : son document public est introuvable.",
            "The issuer’s identifier does not exist: its public document was not found.",
        ],
        "did-unreachable" => [
            "Les clés publiques de l’émetteur n’ont pas pu être obtenues pour l’instant.",
            "The issuer’s public keys could not be obtained for now.",
        ],
        "key-not-authorized-for-purpose" => [
            "L’émetteur n’autorise pas cette clé à signer des justificatifs.",
            "The issuer does not authorise this key to sign credentials.",
        ],
        "key-not-found" => [
            "L’émetteur ne publie pas (ou plus) cette clé : elle a peut-être été retirée.",
            "The issuer does not (or no longer) publish this key: it may have been withdrawn.",
        ],
        "unsupported-key" => [
            "La clé de l’émetteur est d’un type que ce service ne prend pas en charge.",
            "The issuer’s key is of a kind this verifier does not support.",
        ],
        "key-algorithm-mismatch" => [
            "La clé ne correspond pas à l’algorithme de la signature.",
            "The key does not match the signature’s algorithm.",
        ],
        // Validity period.
        "not-yet-valid" => [
            "Le justificatif n’est pas encore valide.",
            "The credential is not valid yet.",
        ],
        "expired" => ["Le justificatif a expiré.", "The credential has expired."],
        "within-validity-period" => [
            "Le justificatif est dans sa période de validité.",
            "The credential is within its validity period.",
        ],
        "no-expiry" => [
            "Le justificatif est valide et n’a pas de date de fin.",
            "The credential is valid and has no end date.",
        ],
        // Revocation and suspension.
        "revoked" => [
            "L’émetteur a révoqué ce justificatif.",
            "The issuer has revoked this credential.",
        ],
        "suspended" => [
            "L’émetteur a suspendu ce justificatif.",
            "The issuer has suspended this credential.",
        ],
        "not-checked-proof-invalid" => [
            "Non contrôlé, car la signature n’est pas valide.",
            "Not checked, because the signature is not valid.",
        ],
        "unsupported-status-type" | "unsupported-status-size" => [
            "Ce type d’information de statut n’est pas pris en charge par ce service.",
            "This kind of status information is not supported by this verifier.",
        ],
        "malformed-status-entry" => [
            "L’information de statut du justificatif est mal formée.",
            "The credential’s status information is malformed.",
        ],
        "status-unavailable" => [
            "La liste de statut de l’émetteur n’a pas pu être obtenue pour l’instant.",
            "The issuer’s status list could not be obtained for now.",
        ],
        "status-list-wrong-issuer" => [
            "La liste de statut n’a pas été publiée par l’émetteur du justificatif.",
            "The status list was not published by the credential’s issuer.",
        ],
        "status-purpose-mismatch" => [
            "La liste de statut ne sert pas à cet usage.",
            "The status list does not serve this purpose.",
        ],
        "status-index-out-of-range" => [
            "La place du justificatif dans la liste de statut n’existe pas.",
            "The credential’s place in the status list does not exist.",
        ],
        "status-list-expired" => [
            "La liste de statut a expiré et aucune plus récente n’a pu être obtenue.",
            "The status list has expired and no newer one could be obtained.",
        ],
        "status-list-invalid" => [
            "La liste de statut n’est pas valide.",
            "The status list is not valid.",
        ],
        "status-list-unverifiable" => [
            "La signature de la liste de statut n’a pas pu être contrôlée.",
            "The status list’s own signature could not be checked.",
        ],
        // Issuer trust.
        "accredited" => [
            "L’émetteur figure au registre des organismes accrédités.",
            "The issuer is in the registry of accredited organisations.",
        ],
        "unknown-issuer" => [
            "L’émetteur ne figure pas au registre des organismes accrédités.",
            "The issuer is not in the registry of accredited organisations.",
        ],
        "accreditation-expired" => [
            "L’accréditation de l’émetteur a pris fin.",
            "The issuer’s accreditation has ended.",
        ],
        "accreditation-not-yet-valid" => [
            "L’accréditation de l’émetteur n’a pas encore commencé.",
            "The issuer’s accreditation has not started yet.",
        ],
        "registry-unavailable" => [
            "Le registre des organismes accrédités n’a pas pu être consulté pour l’instant.",
            "The registry of accredited organisations could not be read for now.",
        ],
        // Schema.
        "unsupported-schema-type" => [
            "Le justificatif déclare un type de schéma que ce service ne prend pas en charge.",
            "The credential declares a kind of schema this verifier does not support.",
        ],
        "matches-schema" => [
            "Le justificatif respecte le schéma qu’il déclare.",
            "The credential matches the schema it declares.",
        ],
        "schema-mismatch" => [
            "Le justificatif ne respecte pas le schéma qu’il déclare.",
            "The credential does not match the schema it declares.",
        ],
        "malformed-schema-entry" => [
            "La déclaration de schéma du justificatif est mal formée.",
            "The credential’s schema declaration is malformed.",
        ],
        "schema-unavailable" => [
            "Le schéma déclaré par le justificatif n’a pas pu être obtenu pour l’instant.",
            "The schema the credential declares could not be obtained for now.",
        ],
        "schema-invalid" => [
            "Le schéma déclaré par le justificatif n’est pas utilisable.",
            "The schema the credential declares is not usable.",
        ],
        "schema-not-fetched" => [
            "Le justificatif déclare un schéma, que ce service ne contrôle pas.",
            "The credential declares a schema, which this verifier does not check.",
        ],
        // Presentations.
        "presentation-unsigned" => [
            "La présentation n’est pas signée par son titulaire.",
            "The presentation is not signed by its holder.",
        ],
        "not-requested" => ["Non demandé, donc non contrôlé.", "Not requested, so not checked."],
        "matches" => [
            "Il correspond à celui demandé.",
            "It matches the one requested.",
        ],
        "challenge-missing" | "domain-missing" => [
            "La présentation ne porte pas celui qui était demandé.",
            "The presentation does not carry the one requested.",
        ],
        "challenge-mismatch" | "domain-mismatch" => [
            "Il diffère de celui demandé.",
            "It differs from the one requested.",
        ],
        // SD-JWT VC.
        "disclosure-not-signed" => [
            "Une information présentée ne fait pas partie de celles que l’émetteur a signées.",
            "A disclosed claim is not one the issuer signed.",
        ],
        "disclosure-repeated" | "digest-repeated" | "disclosure-clash" => [
            "Les informations présentées sont mal formées (en double ou en conflit).",
            "The disclosed claims are malformed (repeated or conflicting).",
        ],
        "sd-alg-not-supported" => [
            "Le justificatif utilise un algorithme d’empreinte que ce service ne prend pas en charge.",
            "The credential uses a digest algorithm this verifier does not support.",
        ],
        "key-binding-missing" => [
            "La présentation n’est pas signée par le titulaire, alors que c’était demandé.",
            "The presentation is not signed by the holder, though this was requested.",
        ],
        "key-binding-not-requested" => [
            "Aucune signature du titulaire n’était demandée.",
            "No signature of the holder was requested.",
        ],
        "key-binding-valid" => [
            "La présentation est signée par la clé du titulaire désignée par l’émetteur.",
            "The presentation is signed by the holder key the issuer named.",
        ],
        "holder-key-missing" => [
            "L’émetteur n’a désigné aucune clé du titulaire utilisable.",
            "The issuer named no usable key of the holder.",
        ],
        "key-binding-alg-mismatch" | "key-binding-signature-mismatch" => [
            "La présentation n’est pas signée par la clé du titulaire désignée par l’émetteur.",
            "The presentation is not signed by the holder key the issuer named.",
        ],
        "sd-hash-mismatch" => [
            "La signature du titulaire ne couvre pas ce qui est présenté.",
            "The holder’s signature does not cover what is presented.",
        ],
        "key-binding-iat-invalid" => [
            "La signature du titulaire n’est pas datée, ou datée du futur.",
            "The holder’s signature is undated, or dated in the future.",
        ],
        "status-mechanism-unsupported" => [
            "Le justificatif déclare un moyen de révocation que ce service ne sait pas lire.",
            "The credential declares a revocation mechanism this verifier cannot read.",
        ],
        "no-credentials" => [
            "La présentation ne contient aucun justificatif.",
            "The presentation carries no credential.",
        ],
        "credentials-verified" => [
            "Tous les justificatifs qu’elle contient sont valides.",
            "Every credential inside is valid.",
        ],
        "credential-not-verified" => [
            "Au moins un des justificatifs qu’elle contient n’est pas valide.",
            "At least one of the credentials inside is not valid.",
        ],
        _ => return None,
    })
}

/// A credential format for people: `data-integrity/eddsa-rdfc-2022` gives
/// "Data Integrity (eddsa-rdfc-2022)", `vc+jwt/EdDSA` "JWT (vc+jwt, EdDSA)".
pub fn format_name(format: &str) -> String {
    match format.split_once('/') {
        Some(("data-integrity", suite)) => format!("Data Integrity ({suite})"),
        Some(("vc+jwt", alg)) => format!("JWT (vc+jwt, {alg})"),
        Some(("dc+sd-jwt", alg)) => format!("SD-JWT VC (dc+sd-jwt, {alg})"),
        None if format == "data-integrity" => "Data Integrity".to_owned(),
        _ => format.to_owned(),
    }
}

/// Every other text of the pages.
#[derive(Debug)]
pub struct Texts {
    pub site_name: &'static str,
    pub tagline: &'static str,
    pub skip_link: &'static str,
    /// The link to the other language, written in that language.
    pub switch_label: &'static str,
    pub language_nav: &'static str,
    pub footer: &'static str,

    // Verdicts.
    pub verdict_valid: &'static str,
    pub verdict_valid_text: &'static str,
    pub verdict_unrecognised: &'static str,
    pub verdict_unrecognised_text: &'static str,
    pub verdict_invalid: &'static str,
    pub verdict_invalid_text: &'static str,
    pub verdict_incomplete: &'static str,
    pub verdict_incomplete_text: &'static str,
    pub verdict_incomplete_advice: &'static str,
    pub icon_valid: &'static str,
    pub icon_warning: &'static str,
    pub icon_invalid: &'static str,
    pub icon_incomplete: &'static str,

    // The credential.
    pub section_credential: &'static str,
    pub content_unverified: &'static str,
    pub label_issuer: &'static str,
    pub unknown_issuer: &'static str,
    pub unknown_issuer_note: &'static str,
    pub label_issuer_id: &'static str,
    pub label_accreditation: &'static str,
    pub label_subject: &'static str,
    pub label_achievement: &'static str,
    pub label_valid_from: &'static str,
    pub label_valid_until: &'static str,
    pub no_end_date: &'static str,
    pub not_stated: &'static str,
    pub label_format: &'static str,

    // Checks.
    pub section_checks: &'static str,
    pub english_only: &'static str,
    pub status_fetched_at: &'static str,
    pub status_not_fetched: &'static str,

    // Verification link.
    pub section_link: &'static str,
    pub link_text: &'static str,
    pub qr_svg: &'static str,
    pub qr_png: &'static str,
    pub verify_another: &'static str,

    // The paste form.
    pub form_title: &'static str,
    pub form_intro: &'static str,
    pub label_paste: &'static str,
    pub paste_hint: &'static str,
    pub label_file: &'static str,
    pub file_hint: &'static str,
    pub submit: &'static str,
    pub privacy_note: &'static str,
    pub scan_title: &'static str,
    pub scan_intro: &'static str,
    pub scan_start: &'static str,
    pub scan_stop: &'static str,
    pub scan_denied: &'static str,
    pub scan_foreign: &'static str,
    pub form_error_title: &'static str,
    pub technical_detail: &'static str,
    pub err_empty: &'static str,
    pub err_both: &'static str,
    pub err_not_text: &'static str,
    pub err_not_json: &'static str,
    pub err_not_recognised: &'static str,
    pub err_not_credential: &'static str,
    pub err_form_unreadable: &'static str,
    pub err_content_type: &'static str,

    // Error pages.
    pub not_found_title: &'static str,
    pub not_found_text: &'static str,
    pub no_store_title: &'static str,
    pub no_store_text: &'static str,
    pub too_large_title: &'static str,
    pub too_large_text: &'static str,
    pub unavailable_title: &'static str,
    pub unavailable_text: &'static str,
    pub go_to_form: &'static str,
}

pub static FR: Texts = Texts {
    site_name: "Atout",
    tagline: "Vérification de justificatifs",
    skip_link: "Aller au contenu",
    switch_label: "English version",
    language_nav: "Langue",
    footer: "Atout vérifie les justificatifs sans contacter leur émetteur : signature, validité, révocation, suspension et accréditation de l’émetteur.",

    verdict_valid: "Authentique, valide et à jour",
    verdict_valid_text: "La signature est valide, l’émetteur est un organisme accrédité, et le justificatif n’est ni expiré, ni révoqué, ni suspendu.",
    verdict_unrecognised: "Authentique et à jour, mais émetteur non reconnu",
    verdict_unrecognised_text: "La signature est valide et le justificatif n’est ni expiré, ni révoqué, ni suspendu. Mais son émetteur ne figure pas (ou plus) parmi les organismes accrédités du registre : rien ne garantit qui il est. Ne vous fiez pas au nom qu’il se donne lui-même.",
    verdict_invalid: "Ce justificatif n’est pas valide",
    verdict_invalid_text: "Au moins un contrôle a échoué : voyez le détail ci-dessous. Ne vous fiez pas à ce justificatif.",
    verdict_incomplete: "Vérification impossible pour l’instant",
    verdict_incomplete_text: "Certains contrôles n’ont pas pu être effectués, par exemple parce qu’une information nécessaire n’a pas pu être obtenue. Cela ne signifie pas que le justificatif est faux : aucun contrôle n’a échoué.",
    verdict_incomplete_advice: "Réessayez plus tard, ou demandez au titulaire un autre moyen de vérifier ce justificatif.",
    icon_valid: "Valide",
    icon_warning: "Attention",
    icon_invalid: "Non valide",
    icon_incomplete: "Vérification incomplète",

    section_credential: "Ce que déclare le justificatif",
    content_unverified: "La signature n’étant pas valide, rien ne garantit ce contenu.",
    label_issuer: "Émetteur",
    unknown_issuer: "Émetteur inconnu",
    unknown_issuer_note: "Cet émetteur ne figure pas au registre des organismes accrédités. Son identifiant technique :",
    label_issuer_id: "Identifiant technique (DID) :",
    label_accreditation: "Accréditation :",
    label_subject: "Titulaire",
    label_achievement: "Intitulé",
    label_valid_from: "Valide à partir du",
    label_valid_until: "Valide jusqu’au",
    no_end_date: "Sans date de fin",
    not_stated: "Non indiqué",
    label_format: "Format",

    section_checks: "Contrôles effectués",
    english_only: "(en anglais)",
    status_fetched_at: "Informations de révocation et de suspension obtenues le",
    status_not_fetched: "Aucune liste de révocation ou de suspension n’a été consultée.",

    section_link: "Lien de vérification",
    link_text: "Ce lien refait cette vérification à tout moment :",
    qr_svg: "Code QR (SVG, pour l’impression)",
    qr_png: "Code QR (image PNG)",
    verify_another: "Vérifier un autre justificatif",

    form_title: "Vérifier un justificatif",
    form_intro: "Collez un justificatif numérique (au format JSON, ou un JWT commençant par « eyJ »), ou choisissez le fichier qui le contient. Atout en contrôle la signature, la validité, la révocation, la suspension et l’émetteur.",
    label_paste: "Justificatif à vérifier (JSON ou JWT)",
    paste_hint: "Collez le texte complet, tel que vous l’avez reçu.",
    label_file: "Ou choisissez un fichier",
    file_hint: "Fichier .json, .jwt ou .txt.",
    submit: "Vérifier",
    privacy_note: "Le justificatif n’est pas conservé : il sert uniquement à cette vérification.",
    scan_title: "Scanner un QR code",
    scan_intro: "Présentez le QR code d’un justificatif ou d’un partage à la caméra : la page correspondante s’ouvre.",
    scan_start: "Ouvrir la caméra",
    scan_stop: "Arrêter la caméra",
    scan_denied: "La caméra n’est pas accessible. Collez le justificatif ou choisissez son fichier ci-dessous.",
    scan_foreign: "Ce QR code ne mène pas à un justificatif de ce service. Son contenu :",
    form_error_title: "Le justificatif n’a pas pu être vérifié",
    technical_detail: "Détail technique :",
    err_empty: "Collez un justificatif ou choisissez un fichier.",
    err_both: "Collez un justificatif ou choisissez un fichier, mais pas les deux.",
    err_not_text: "Le fichier n’est pas un fichier texte (UTF-8).",
    err_not_json: "Le texte commence comme du JSON mais n’est pas du JSON valide.",
    err_not_recognised: "Ce texte n’est ni du JSON ni un JWT. Un justificatif commence par « { » (JSON) ou par « eyJ » (JWT).",
    err_not_credential: "Ce n’est pas un justificatif vérifiable bien formé.",
    err_form_unreadable: "Le formulaire envoyé n’a pas pu être lu.",
    err_content_type: "Envoyez le formulaire de cette page (multipart/form-data ou application/x-www-form-urlencoded).",

    not_found_title: "Lien de vérification inconnu",
    not_found_text: "Ce lien de vérification n’existe pas. Vérifiez qu’il a été recopié en entier, ou demandez au titulaire un nouveau lien.",
    no_store_title: "Liens de vérification indisponibles ici",
    no_store_text: "Ce service de vérification fonctionne sans base de données : il ne peut pas retrouver un justificatif à partir d’un lien. Vous pouvez en revanche vérifier un justificatif en le collant ou en envoyant son fichier.",
    too_large_title: "Envoi trop volumineux",
    too_large_text: "Le texte ou le fichier envoyé dépasse la taille acceptée. Un justificatif fait en général quelques kilo-octets : vérifiez que vous avez choisi le bon fichier.",
    unavailable_title: "Service momentanément indisponible",
    unavailable_text: "La vérification n’a pas pu être effectuée pour l’instant. Réessayez dans quelques minutes.",
    go_to_form: "Vérifier un justificatif en le collant",
};

pub static EN: Texts = Texts {
    site_name: "Atout",
    tagline: "Credential verification",
    skip_link: "Skip to content",
    switch_label: "Version française",
    language_nav: "Language",
    footer: "Atout checks credentials without contacting their issuer: signature, validity, revocation, suspension and the issuer’s accreditation.",

    verdict_valid: "Authentic, valid and current",
    verdict_valid_text: "The signature is valid, the issuer is an accredited organisation, and the credential has not expired, nor been revoked or suspended.",
    verdict_unrecognised: "Authentic and current, but from an unrecognised issuer",
    verdict_unrecognised_text: "The signature is valid and the credential has not expired, nor been revoked or suspended. But its issuer is not (or no longer) one of the accredited organisations of the registry: nothing vouches for who it is. Do not rely on the name it gives itself.",
    verdict_invalid: "This credential is not valid",
    verdict_invalid_text: "At least one check failed: see the details below. Do not rely on this credential.",
    verdict_incomplete: "Could not be fully checked",
    verdict_incomplete_text: "Some checks could not be made, for example because information they need could not be obtained. This does not mean the credential is false: no check failed.",
    verdict_incomplete_advice: "Try again later, or ask the holder for another way to verify this credential.",
    icon_valid: "Valid",
    icon_warning: "Warning",
    icon_invalid: "Not valid",
    icon_incomplete: "Incomplete verification",

    section_credential: "What the credential states",
    content_unverified: "As the signature is not valid, nothing vouches for this content.",
    label_issuer: "Issuer",
    unknown_issuer: "Unknown issuer",
    unknown_issuer_note: "This issuer is not in the registry of accredited organisations. Its technical identifier:",
    label_issuer_id: "Technical identifier (DID):",
    label_accreditation: "Accreditation:",
    label_subject: "Holder",
    label_achievement: "Title",
    label_valid_from: "Valid from",
    label_valid_until: "Valid until",
    no_end_date: "No end date",
    not_stated: "Not stated",
    label_format: "Format",

    section_checks: "Checks performed",
    english_only: "",
    status_fetched_at: "Revocation and suspension information obtained on",
    status_not_fetched: "No revocation or suspension list was consulted.",

    section_link: "Verification link",
    link_text: "This link runs this verification again at any time:",
    qr_svg: "QR code (SVG, for print)",
    qr_png: "QR code (PNG image)",
    verify_another: "Verify another credential",

    form_title: "Verify a credential",
    form_intro: "Paste a digital credential (as JSON, or a JWT starting with “eyJ”), or choose the file that holds it. Atout checks its signature, validity, revocation, suspension and issuer.",
    label_paste: "Credential to verify (JSON or JWT)",
    paste_hint: "Paste the whole text, as you received it.",
    label_file: "Or choose a file",
    file_hint: "A .json, .jwt or .txt file.",
    submit: "Verify",
    privacy_note: "The credential is not kept: it is used for this verification only.",
    scan_title: "Scan a QR code",
    scan_intro: "Show the QR code of a credential or of a share to the camera: its page opens.",
    scan_start: "Open the camera",
    scan_stop: "Stop the camera",
    scan_denied: "The camera is not available. Paste the credential or choose its file below.",
    scan_foreign: "This QR code does not lead to a credential of this service. Its content:",
    form_error_title: "The credential could not be verified",
    technical_detail: "Technical detail:",
    err_empty: "Paste a credential or choose a file.",
    err_both: "Paste a credential or choose a file, not both.",
    err_not_text: "The file is not a text file (UTF-8).",
    err_not_json: "The text starts like JSON but is not valid JSON.",
    err_not_recognised: "This text is neither JSON nor a JWT. A credential starts with “{” (JSON) or “eyJ” (JWT).",
    err_not_credential: "This is not a well-formed verifiable credential.",
    err_form_unreadable: "The form that was sent could not be read.",
    err_content_type: "Send this page’s form (multipart/form-data or application/x-www-form-urlencoded).",

    not_found_title: "Unknown verification link",
    not_found_text: "This verification link does not exist. Check that it was copied in full, or ask the holder for a new link.",
    no_store_title: "Verification links are not available here",
    no_store_text: "This verification service runs without a database: it cannot find a credential from a link. You can still verify a credential by pasting it or sending its file.",
    too_large_title: "Too large",
    too_large_text: "The text or file sent is larger than accepted. A credential is usually a few kilobytes: check that you chose the right file.",
    unavailable_title: "Temporarily unavailable",
    unavailable_text: "The verification could not be made for now. Try again in a few minutes.",
    go_to_form: "Verify a credential by pasting it",
};

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{DateTime, Utc};

    #[test]
    fn the_query_wins_then_accept_language_with_q_values_then_french() {
        assert_eq!(choose(Some("en"), Some("fr")), Lang::En);
        assert_eq!(choose(Some("FR"), Some("en")), Lang::Fr);
        // An unknown ?lang= is ignored.
        assert_eq!(choose(Some("de"), Some("en-GB")), Lang::En);
        assert_eq!(choose(None, None), Lang::Fr);
        assert_eq!(choose(None, Some("")), Lang::Fr);
        assert_eq!(choose(None, Some("de-DE, it")), Lang::Fr);
        for (header, expected) in [
            ("en-US,en;q=0.9", Lang::En),
            ("fr-FR,fr;q=0.9,en-US;q=0.8,en;q=0.7", Lang::Fr),
            ("fr;q=0.5, en;q=0.8", Lang::En),
            ("en;q=0.5, fr;q=0.8", Lang::Fr),
            ("de, en;q=0.3", Lang::En),
            ("en;q=0, fr;q=0.1", Lang::Fr),
            ("fr;q=0, en;q=0.1", Lang::En),
            // A tie goes to the first listed.
            ("en;q=0.5, fr;q=0.5", Lang::En),
            // `*` stands for a language not named.
            ("en;q=0.2, *;q=0.5", Lang::Fr),
            ("fr;q=0, *", Lang::En),
            ("EN-gb", Lang::En),
            // Only the first q of a tag counts; malformed q means 0.
            ("en;q=2, fr;q=0.4", Lang::Fr),
            ("en;q=0.9999, fr;q=0.4", Lang::Fr),
            ("en;q=1.000, fr", Lang::En),
        ] {
            assert_eq!(from_accept_language(header), Some(expected), "{header}");
        }
        assert_eq!(from_accept_language("en;q=0, fr;q=0"), None);
    }

    #[test]
    fn dates_read_naturally_in_each_language() {
        let at = |s: &str| DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc);
        assert_eq!(
            format_date(Lang::Fr, at("2026-07-03T00:00:00Z")),
            "3 juillet 2026"
        );
        assert_eq!(
            format_date(Lang::En, at("2026-07-03T00:00:00Z")),
            "3 July 2026"
        );
        assert_eq!(
            format_date(Lang::Fr, at("2026-08-01T00:00:00Z")),
            "1er août 2026"
        );
        assert_eq!(
            format_date(Lang::Fr, at("2026-01-15T10:05:00Z")),
            "15 janvier 2026 à 10:05 UTC"
        );
        assert_eq!(
            format_date(Lang::En, at("2026-01-15T10:05:00+02:00")),
            "15 January 2026 at 08:05 UTC"
        );
        assert_eq!(
            format_date_time(Lang::En, at("2026-12-31T23:00:00Z")),
            "31 December 2026 at 23:00 UTC"
        );
    }

    /// Every code the engine can report has a sentence in both languages:
    /// the engine’s string literals in kebab-case are its codes (a few
    /// known non-codes aside).
    #[test]
    fn every_code_of_the_engine_is_translated() {
        let source = include_str!("engine.rs");
        let not_codes = ["data-integrity", "eddsa-rdfc-2022", "ecdsa-rdfc-2019"];
        let mut codes: Vec<&str> = source
            .split('"')
            .skip(1)
            .step_by(2)
            .filter(|s| {
                s.contains('-')
                    && !s.starts_with('-')
                    && !s.ends_with('-')
                    && s.bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            })
            .filter(|s| !not_codes.contains(s))
            .collect();
        codes.extend(["revoked", "suspended", "expired", "accredited", "matches"]);
        codes.sort_unstable();
        codes.dedup();
        assert!(codes.len() > 40, "found only {codes:?}");
        let kinds = [
            CheckKind::Proof,
            CheckKind::IssuerKey,
            CheckKind::ValidityPeriod,
            CheckKind::Revocation,
            CheckKind::Suspension,
            CheckKind::IssuerTrust,
            CheckKind::Schema,
            CheckKind::HolderProof,
        ];
        for code in codes {
            let mut translated = false;
            for kind in kinds {
                let fr = check_sentence(Lang::Fr, kind, code);
                let en = check_sentence(Lang::En, kind, code);
                assert_eq!(fr.is_some(), en.is_some(), "{code:?} in one language only");
                assert!(fr.is_none() || fr != en, "{code}");
                translated |= fr.is_some();
            }
            assert!(translated, "no sentence for {code:?}");
        }
        assert_eq!(
            check_sentence(Lang::En, CheckKind::Proof, "no-such-code"),
            None
        );
        // Status codes shared by revocation and suspension say which.
        assert_ne!(
            check_sentence(Lang::Fr, CheckKind::Revocation, "status-clear"),
            check_sentence(Lang::Fr, CheckKind::Suspension, "status-clear")
        );
    }

    #[test]
    fn formats_are_named_for_people() {
        assert_eq!(
            format_name("data-integrity/eddsa-rdfc-2022"),
            "Data Integrity (eddsa-rdfc-2022)"
        );
        assert_eq!(format_name("vc+jwt/ES256"), "JWT (vc+jwt, ES256)");
        assert_eq!(format_name("data-integrity"), "Data Integrity");
        assert_eq!(format_name("other"), "other");
    }
}

/// The texts of a share's page.
#[derive(Debug)]
pub struct ShareTexts {
    pub shared_by: &'static str,
    pub holder_proof_ok: &'static str,
    pub holder_proof_failed: &'static str,
    pub holder_id: &'static str,
    pub expires: &'static str,
    pub no_expiry: &'static str,
    pub section_credentials: &'static str,
    pub credential_n: &'static str,
    pub no_credentials: &'static str,
    pub section_certified: &'static str,
    pub certified_note: &'static str,
    pub certified_by: &'static str,
    pub section_endorsed: &'static str,
    pub endorsed_note: &'static str,
    pub section_declared: &'static str,
    pub declared_note: &'static str,
    pub trust_certified: &'static str,
    pub trust_endorsed: &'static str,
    pub trust_declared: &'static str,
    pub section_documents: &'static str,
    pub documents_note: &'static str,
    pub download: &'static str,
    pub pin_title: &'static str,
    pub pin_intro: &'static str,
    pub pin_label: &'static str,
    pub pin_hint: &'static str,
    pub pin_wrong: &'static str,
    pub attempts_left: &'static str,
    pub pin_submit: &'static str,
    pub unknown_title: &'static str,
    pub unknown_text: &'static str,
    pub revoked_title: &'static str,
    pub revoked_text: &'static str,
    pub expired_title: &'static str,
    pub expired_text: &'static str,
    pub locked_title: &'static str,
    pub locked_text: &'static str,
    pub guesses_title: &'static str,
    pub guesses_text: &'static str,
    pub unavailable_title: &'static str,
    pub unavailable_text: &'static str,
    pub kind_experience: &'static str,
    pub kind_education: &'static str,
    pub kind_skill: &'static str,
    pub kind_language: &'static str,
    pub kind_project: &'static str,
    pub kind_interest: &'static str,
    pub presentation_title: &'static str,
    pub presented_by: &'static str,
    pub presentation_no_challenge: &'static str,
    pub presentation_proof_ok: &'static str,
}

pub static SHARE_FR: ShareTexts = ShareTexts {
    shared_by: "Partagé par",
    holder_proof_ok: "Ces attestations vous sont présentées par leur titulaire : sa signature, faite pour cette page, est valide.",
    holder_proof_failed: "La signature du titulaire sur cette présentation n’a pas pu être vérifiée.",
    holder_id: "Identifiant du titulaire :",
    expires: "Ce partage prend fin le",
    no_expiry: "Ce partage reste ouvert jusqu’à ce que son titulaire le retire.",
    section_credentials: "Attestations vérifiées",
    credential_n: "Attestation",
    no_credentials: "Ce partage ne contient aucune attestation signée.",
    section_certified: "Parcours certifié",
    certified_note: "Chaque élément ci-dessous est rattaché à une attestation vérifiée plus haut.",
    certified_by: "Certifié par l’attestation",
    section_endorsed: "Parcours recommandé par des pairs",
    endorsed_note: "Des personnes ayant partagé cette expérience l’ont recommandée ; ce n’est pas une attestation d’un organisme.",
    section_declared: "Parcours déclaré",
    declared_note: "Écrit par le titulaire lui-même : rien ici n’a été vérifié.",
    trust_certified: "Certifié",
    trust_endorsed: "Recommandé",
    trust_declared: "Déclaré",
    section_documents: "Documents",
    documents_note: "Fichiers déposés par le titulaire ; ils ne sont pas signés.",
    download: "Télécharger",
    pin_title: "Code requis",
    pin_intro: "Ce partage est protégé par un code. Demandez-le à la personne qui vous a donné le lien.",
    pin_label: "Code",
    pin_hint: "De 4 à 12 chiffres.",
    pin_wrong: "Ce code n’est pas le bon.",
    attempts_left: "Essais restants :",
    pin_submit: "Ouvrir",
    unknown_title: "Lien inconnu",
    unknown_text: "Aucun partage ne correspond à ce lien. Vérifiez qu’il a été recopié en entier.",
    revoked_title: "Partage retiré",
    revoked_text: "Son titulaire a retiré ce partage : son contenu n’est plus accessible.",
    expired_title: "Partage expiré",
    expired_text: "Ce partage a pris fin : son contenu n’est plus accessible.",
    locked_title: "Trop d’essais",
    locked_text: "Trop de codes erronés ont été saisis. Réessayez dans un quart d’heure.",
    guesses_title: "Trop de liens inconnus",
    guesses_text: "Trop de liens inconnus ont été essayés depuis votre adresse. Réessayez plus tard.",
    unavailable_title: "Partage indisponible",
    unavailable_text: "Ce partage ne peut pas être affiché pour le moment. Réessayez plus tard.",
    kind_experience: "Expérience",
    kind_education: "Formation",
    kind_skill: "Compétence",
    kind_language: "Langue",
    kind_project: "Projet",
    kind_interest: "Centre d’intérêt",
    presentation_title: "Présentation vérifiable",
    presented_by: "Présentée par",
    presentation_proof_ok: "La signature du titulaire sur cette présentation est valide.",
    presentation_no_challenge: "Cette présentation n’a pas été faite pour cette page : quiconque l’a reçue peut la montrer. Pour savoir qu’elle vient de son titulaire maintenant, demandez-lui un lien de partage.",
};

pub static SHARE_EN: ShareTexts = ShareTexts {
    shared_by: "Shared by",
    holder_proof_ok: "These credentials are presented to you by their holder: the holder’s signature, made for this page, is valid.",
    holder_proof_failed: "The holder’s signature on this presentation could not be verified.",
    holder_id: "Holder’s identifier:",
    expires: "This share ends on",
    no_expiry: "This share stays open until its holder withdraws it.",
    section_credentials: "Verified credentials",
    credential_n: "Credential",
    no_credentials: "This share holds no signed credential.",
    section_certified: "Certified path",
    certified_note: "Each item below is tied to a credential verified above.",
    certified_by: "Certified by credential",
    section_endorsed: "Path endorsed by peers",
    endorsed_note: "People who shared this experience vouched for it; this is not a credential from an organisation.",
    section_declared: "Declared path",
    declared_note: "Written by the holder: nothing here has been verified.",
    trust_certified: "Certified",
    trust_endorsed: "Endorsed",
    trust_declared: "Declared",
    section_documents: "Documents",
    documents_note: "Files the holder uploaded; they are not signed.",
    download: "Download",
    pin_title: "PIN required",
    pin_intro: "This share is protected by a PIN. Ask the person who gave you the link.",
    pin_label: "PIN",
    pin_hint: "4 to 12 digits.",
    pin_wrong: "This PIN is not the right one.",
    attempts_left: "Attempts left:",
    pin_submit: "Open",
    unknown_title: "Unknown link",
    unknown_text: "No share matches this link. Check that it was copied in full.",
    revoked_title: "Share withdrawn",
    revoked_text: "Its holder withdrew this share: its content is no longer available.",
    expired_title: "Share expired",
    expired_text: "This share has ended: its content is no longer available.",
    locked_title: "Too many attempts",
    locked_text: "Too many wrong PINs were typed. Try again in a quarter of an hour.",
    guesses_title: "Too many unknown links",
    guesses_text: "Too many unknown links were tried from your address. Try again later.",
    unavailable_title: "Share unavailable",
    unavailable_text: "This share cannot be shown right now. Try again later.",
    kind_experience: "Experience",
    kind_education: "Education",
    kind_skill: "Skill",
    kind_language: "Language",
    kind_project: "Project",
    kind_interest: "Interest",
    presentation_title: "Verifiable presentation",
    presented_by: "Presented by",
    presentation_proof_ok: "The holder’s signature on this presentation is valid.",
    presentation_no_challenge: "This presentation was not made for this page: anyone who received it can show it. To know it comes from its holder now, ask them for a share link.",
};

/// The share page's texts in a language.
pub fn share_texts(lang: Lang) -> &'static ShareTexts {
    match lang {
        Lang::Fr => &SHARE_FR,
        Lang::En => &SHARE_EN,
    }
}

/// The verification pages' texts in a language.
pub fn texts(lang: Lang) -> &'static Texts {
    match lang {
        Lang::Fr => &FR,
        Lang::En => &EN,
    }
}
