// Digital Bazaar verifies the JSON-LD constructs Atout issued
// (tests/it/interop_constructs.rs): each credential as given, then with each
// of its construct's "tamperings" (must not verify) and "equivalents" (must
// verify) from tests/it/fixtures/interop/constructs.json applied. The
// verifier is verify.mjs's (lib.mjs: Digital Bazaar's libraries, offline,
// statuses checked against the given status list credentials).
//
// stdin:  {"credentials": {name: issued credential},
//          "didDocuments": {did: doc}, "contexts": {url: doc},
//          "documents": {url: status list credential}}
// stdout: {name: {"verified": bool, "error": string?,
//                 "tamperings": [{"what", "verified", "error"?}],
//                 "equivalents": [{"what", "verified", "error"?}]}}
// The verdicts are reported, not asserted: the caller says what it expects.

import {checkConstruct, createVerifier, loadConstructs, readStdinJson} from './lib.mjs';

const input = await readStdinJson();
const names = Object.keys(input.credentials ?? {});
const constructs = await loadConstructs(names);
const out = {};
for (const construct of constructs) {
  out[construct.name] = await checkConstruct(construct, input.credentials[construct.name],
    credential => createVerifier({...input, credential}).verify());
}
process.stdout.write(JSON.stringify(out) + '\n');
