//! The lean route against ssi's, byte for byte, on the shapes Atout issues
//! and verifies, and on the corners of the standard.

mod common;

use common::*;
use serde_json::{json, Value};

#[test]
fn diploma_in_every_state() {
    let base = diploma();
    let with_status = with(base.clone(), "credentialStatus", status_entry(94_567));
    for doc in [base, with_status] {
        same(&doc);
        let signed = secured(doc, "assertionMethod");
        same(&signed);
        same(&without(signed.clone(), "proof"));
        same(&proof_configuration(&signed));
    }
}

#[test]
fn diploma_without_subject_id_and_with_several_statuses() {
    let mut doc = diploma();
    doc["credentialSubject"]
        .as_object_mut()
        .unwrap()
        .remove("id");
    doc["credentialStatus"] = json!([status_entry(7), {
        "id": format!("{STATUS_LIST}-suspension#12"),
        "type": "BitstringStatusListEntry",
        "statusPurpose": "suspension",
        "statusListIndex": "12",
        "statusListCredential": format!("{STATUS_LIST}-suspension")
    }]);
    same(&doc);
    same(&secured(doc, "assertionMethod"));
}

#[test]
fn open_badges_under_every_context_version() {
    for ob in [OB_3_0_2, OB_3_0_3] {
        let base = open_badge(ob);
        let with_status = with(base.clone(), "credentialStatus", status_entry(12));
        for doc in [base, with_status] {
            same(&doc);
            let signed = secured(doc, "assertionMethod");
            same(&signed);
            same(&proof_configuration(&signed));
        }
    }
}

#[test]
fn open_badges_3_0_0_and_3_0_1_as_ssi_reads_them() {
    for ob in [OB_3_0_0, OB_3_0_1] {
        // They redefine the protected `name` and `description` of the VC 2.0
        // context: ssi refuses them with VC 2.0; both routes agree on that.
        let doc = open_badge(ob);
        assert!(routes().full(&doc).is_err());
        assert_eq!(compare(&doc), Outcome::Fallback);
    }
    // With VC 1.1, they are processed.
    for ob in [OB_3_0_0, OB_3_0_1] {
        let mut v1 = json!({
        "@context": [V1, ob],
        "id": "urn:uuid:6f1c2d3e-4a5b-4c6d-8e7f-9a0b1c2d3e40",
        "type": ["VerifiableCredential", "AchievementCredential"],
        "issuer": ISSUER,
        "issuanceDate": "2022-01-01T00:00:00Z",
        "name": "Badge",
        "credentialSubject": {
            "id": HOLDER,
            "type": "AchievementSubject",
            "achievement": {
                "id": "https://portfolio.example.org/achievements/a",
                "type": "Achievement",
                "name": "A",
                "description": "D",
                "criteria": {"narrative": "N"},
                "creditsAvailable": 3,
                "tag": ["x", "y"]
            },
            "creditsEarned": 3,
            "activityEndDate": "2022-01-01"
        }
        });
        same(&v1);
        // Their `xsd` prefix is https: typed with it, booleans and decimals
        // are read differently by ssi (it keeps the JSON form and XSD's
        // boolean).
        v1["credentialSubject"]["achievement"]["creditsAvailable"] = json!(2.5);
        assert_eq!(compare(&v1), Outcome::Fallback);
    }
}

