// Digital Bazaar signs the JSON-LD constructs of
// tests/it/fixtures/interop/constructs.json (lists, Open Badges 3.0.3's
// allowedValue, language values with @direction, inline contexts and
// @vocab, @json, @included, scoped contexts) for Atout's verifier to check
// (tests/it/interop_constructs.rs).
//
// stdin:  {"suite": "eddsa-rdfc-2022" | "ecdsa-rdfc-2019",
//          "names": ["lists", ...]? (default: every construct),
//          "seed": "64 hex chars"? (deterministic key; default: fresh)}
// stdout: {"issuer": did, "didDocuments": {did: document},
//          "credentials": {name: signed credential},
//          "selfcheck": {name: {verified, error?, tamperings: [{what, verified, error?}],
//                               equivalents: [...]}}}
//
// Each credential is issued with @digitalbazaar/vc and DataIntegrityProof
// (the cryptosuite's own canonize: RDFC-1.0 over jsonld.toRDF in safe mode,
// rdfDirection 'i18n-datatype', which both cryptosuites set by default and
// the proof API does not let a caller change) from a did:key issuer
// (@digitalbazaar/did-method-key; Ed25519 for eddsa-rdfc-2022, P-256 for
// ecdsa-rdfc-2019); its issuer (or issuer.id) is replaced by that DID.
// Offline: the document loader serves only the contexts bundled in the npm
// context packages and the issuer's DID document (lib.mjs).
//
// Self-check: Digital Bazaar's verifier (lib.mjs, the one verify.mjs uses)
// must verify every credential, reject each of its "tamperings" and accept
// each of its "equivalents"; otherwise the script fails (exit status 1, the
// problems on stderr), so that a tampering Atout accepts is an Atout bug and
// never a tampering that does not change the signed dataset.

import * as vc from '@digitalbazaar/vc';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {cryptosuite as eddsaRdfc2022} from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import {cryptosuite as ecdsaRdfc2019} from '@digitalbazaar/ecdsa-rdfc-2019-cryptosuite';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import * as EcdsaMultikey from '@digitalbazaar/ecdsa-multikey';
import {driver as didKeyDriver} from '@digitalbazaar/did-method-key';
import crypto from 'node:crypto';
import {
  checkConstruct, constructProblems, createVerifier, loadConstructs, makeDocumentLoader,
  readStdinJson,
} from './lib.mjs';

// the order of P-256's base point
const P256_N = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;

const SUITES = {
  'eddsa-rdfc-2022': {cryptosuite: eddsaRdfc2022, header: 'z6Mk'},
  'ecdsa-rdfc-2019': {cryptosuite: ecdsaRdfc2019, header: 'zDna'},
};

process.on('uncaughtException', e => {
  process.stderr.write(`sign-constructs.mjs: ${e?.message ?? e}${e?.details ? ` ${JSON.stringify(e.details)}` : ''}\n`);
  process.exit(1);
});

async function keyPairFor(suite, seedHex) {
  if (seedHex !== undefined && seedHex !== null && !/^[0-9a-fA-F]{64}$/.test(seedHex)) {
    throw new Error('"seed" must be 32 bytes in hex');
  }
  const seed = seedHex ? Buffer.from(seedHex, 'hex') : crypto.randomBytes(32);
  if (suite === 'eddsa-rdfc-2022') return Ed25519Multikey.generate({seed});
  const d = BigInt('0x' + seed.toString('hex')) % (P256_N - 1n) + 1n;
  const secretKey = Buffer.from(d.toString(16).padStart(64, '0'), 'hex');
  const ecdh = crypto.createECDH('prime256v1');
  ecdh.setPrivateKey(secretKey);
  return EcdsaMultikey.fromRaw({curve: 'P-256', secretKey: new Uint8Array(secretKey),
    publicKey: new Uint8Array(ecdh.getPublicKey(null, 'compressed'))});
}

function withIssuer(credential, did) {
  const c = structuredClone(credential);
  if (c.issuer && typeof c.issuer === 'object') c.issuer = {...c.issuer, id: did};
  else c.issuer = did;
  return c;
}

const input = await readStdinJson();
const suite = SUITES[input.suite];
if (!suite) throw new Error(`"suite" must be one of ${Object.keys(SUITES).join(', ')}`);
const constructs = await loadConstructs(input.names);

const keyPair = await keyPairFor(input.suite, input.seed);
const driver = didKeyDriver();
driver.use({multibaseMultikeyHeader: 'z6Mk', fromMultibase: Ed25519Multikey.from});
driver.use({multibaseMultikeyHeader: 'zDna', fromMultibase: EcdsaMultikey.from});
const {didDocument} = await driver.fromKeyPair({verificationKeyPair: keyPair});
keyPair.controller = didDocument.id;
keyPair.id = didDocument.assertionMethod[0];
const didDocuments = {[didDocument.id]: didDocument};
const documentLoader = makeDocumentLoader({didDocuments});

const credentials = {};
const selfcheck = {};
const problems = [];
for (const construct of constructs) {
  const proof = new DataIntegrityProof({signer: keyPair.signer(), cryptosuite: suite.cryptosuite});
  let signed;
  try {
    signed = await vc.issue({credential: withIssuer(construct.credential, didDocument.id),
      suite: proof, documentLoader});
  } catch (e) {
    problems.push(`${construct.name}: Digital Bazaar could not sign it: ${e?.message ?? e}` +
      `${e?.details ? ` ${JSON.stringify(e.details)}` : ''}`);
    continue;
  }
  credentials[construct.name] = signed;
  const result = await checkConstruct(construct, signed,
    credential => createVerifier({credential, didDocuments}).verify());
  selfcheck[construct.name] = result;
  problems.push(...constructProblems(construct.name, result));
}
if (problems.length) {
  throw new Error(`${input.suite}: Digital Bazaar's self-check failed:\n  ${problems.join('\n  ')}`);
}

process.stdout.write(JSON.stringify({issuer: didDocument.id, didDocuments, credentials,
  selfcheck}) + '\n');
