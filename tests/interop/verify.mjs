// Independent verification of what Atout issues, with Digital Bazaar's VC
// libraries (Data Integrity, Ed25519Signature2020) and panva's jose
// (vc+jwt). Offline: contexts come from npm packages; only Atout's own
// context and the DID documents are given by the caller. The verifier
// itself is in lib.mjs (shared with bench-verify.mjs).
//
// stdin: {"credential": <object | "eyJ..." JWT | EnvelopedVerifiableCredential>,
//         "didDocuments": {did: doc}, "contexts": {url: doc},
//         "documents": {url: status list credential}, "now": "ISO date"?,
//         "presentation": <VerifiablePresentation>?, "challenge": "..."?,
//         "domain": "..."?}
// stdout: {"verified": bool, "error": string?, "format": "ldp_vc" | "vc+jwt",
//          "statuses": {"revocation": bool, "suspension": bool}?}
// With "presentation" (then "credential" is ignored, "challenge" is
// required): the holder's proof must have proofPurpose authentication, the
// challenge, and the domain when one is given; its key must be listed under
// `authentication` of the holder's DID document (the presentation's
// `holder`, when set). Every credential inside (Data Integrity or enveloped
// vc+jwt) is verified as if given alone:
// stdout: {"verified": bool, "error": string?, "format": "ldp_vp",
//          "credentials": [<one output as above per credential>]}
// Statuses are checked with @digitalbazaar/vc-bitstring-status-list, which
// also verifies each status list credential's proof and issuer.

import {createVerifier, readStdinJson} from './lib.mjs';

const out = await createVerifier(await readStdinJson()).verify();
process.stdout.write(JSON.stringify(out) + '\n');