#[test]
fn open_badge_with_results_and_lists() {
    let mut doc = open_badge(OB_3_0_3);
    doc["credentialSubject"]["achievement"]["resultDescription"] = json!([{
        "id": "urn:uuid:rd-1",
        "type": ["ResultDescription"],
        "name": "Note",
        "resultType": "LetterGrade",
        "allowedValue": ["A", "B", "C", "D"],
        "requiredValue": "C"
    }, {
        "id": "urn:uuid:rd-2",
        "type": ["ResultDescription"],
        "name": "Vide",
        "resultType": "LetterGrade",
        "allowedValue": []
    }]);
    doc["credentialSubject"]["result"] = json!([{
        "type": ["Result"],
        "resultDescription": "urn:uuid:rd-1",
        "value": "A"
    }]);
    doc["credentialSubject"]["identifier"] = json!([{
        "type": "IdentityObject",
        "identityHash": "sha256$abc",
        "identityType": "emailAddress",
        "salt": "pepper"
    }]);
    // Lists (allowedValue): ssi writes them unlike the standard.
    assert_eq!(compare(&doc), Outcome::Fallback);
    for rd in doc["credentialSubject"]["achievement"]["resultDescription"]
        .as_array_mut()
        .unwrap()
    {
        rd.as_object_mut().unwrap().remove("allowedValue");
    }
    same(&doc);
    same(&secured(doc.clone(), "assertionMethod"));
    // `hashed` is typed https://www.w3.org/2001/XMLSchema#boolean in OB 3.0.3:
    // ssi writes XSD's boolean instead.
    doc["credentialSubject"]["identifier"][0]["hashed"] = json!(true);
    assert_eq!(compare(&doc), Outcome::Fallback);
}

#[test]
fn status_list_credential_in_every_state() {
    let doc = status_list_credential();
    same(&doc);
    let signed = secured(doc, "assertionMethod");
    same(&signed);
    same(&proof_configuration(&signed));
}

#[test]
fn verifiable_credential_1_1_with_ed25519_signature_2020() {
    let doc = json!({
        "@context": [V1, ED2020],
        "id": "urn:uuid:3978344f-8596-4c3a-a978-8fcaba3903c5",
        "type": ["VerifiableCredential"],
        "issuer": HOLDER,
        "issuanceDate": "2020-03-10T04:24:12.164Z",
        "expirationDate": "2030-03-10T04:24:12.164Z",
        "credentialSubject": {"id": "did:example:ebfeb1f712ebc6f1c276e12ec21"},
        "proof": {
            "type": "Ed25519Signature2020",
            "created": "2020-03-10T04:24:12Z",
            "verificationMethod": format!("{HOLDER}#z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"),
            "proofPurpose": "assertionMethod",
            "proofValue": "z3MvGcVxzRzzpKF1HA11EjvfPZsN8NAb7kXBRfeTm3CBg2gcJLQM5hZNmj6Ccd9Lk4C1YueiFZvkSx4FuHVYVouQk"
        }
    });
    same(&doc);
    same(&without(doc.clone(), "proof"));
    same(&proof_configuration(&doc));
}

#[test]
fn presentations_embedding_credentials() {
    let diploma = secured(
        with(diploma(), "credentialStatus", status_entry(5)),
        "assertionMethod",
    );
    let badge = secured(open_badge(OB_3_0_3), "assertionMethod");
    let mut badge = badge;
    badge["proof"]["proofValue"] =
        json!("z2nB8K4q9Tf3hYw7LpV1xR6cD5sJ8mN2aE4gU7kQ9tZ3bW6vH1yC5rF8jP2dL4sX7");
    badge["proof"]["created"] = json!("2026-05-12T10:00:00Z");
    let mut vp_proof = proof("authentication");
    vp_proof["challenge"] = json!("c0ae1c8e-c7e7-469f-b252-86e6a0e7387e");
    vp_proof["domain"] = json!("https://verifier.example.org");
    for credentials in [json!(diploma.clone()), json!([diploma, badge])] {
        let vp = json!({
            "@context": [V2],
            "id": "urn:uuid:5e3c8f7a-1b2d-4e6f-8a9b-0c1d2e3f4a5b",
            "type": ["VerifiablePresentation"],
            "holder": HOLDER,
            "verifiableCredential": credentials
        });
        same(&vp);
        let signed = with(vp, "proof", vp_proof.clone());
        same(&signed);
        same(&proof_configuration(&signed));
    }
}

#[test]
fn presentation_without_id_and_credentials_without_ids() {
    let a = secured(without(diploma(), "id"), "assertionMethod");
    let mut b = secured(without(status_list_credential(), "id"), "assertionMethod");
    b["proof"]["proofValue"] =
        json!("z4Yx8KqT1vB7nM3cP9wL2sD6hF5jR8tA4gE1uZ7kN3bQ9yV2xC6mW5rH8dJ1pS4fL7");
    let vp = json!({
        "@context": [V2],
        "type": "VerifiablePresentation",
        "verifiableCredential": [a, b]
    });
    same(&vp);
}

