// An independent ISSUER and HOLDER for the Rust verifier's tests: signs a
// credential (and optionally a presentation of it) with Digital Bazaar's
// libraries (@digitalbazaar/vc issue / signPresentation with Data Integrity
// eddsa-rdfc-2022 / ecdsa-rdfc-2019, or Ed25519Signature2020 for VC 1.1) or
// with panva's jose (vc+jwt, VC-JOSE-COSE: protected header {alg, typ:
// "vc+jwt", cty: "vc", kid: "<did>#<fragment>"}, the credential itself as
// the payload). Offline: contexts come from npm packages plus "contexts".
//
// stdin: {"format": "eddsa-rdfc-2022" | "ecdsa-rdfc-2019" |
//                   "Ed25519Signature2020" | "vc+jwt-EdDSA" | "vc+jwt-ES256",
//         "credential": {...unsigned, VC 2.0 (VC 1.1 for Ed25519Signature2020)},
//         "issuerDid": "did:key" (default: a fresh did:key) | "did:web:...",
//         "seed": "64 hex chars"? (deterministic keys),
//         "contexts": {url: context}?,
//         "presentation": null | {"holderDid": "did:key" | "did:web:...",
//             "challenge": "...", "domain": "..."?, "envelope": bool?,
//             "format": "eddsa-rdfc-2022" | "ecdsa-rdfc-2019" |
//                       "Ed25519Signature2020"?, "seed": "64 hex"?}}
// stdout: {"credential": <signed credential | compact JWT string>,
//          "presentation": <signed VerifiablePresentation> | null,
//          "didDocuments": {did: document}, "issuer": did, "holder": did | null}
//
// The credential's issuer is overwritten with the signer's DID (issuer.id
// when the issuer is an object). did:key documents come from
// @digitalbazaar/did-method-key (Multikey; Ed25519VerificationKey2020 plus
// an X25519 keyAgreement key for the 2020 suite); did:web documents are
// built here with one key, "<did>#key-1", of the same type, listed under
// assertionMethod and authentication. Keys: P-256 for ecdsa-rdfc-2019 and
// vc+jwt-ES256, Ed25519 otherwise. With "seed", the issuer's key is derived
// from it (Ed25519: the seed is the RFC 8032 private key; P-256: the scalar
// seed mod (n - 1) + 1), so one seed gives one did:key per key type; the
// holder's from SHA-256("holder" || seed) unless presentation.seed is given;
// without it keys are fresh. The presentation (VC 2.0, VC 1.1 around a VC 1.1
// credential) has proofPurpose authentication, the challenge and domain, and
// holder = the holder's DID; a vc+jwt credential is always presented as an
// EnvelopedVerifiableCredential ("data:application/vc+jwt,<jwt>"), whatever
// "envelope" says; "envelope": true around a Data Integrity credential is an
// error. The presentation's format defaults to the credential's (EdDSA ->
// eddsa-rdfc-2022, ES256 -> ecdsa-rdfc-2019).
// Data Integrity and Ed25519Signature2020 sign in JSON-LD safe mode: a term
// no context defines is an error (the VC 2.0 context has no "@vocab").
// Ed25519Signature2020 appends its suite context to @context, and a VC 1.1
// credential without issuanceDate gets one (@digitalbazaar/vc). On any
// error: the message on stderr, exit status 1.

import * as vc from '@digitalbazaar/vc';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {cryptosuite as eddsaRdfc2022} from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import {cryptosuite as ecdsaRdfc2019} from '@digitalbazaar/ecdsa-rdfc-2019-cryptosuite';
import {Ed25519Signature2020} from '@digitalbazaar/ed25519-signature-2020';
import {Ed25519VerificationKey2020} from '@digitalbazaar/ed25519-verification-key-2020';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import * as EcdsaMultikey from '@digitalbazaar/ecdsa-multikey';
import {driver as didKeyDriver} from '@digitalbazaar/did-method-key';
import * as jose from 'jose';
import crypto from 'node:crypto';
import {makeDocumentLoader, readStdinJson} from './lib.mjs';

const VC_V2 = 'https://www.w3.org/ns/credentials/v2';
const VC_V1 = 'https://www.w3.org/2018/credentials/v1';
const DID_V1 = 'https://www.w3.org/ns/did/v1';
const MULTIKEY_V1 = 'https://w3id.org/security/multikey/v1';
const ED25519_2020_V1 = 'https://w3id.org/security/suites/ed25519-2020/v1';
// the order of P-256's base point
const P256_N = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;