#[test]
fn two_proofs_and_a_proof_chain() {
    let mut doc = diploma();
    let mut second = proof("assertionMethod");
    second["cryptosuite"] = json!("ecdsa-rdfc-2019");
    second["id"] = json!("urn:uuid:proof-2");
    second["previousProof"] = json!("urn:uuid:proof-1");
    let mut first = proof("assertionMethod");
    first["id"] = json!("urn:uuid:proof-1");
    doc["proof"] = json!([first, second]);
    same(&doc);
}

#[test]
fn blank_nodes_with_identical_content() {
    // Identical alignments under an achievement with an IRI: the N-degree
    // algorithm orders them (symmetric, so either order gives these bytes).
    let mut doc = open_badge(OB_3_0_3);
    let alignment = doc["credentialSubject"]["achievement"]["alignment"][0].clone();
    doc["credentialSubject"]["achievement"]["alignment"] =
        json!([alignment.clone(), alignment.clone(), alignment.clone()]);
    same(&doc);

    // Under an achievement that is itself a blank node: ssi departs from the
    // standard there; the lean route must decline or agree.
    let mut blank = doc.clone();
    blank["credentialSubject"]["achievement"]
        .as_object_mut()
        .unwrap()
        .remove("id");
    compare(&blank);

    // Identical degrees under the same subject, and identical nested nodes.
    let mut d = diploma();
    let degree = d["credentialSubject"]["degree"].clone();
    d["credentialSubject"]["degree"] = json!([degree.clone(), degree]);
    compare(&d);

    let mut nested = diploma();
    nested["credentialSubject"]["degree"] = json!([
        {"type": "Diploma", "name": "X", "awardingBody": {"name": "Y"}},
        {"type": "Diploma", "name": "X", "awardingBody": {"name": "Y"}}
    ]);
    compare(&nested);

    // Two credentials without ids in one presentation, same subject content.
    let c = without(diploma(), "id");
    let vp = json!({
        "@context": [V2],
        "type": "VerifiablePresentation",
        "verifiableCredential": [c.clone(), c]
    });
    compare(&vp);

    // Identical blank siblings with distinct blank children.
    let mut tree = diploma();
    tree["credentialSubject"]["degree"] = json!([
        {"type": "Diploma", "awardingBody": {"name": "A"}},
        {"type": "Diploma", "awardingBody": {"name": "B"}}
    ]);
    compare(&tree);
}

#[test]
fn strings_that_need_escaping() {
    for s in [
        "plain",
        "quote \" inside",
        "back\\slash",
        "line\nbreak and \r carriage return",
        "unicode: é ü ß ø 漢字 😀 \u{2028} \u{feff}",
        "",
        " leading and trailing ",
        "<not an iri>",
        "_:b0",
        "did:web:not-an-id-here",
    ] {
        let mut doc = diploma();
        doc["credentialSubject"]["givenName"] = json!(s);
        doc["name"] = json!(s);
        same(&doc);
    }
    // Tabs and other control characters: escaped differently across N-Quads
    // versions; the lean route may decline.
    for s in [
        "tab\there",
        "bell\u{7}",
        "nul\u{0}",
        "del\u{7f}",
        "form\u{c}feed",
    ] {
        let mut doc = diploma();
        doc["credentialSubject"]["givenName"] = json!(s);
        compare(&doc);
    }
}

#[test]
fn numbers() {
    // Untyped numbers (grade, honours... carry no datatype).
    for n in [
        json!(0),
        json!(1),
        json!(-1),
        json!(42),
        json!(-987654321),
        json!(9007199254740991u64),
        json!(9007199254740993u64),
        json!(u64::MAX),
        json!(i64::MIN),
        json!(1.5),
        json!(-1.5),
        json!(0.1),
        json!(0.3),
        json!(0.1 + 0.2),
        json!(1e21),
        json!(1.5e300),
        json!(1e-7),
        json!(123.456),
        json!(5.0),
        json!(-0.0),
        json!(3.25),
        json!(2.5e-5),
    ] {
        let mut doc = diploma();
        doc["credentialSubject"]["degree"]["grade"] = n.clone();
        compare(&doc);
        // Typed: xsd:integer (eqfLevel), xsd:decimal (credits).
        let mut doc = diploma();
        doc["credentialSubject"]["degree"]["eqfLevel"] = n.clone();
        compare(&doc);
        let mut doc = diploma();
        doc["credentialSubject"]["degree"]["credits"] = n.clone();
        compare(&doc);
        // xsd:integer in VC 2.0 (statusSize), xsd:float (OB creditsAvailable).
        let mut doc = with(diploma(), "credentialStatus", status_entry(3));
        doc["credentialStatus"]["statusSize"] = n.clone();
        compare(&doc);
        let mut doc = open_badge(OB_3_0_3);
        doc["credentialSubject"]["achievement"]["creditsAvailable"] = n.clone();
        compare(&doc);
        // A datatype outside XSD (OB 3.0.0's https XSD namespace).
        let mut doc = json!({
            "@context": [V1, OB_3_0_0],
            "type": ["VerifiableCredential"],
            "issuer": ISSUER,
            "issuanceDate": "2022-01-01T00:00:00Z",
            "credentialSubject": {"type": "AchievementSubject", "creditsEarned": n}
        });
        compare(&doc);
        doc["credentialSubject"]["creditsEarned"] = json!("2.5");
        same(&doc);
    }
    // The usual ones must not fall back.
    for n in [
        json!(0),
        json!(7),
        json!(-3),
        json!(120),
        json!(1.5),
        json!(0.1),
        json!(123.456),
    ] {
        let mut doc = diploma();
        doc["credentialSubject"]["degree"]["grade"] = n.clone();
        same(&doc);
    }
    let mut doc = diploma();
    doc["credentialSubject"]["degree"]["eqfLevel"] = json!(6);
    same(&doc);
    let mut doc = with(diploma(), "credentialStatus", status_entry(3));
    doc["credentialStatus"]["statusSize"] = json!(2);
    same(&doc);
}

#[test]
fn booleans_and_nulls() {
    for b in [json!(true), json!(false)] {
        let mut doc = diploma();
        doc["credentialSubject"]["degree"]["honours"] = b.clone();
        same(&doc);
        // OB 3.0.3 types `hashed` with an https "XSD" boolean: ssi departs.
        let mut doc = open_badge(OB_3_0_3);
        doc["credentialSubject"]["identifier"] = json!({
            "type": "IdentityObject", "hashed": b, "identityHash": "h", "identityType": "name"
        });
        assert_eq!(compare(&doc), Outcome::Fallback);
        // A boolean with a datatype other than xsd:boolean.
        let mut doc = diploma();
        doc["credentialSubject"]["degree"]["eqfLevel"] = b;
        compare(&doc);
    }
    let mut doc = diploma();
    doc["credentialSubject"]["degree"]["honours"] = Value::Null;
    doc["credentialSubject"]["studentNumber"] = json!([Value::Null, "1", Value::Null]);
    same(&doc);
}

#[test]
fn language_tagged_and_typed_value_objects() {
    let mut doc = diploma();
    doc["name"] = json!([
        {"@value": "Diplôme national de master", "@language": "fr"},
        {"@value": "National master's degree", "@language": "en"},
        {"@value": "Master", "@language": "en-gb"}
    ]);
    doc["credentialSubject"]["degree"]["grade"] = json!({"@value": "16", "@type": "xsd:decimal"});
    same(&doc);
    for tag in ["FR", "en-GB", "x-private", "fr-fr-fr", "i-klingon"] {
        let mut doc = diploma();
        doc["name"] = json!({"@value": "x", "@language": tag});
        compare(&doc);
    }
    let mut doc = diploma();
    doc["name"] = json!({"@value": "x", "@language": "fr", "@direction": "ltr"});
    compare(&doc);
    let mut doc = diploma();
    doc["name"] = json!({"@value": 5, "@type": "https://example.org/unit"});
    same(&doc);
    let mut doc = diploma();
    doc["name"] = json!({"@value": "x", "@type": "https://example.org/unit"});
    same(&doc);
}