const FORMATS = {
  'eddsa-rdfc-2022': {key: 'Ed25519Multikey', kind: 'di', cryptosuite: eddsaRdfc2022},
  'ecdsa-rdfc-2019': {key: 'P256Multikey', kind: 'di', cryptosuite: ecdsaRdfc2019},
  'Ed25519Signature2020': {key: 'Ed25519VerificationKey2020', kind: '2020'},
  'vc+jwt-EdDSA': {key: 'Ed25519Multikey', kind: 'jwt', alg: 'EdDSA'},
  'vc+jwt-ES256': {key: 'P256Multikey', kind: 'jwt', alg: 'ES256'},
};

function base58btc(bytes) {
  const alphabet = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
  let n = BigInt('0x' + (Buffer.from(bytes).toString('hex') || '0'));
  let out = '';
  while (n > 0n) { out = alphabet[Number(n % 58n)] + out; n /= 58n; }
  for (const b of bytes) { if (b === 0) out = '1' + out; else break; }
  return out;
}

function seedBytes(hex) {
  if (hex === undefined || hex === null) return crypto.randomBytes(32);
  if (!/^[0-9a-fA-F]{64}$/.test(hex)) throw new Error('"seed" must be 32 bytes in hex');
  return Buffer.from(hex, 'hex');
}

/** A key pair of the given type (the library's object) and its private JWK. */
async function makeKey(type, seed) {
  if (type === 'Ed25519Multikey' || type === 'Ed25519VerificationKey2020') {
    const keyPair = type === 'Ed25519Multikey' ?
      await Ed25519Multikey.generate({seed}) :
      await Ed25519VerificationKey2020.generate({seed});
    // x from d with node:crypto, independently of the library, as a check
    const x = crypto.createPublicKey(crypto.createPrivateKey({
      key: Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), seed]),
      format: 'der', type: 'pkcs8'})).export({format: 'jwk'}).x;
    const multibase = (await keyPair.export({publicKey: true})).publicKeyMultibase;
    if (multibase !== `z${base58btc(Buffer.concat([Buffer.from([0xed, 0x01]), Buffer.from(x, 'base64url')]))}`) {
      throw new Error('the library and node:crypto disagree on the Ed25519 public key');
    }
    return {keyPair, jwk: {kty: 'OKP', crv: 'Ed25519', x, d: Buffer.from(seed).toString('base64url')}};
  }
  if (type === 'P256Multikey') {
    const d = BigInt('0x' + Buffer.from(seed).toString('hex')) % (P256_N - 1n) + 1n;
    const secretKey = Buffer.from(d.toString(16).padStart(64, '0'), 'hex');
    const ecdh = crypto.createECDH('prime256v1');
    ecdh.setPrivateKey(secretKey);
    const publicKey = ecdh.getPublicKey(null, 'compressed');
    const keyPair = await EcdsaMultikey.fromRaw({curve: 'P-256',
      secretKey: new Uint8Array(secretKey), publicKey: new Uint8Array(publicKey)});
    const jwk = await EcdsaMultikey.toJwk({keyPair, secretKey: true});
    return {keyPair, jwk: {kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y, d: jwk.d}};
  }
  throw new Error(`unknown key type ${type}`);
}

/** The DID (did:key or the given did:web), its document and the key's id. */
async function makeDid(which, type, seed) {
  const {keyPair, jwk} = await makeKey(type, seed);
  let didDocument;
  if (which === undefined || which === null || which === 'did:key') {
    const driver = didKeyDriver();
    driver.use({multibaseMultikeyHeader: 'z6Mk', fromMultibase:
      type === 'Ed25519VerificationKey2020' ? Ed25519VerificationKey2020.from : Ed25519Multikey.from});
    driver.use({multibaseMultikeyHeader: 'zDna', fromMultibase: EcdsaMultikey.from});
    ({didDocument} = await driver.fromKeyPair({verificationKeyPair: keyPair}));
    keyPair.controller = didDocument.id;
    keyPair.id = didDocument.assertionMethod[0];
  } else if (which.startsWith('did:web:')) {
    const exported = await keyPair.export({publicKey: true});
    const vm = {id: `${which}#key-1`, type: exported.type, controller: which,
      publicKeyMultibase: exported.publicKeyMultibase};
    didDocument = {
      '@context': [DID_V1, type === 'Ed25519VerificationKey2020' ? ED25519_2020_V1 : MULTIKEY_V1],
      id: which,
      verificationMethod: [vm],
      assertionMethod: [vm.id],
      authentication: [vm.id],
    };
    keyPair.controller = which;
    keyPair.id = vm.id;
  } else {
    throw new Error(`unsupported DID ${which}: "did:key" or "did:web:..."`);
  }
  return {did: didDocument.id, didDocument, keyPair, jwk};
}