#[test]
fn json_literals() {
    for schema in [
        json!({
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "type": "object",
            "properties": {"b": {"type": "integer", "minimum": 1}, "a": {"const": "é\"\\\n"}},
            "required": ["a", "b"]
        }),
        json!([
            1,
            2.5,
            -0.0,
            1e21,
            1e-7,
            123456789012345680000.0,
            true,
            null,
            "x\u{1}\u{1f}"
        ]),
        json!("just a string"),
        json!(42),
        json!({"z": {}, "a": [], "m": {"é": 1, "e": 2, "E": 3}}),
        json!([{"id": "did:web:a.example", "name": "A", "since": 2024, "active": true}]),
        Value::Null,
    ] {
        let plain = !schema.to_string().contains('.') || schema.is_object();
        let doc = json!({
            "@context": [V2],
            "id": "urn:uuid:json-schema-credential",
            "type": ["VerifiableCredential", "JsonSchemaCredential"],
            "issuer": ISSUER,
            "credentialSubject": {
                "id": "https://portfolio.example.org/schemas/diploma.json",
                "type": "JsonSchema",
                "jsonSchema": schema
            }
        });
        if plain {
            same(&doc);
        } else {
            compare(&doc);
        }
    }
    let doc = json!({
        "@context": [V2],
        "type": ["VerifiableCredential", "JsonSchemaCredential"],
        "issuer": ISSUER,
        "credentialSubject": {
            "type": "JsonSchema",
            "jsonSchema": {"type": "object", "required": ["a"], "minProperties": 1}
        }
    });
    same(&doc);
}

#[test]
fn identifiers() {
    for id in [
        "https://portfolio.example.org/credentials/42",
        "https://portfolio.example.org/credentials/42?v=1#x",
        "urn:uuid:e8f1c1d2-3b4a-4c5d-8e6f-7a8b9c0d1e2f",
        "urn:isbn:978-2-07-036822-8",
        "did:web:portfolio.example.org",
        "did:web:portfolio.example.org%3A8443:orgs:x",
        HOLDER,
        "did:key:zDnaerDaTF5BXEavCrfRZEk316dpbLsfPDZ3WJ5hRTPFU2169",
        "https://example.org/caf%C3%A9",
        "https://example.org/café",
        "mailto:camille@example.org",
        "tag:example.org,2026:x",
    ] {
        let mut doc = diploma();
        doc["id"] = json!(id);
        doc["credentialSubject"]["id"] = json!(id);
        doc["issuer"] = json!(id);
        same(&doc);
    }
    for id in [
        "relative/path",
        "",
        "#fragment",
        "_:b0",
        "https://exa mple.org/",
        "https://example.org/<x>",
        "https://[::1]/x",
        "schema:Person",
        "atout:thing",
    ] {
        let mut doc = diploma();
        doc["credentialSubject"]["id"] = json!(id);
        compare(&doc);
    }
}

#[test]
fn types_nested_nodes_and_arrays() {
    let mut doc = diploma();
    doc["credentialSubject"]["degree"]["type"] =
        json!(["Diploma", "https://example.org/ns#Extra", "schema:Thing"]);
    doc["credentialSubject"]["degree"]["awardingBody"] = json!({
        "id": ISSUER,
        "name": "Université d'Orléans",
        "campus": [{"name": "Orléans"}, {"name": "Tours", "campus": {"name": "nested"}}]
    });
    doc["credentialSubject"]["degree"]["esco"] = json!([
        "http://data.europa.eu/esco/occupation/1",
        "http://data.europa.eu/esco/occupation/2"
    ]);
    doc["credentialSubject"]["degree"]["rome"] = json!([["M1805", "M1810"], "M1806"]);
    same(&doc);

    // Empty objects and arrays.
    let mut doc = diploma();
    doc["credentialSubject"]["degree"]["awardingBody"] = json!({});
    doc["credentialSubject"]["degree"]["campus"] = json!([]);
    doc["credentialStatus"] = json!([]);
    same(&doc);

    // A term of the credential's type-scoped context used in a nested node:
    // type-scoped contexts do not propagate, so it is undefined there.
    let mut doc = diploma();
    doc["credentialSubject"]["degree"]["validFrom"] = json!("2026-01-01T00:00:00Z");
    assert!(routes().full(&doc).is_err());
    assert_eq!(compare(&doc), Outcome::Fallback);
    // ...but a property-scoped context propagates: proofPurpose's terms.
    let mut doc = secured(diploma(), "authentication");
    doc["proof"]["proofPurpose"] = json!("capabilityInvocation");
    same(&doc);

    // Undefined terms and types: ssi refuses them.
    let mut doc = diploma();
    doc["credentialSubject"]["nickname"] = json!("Cam");
    assert!(routes().full(&doc).is_err());
    assert_eq!(compare(&doc), Outcome::Fallback);
    let mut doc = diploma();
    doc["credentialSubject"]["type"] = json!("Undefined");
    assert_eq!(compare(&doc), Outcome::Fallback);
}

#[test]
fn contexts_in_other_arrangements() {
    // The Data Integrity context next to VC 2.0 (protected redefinitions).
    let doc = with(
        secured(diploma(), "assertionMethod"),
        "@context",
        json!([V2, ATOUT, DI_V2]),
    );
    compare(&doc);
    // The same context twice.
    same(&with(diploma(), "@context", json!([V2, ATOUT, ATOUT])));
    // An inline context.
    let doc = with(
        with(
            diploma(),
            "@context",
            json!([V2, ATOUT, {"motto": "https://example.org/ns#motto"}]),
        ),
        "motto",
        json!("Fiat lux"),
    );
    same(&doc);
    // An inline context with a prefix and a typed term.
    let doc = with(
        with(
            diploma(),
            "@context",
            json!([V2, ATOUT, {
                "ex": "https://example.org/ns#",
                "level": {"@id": "ex:level", "@type": "ex:Level"},
                "Thing": "ex:Thing"
            }]),
        ),
        "level",
        json!("high"),
    );
    same(&doc);
    // An inline context trying to redefine a protected term.
    let doc = with(
        diploma(),
        "@context",
        json!([V2, ATOUT, {"name": "https://example.org/ns#name"}]),
    );
    assert!(routes().full(&doc).is_err());
    assert_eq!(compare(&doc), Outcome::Fallback);
    // @vocab: left to ssi.
    let doc = with(
        with(
            diploma(),
            "@context",
            json!([V2, ATOUT, {"@vocab": "https://example.org/ns#"}]),
        ),
        "extra",
        json!("x"),
    );
    assert_eq!(compare(&doc), Outcome::Fallback);
    // An embedded context in a nested node.
    let mut doc = diploma();
    doc["credentialSubject"]["degree"]["@context"] = json!({"note": "https://example.org/ns#note"});
    doc["credentialSubject"]["degree"]["note"] = json!("embedded");
    same(&doc);
    // An unknown remote context.
    let doc = with(
        diploma(),
        "@context",
        json!([V2, "https://example.org/unknown"]),
    );
    assert_eq!(compare(&doc), Outcome::Fallback);
    // A context reset then a new one.
    let doc = json!({
        "@context": [null, {"ex": "https://example.org/ns#", "p": "ex:p"}],
        "@id": "https://example.org/s",
        "p": "o"
    });
    same(&doc);
}

#[test]
fn keywords_written_in_full() {
    let doc = json!({
        "@context": [V2, ATOUT],
        "@id": "urn:uuid:full-keywords",
        "@type": ["VerifiableCredential", "DiplomaCredential"],
        "issuer": {"@id": ISSUER},
        "credentialSubject": {"@id": HOLDER, "givenName": {"@value": "Camille"}}
    });
    same(&doc);
    let doc = json!({
        "@context": {"ex": "https://example.org/ns#", "items": {"@id": "ex:items"}},
        "@graph": [
            {"@id": "https://example.org/a", "items": ["x", 1, true, {"@id": "https://example.org/b"}]},
            {"@id": "https://example.org/b", "@type": "ex:T"},
            {"@id": "https://example.org/c"}
        ]
    });
    same(&doc);
    // Lists: ssi writes them unlike the standard (no rdf:nil, literal items
    // dropped), so they are left to it.
    let doc = json!({
        "@context": {"ex": "https://example.org/ns#", "items": {"@id": "ex:items"}},
        "@id": "https://example.org/a",
        "items": {"@list": ["x", 1, true, {"@id": "https://example.org/b"}]}
    });
    assert_eq!(compare(&doc), Outcome::Fallback);
}