function suiteFor(format, keyPair) {
  const f = FORMATS[format];
  if (f?.kind === 'di') return new DataIntegrityProof({signer: keyPair.signer(), cryptosuite: f.cryptosuite});
  if (f?.kind === '2020') return new Ed25519Signature2020({key: keyPair});
  throw new Error(`not a linked data format: ${format}`);
}

function withIssuer(credential, did) {
  const c = structuredClone(credential);
  if (c.issuer && typeof c.issuer === 'object') c.issuer = {...c.issuer, id: did};
  else c.issuer = did;
  return c;
}

process.on('uncaughtException', e => {
  process.stderr.write(`sign.mjs: ${e?.message ?? e}${e?.details ? ` ${JSON.stringify(e.details)}` : ''}\n`);
  process.exit(1);
});

const input = await readStdinJson();
const format = FORMATS[input.format];
if (!format) throw new Error(`"format" must be one of ${Object.keys(FORMATS).join(', ')}`);
if (!input.credential || typeof input.credential !== 'object') throw new Error('"credential" is required');

const seed = seedBytes(input.seed);
const issuer = await makeDid(input.issuerDid, format.key, seed);
const didDocuments = {[issuer.did]: issuer.didDocument};
const documentLoader = makeDocumentLoader({contexts: input.contexts, didDocuments});

let credential = withIssuer(input.credential, issuer.did);
if (format.kind === 'jwt') {
  credential = await new jose.CompactSign(new TextEncoder().encode(JSON.stringify(credential)))
    .setProtectedHeader({alg: format.alg, typ: 'vc+jwt', cty: 'vc', kid: issuer.keyPair.id})
    .sign(await jose.importJWK(issuer.jwk, format.alg));
} else {
  credential = await vc.issue({credential, suite: suiteFor(input.format, issuer.keyPair), documentLoader});
}

let presentation = null;
let holder = null;
const p = input.presentation;
if (p) {
  if (typeof p.challenge !== 'string') throw new Error('"presentation.challenge" is required');
  const vpFormat = p.format ?? (format.kind !== 'jwt' ? input.format :
    format.alg === 'EdDSA' ? 'eddsa-rdfc-2022' : 'ecdsa-rdfc-2019');
  if (!FORMATS[vpFormat] || FORMATS[vpFormat].kind === 'jwt') {
    throw new Error(`"presentation.format" must be eddsa-rdfc-2022, ecdsa-rdfc-2019 or Ed25519Signature2020`);
  }
  const holderSeed = p.seed !== undefined && p.seed !== null ? seedBytes(p.seed) :
    input.seed ? crypto.createHash('sha256').update('holder').update(seed).digest() : seedBytes();
  const h = await makeDid(p.holderDid, FORMATS[vpFormat].key, holderSeed);
  holder = h.did;
  didDocuments[holder] = h.didDocument;
  let unsigned;
  if (format.kind === 'jwt') {
    // @digitalbazaar/vc's createPresentation only takes secured-in-place
    // credentials: the enveloping presentation is written here.
    unsigned = {
      '@context': [VC_V2],
      type: ['VerifiablePresentation'],
      holder,
      verifiableCredential: [{
        '@context': VC_V2,
        id: `data:application/vc+jwt,${credential}`,
        type: 'EnvelopedVerifiableCredential',
      }],
    };
  } else {
    if (p.envelope === true) throw new Error('"envelope" is for vc+jwt credentials only');
    const v1 = [].concat(credential['@context'])[0] === VC_V1;
    unsigned = vc.createPresentation({verifiableCredential: [credential], holder,
      version: v1 ? 1.0 : 2.0});
  }
  presentation = await vc.signPresentation({presentation: unsigned,
    suite: suiteFor(vpFormat, h.keyPair), challenge: p.challenge, domain: p.domain,
    documentLoader});
}

process.stdout.write(JSON.stringify({credential, presentation, didDocuments,
  issuer: issuer.did, holder}) + '\n');