#[test]
fn hostile_inputs() {
    // Deep nesting.
    let mut deep = json!({"name": "bottom"});
    for _ in 0..200 {
        deep = json!({"awardingBody": deep});
    }
    let mut doc = diploma();
    doc["credentialSubject"]["degree"]["awardingBody"] = deep;
    assert_eq!(routes().lean.canonicalize(&doc).expect("no error"), None);
    // Not objects at all.
    for doc in [json!(null), json!(1), json!("x"), json!([1, 2])] {
        assert_eq!(routes().lean.canonicalize(&doc).expect("no error"), None);
    }
    // Contexts that are not what they should be.
    for ctx in [
        json!(5),
        json!([true]),
        json!({"@version": 1.0}),
        json!({"x": 5}),
        json!({"x": {"@id": "@context"}}),
    ] {
        let doc = with(diploma(), "@context", ctx);
        assert_eq!(routes().lean.canonicalize(&doc).expect("no error"), None);
    }
    // Many blank nodes with identical content: bounded work.
    let many: Vec<Value> = (0..40)
        .map(|_| json!({"type": "Diploma", "name": "same"}))
        .collect();
    let mut doc = diploma();
    doc["credentialSubject"]["degree"] = json!(many);
    let _ = routes().lean.canonicalize(&doc);
}

#[test]
fn prefixes_come_from_the_contexts_before() {
    // OB 3.0.3 types awardedDate "xsd:dateTime" without defining `xsd`: after
    // the Atout context (which defines it) that is XSD's dateTime, otherwise
    // the IRI "xsd:dateTime" itself.
    let mut outputs = Vec::new();
    for ctx in [
        json!([V2, ATOUT, OB_3_0_3]),
        json!([V2, OB_3_0_3, ATOUT]),
        json!([V2, OB_3_0_3]),
    ] {
        // (No Achievement: its scoped context redefines the Atout context's
        // protected fieldOfStudy, which both routes refuse.)
        let doc = json!({
            "@context": ctx,
            "type": ["VerifiableCredential", "OpenBadgeCredential"],
            "issuer": ISSUER,
            "awardedDate": "2026-05-12T00:00:00Z",
            "credentialSubject": {"id": HOLDER, "type": "AchievementSubject"}
        });
        same(&doc);
        outputs.push(routes().lean.canonicalize(&doc).unwrap().unwrap());
    }
    assert!(outputs[0]
        .contains("\"2026-05-12T00:00:00Z\"^^<http://www.w3.org/2001/XMLSchema#dateTime>"));
    assert!(outputs[1].contains("\"2026-05-12T00:00:00Z\"^^<xsd:dateTime>"));
    assert!(outputs[2].contains("\"2026-05-12T00:00:00Z\"^^<xsd:dateTime>"));
    // An Achievement under both contexts: a protected term redefinition.
    let doc = with(
        open_badge(OB_3_0_3),
        "@context",
        json!([V2, ATOUT, OB_3_0_3]),
    );
    assert!(routes().full(&doc).is_err());
    assert_eq!(compare(&doc), Outcome::Fallback);
}

#[test]
fn repeated_values() {
    // On a node with an IRI: the same triple twice is one triple.
    let mut doc = diploma();
    doc["credentialSubject"]["studentNumber"] = json!(["1", "1", "2"]);
    doc["type"] = json!([
        "VerifiableCredential",
        "DiplomaCredential",
        "DiplomaCredential"
    ]);
    doc["credentialSubject"]["esco"] = json!(["https://example.org/x", "https://example.org/x"]);
    same(&doc);
    // On a blank node: ssi hashes the duplicate twice; declined.
    let mut doc = diploma();
    doc["credentialSubject"]["degree"]["grade"] = json!(["A", "A"]);
    assert_eq!(compare(&doc), Outcome::Fallback);
    // The same node described twice (from nodes with IRIs).
    let mut doc = diploma();
    doc["credentialSubject"]["awardingBody"] =
        json!([{"id": ISSUER, "name": "U"}, {"id": ISSUER, "name": "U"}]);
    doc["issuer"] = json!({"id": ISSUER, "name": "U"});
    same(&doc);
    // ...and from a blank node: the link is a duplicate on a blank node.
    let mut doc = diploma();
    doc["credentialSubject"]["degree"]["awardingBody"] =
        json!([{"id": ISSUER, "name": "U"}, {"id": ISSUER, "name": "U"}]);
    assert_eq!(compare(&doc), Outcome::Fallback);
}

#[test]
fn other_vc_members() {
    let mut doc = diploma();
    doc["validUntil"] = json!("2036-07-01T00:00:00Z");
    doc["description"] = json!("Master's degree");
    doc["credentialSchema"] = json!({
        "id": "https://portfolio.example.org/schemas/diploma.json",
        "type": "JsonSchema"
    });
    doc["termsOfUse"] = json!({"id": "https://portfolio.example.org/terms", "type": "https://example.org/ns#Policy"});
    doc["evidence"] = json!([{"id": "https://portfolio.example.org/evidence/1"}]);
    doc["relatedResource"] = json!([{
        "id": "https://portfolio.example.org/contexts/atout/v1",
        "digestSRI": "sha384-ZTYyMmNlMWUwMTExNjk1NmE1OTk2ZjhiMzE2ZDY4MjVlYTIzYjk3M2RjMmI2Y2Q5"
    }]);
    same(&doc);
    same(&secured(doc, "assertionMethod"));
}

#[test]
fn presentations_in_other_forms() {
    // An enveloped credential (vc+jwt in a data: URL) and a holder object.
    let vp = json!({
        "@context": [V2],
        "type": "VerifiablePresentation",
        "holder": {"id": HOLDER},
        "verifiableCredential": [{
            "@context": V2,
            "id": "data:application/vc+jwt,eyJhbGciOiJFZERTQSIsInR5cCI6InZjK2p3dCJ9.eyJ0ZXN0Ijp0cnVlfQ.c2lnbmF0dXJl",
            "type": "EnvelopedVerifiableCredential"
        }]
    });
    same(&vp);
    // VC 1.1 presentation with an Ed25519Signature2020 proof.
    let vp = json!({
        "@context": [V1, ED2020],
        "type": "VerifiablePresentation",
        "holder": HOLDER,
        "verifiableCredential": [{
            "@context": [V1, ED2020],
            "id": "urn:uuid:3978344f-8596-4c3a-a978-8fcaba3903c5",
            "type": ["VerifiableCredential"],
            "issuer": HOLDER,
            "issuanceDate": "2020-03-10T04:24:12.164Z",
            "credentialSubject": {"id": "did:example:ebfeb1f712ebc6f1c276e12ec21"},
            "proof": {
                "type": "Ed25519Signature2020",
                "created": "2020-03-10T04:24:12Z",
                "verificationMethod": format!("{HOLDER}#z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"),
                "proofPurpose": "assertionMethod",
                "proofValue": "z3MvGcVxzRzzpKF1HA11EjvfPZsN8NAb7kXBRfeTm3CBg2gcJLQM5hZNmj6Ccd9Lk4C1YueiFZvkSx4FuHVYVouQk"
            }
        }],
        "proof": {
            "type": "Ed25519Signature2020",
            "created": "2020-03-11T00:00:00Z",
            "verificationMethod": format!("{HOLDER}#z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"),
            "proofPurpose": "authentication",
            "challenge": "99612b24-63d9-11ea-b99f-4f66f3e4f81a",
            "domain": "verifier.example.org",
            "proofValue": "z4oey5q2M3XKaxup3tmzN4DRFTLVqpLMweBrSxMY2xHX5XTYVQeVbY8nQAVHMrXFkXJpmEcqdoDwLWxaqA3Q1geV6"
        }
    });
    same(&vp);
    same(&proof_configuration(&vp));
}
