// Self-check of the Node tools: signs a diploma-like credential in every
// format with sign.mjs (did:key and did:web issuers, with and without a
// presentation) and pipes each result to verify.mjs, which must accept it;
// then tampers with a few and checks that verify.mjs refuses them.
// Run: `node selfcheck.mjs` in tests/interop (after `npm ci`). Exits 1 on
// any failure. The diploma is diploma.mjs's (Atout's context, from
// vc/contexts/atout-v1.json).

import {spawnSync} from 'node:child_process';
import {createCredential, createList} from '@digitalbazaar/vc-bitstring-status-list';
import {contexts, diploma} from './diploma.mjs';

function run(script, input) {
  const r = spawnSync(process.execPath, [script], {cwd: new URL('.', import.meta.url),
    input: JSON.stringify(input), encoding: 'utf8'});
  if (r.status !== 0) throw new Error(`${script} failed: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

let failures = 0;
function check(name, ok, detail) {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${name}${ok ? '' : ` ${JSON.stringify(detail)}`}`);
  if (!ok) failures++;
}

const cases = [];
for (const format of ['eddsa-rdfc-2022', 'ecdsa-rdfc-2019', 'Ed25519Signature2020', 'vc+jwt-EdDSA', 'vc+jwt-ES256']) {
  for (const issuerDid of ['did:key', 'did:web:127.0.0.1%3A40123']) {
    cases.push({format, issuerDid, presentation: null});
  }
  const jwt = format.startsWith('vc+jwt');
  for (const vpFormat of format === 'Ed25519Signature2020' ? ['Ed25519Signature2020', 'eddsa-rdfc-2022'] :
    ['eddsa-rdfc-2022', 'ecdsa-rdfc-2019']) {
    cases.push({format, issuerDid: 'did:key', presentation: {holderDid: 'did:key',
      challenge: 'c-0a1b2c', domain: 'verifier.example', envelope: jwt, format: vpFormat}});
    cases.push({format, issuerDid: 'did:web:127.0.0.1%3A40123', presentation: {
      holderDid: 'did:web:127.0.0.1%3A40124', challenge: 'c-3d4e5f', domain: 'verifier.example',
      envelope: jwt, format: vpFormat}});
  }
}

for (const c of cases) {
  const name = `${c.format} ${c.issuerDid}${c.presentation ? ` VP ${c.presentation.format} ${c.presentation.holderDid}` : ''}`;
  const signed = run('sign.mjs', {...c, seed: '5e'.repeat(32),
    credential: diploma({v1: c.format === 'Ed25519Signature2020'}), contexts});
  const base = {didDocuments: signed.didDocuments, contexts};
  if (!c.presentation) {
    check(name, run('verify.mjs', {...base, credential: signed.credential}).verified, signed);
    // tampering: the JWT's payload, or one value of the subject
    let tampered;
    if (typeof signed.credential === 'string') {
      const [h, p, s] = signed.credential.split('.');
      const payload = JSON.parse(Buffer.from(p, 'base64url'));
      payload.credentialSubject.degree.grade = 'Très bien';
      tampered = [h, Buffer.from(JSON.stringify(payload)).toString('base64url'), s].join('.');
    } else {
      tampered = structuredClone(signed.credential);
      tampered.credentialSubject.degree.grade = 'Très bien';
    }
    const r = run('verify.mjs', {...base, credential: tampered});
    check(`${name} tampered refused`, !r.verified, r);
    continue;
  }
  const {challenge, domain} = c.presentation;
  const r = run('verify.mjs', {...base, presentation: signed.presentation, challenge, domain});
  check(name, r.verified && r.credentials.length === 1 && r.credentials[0].verified, r);
  const proof = [].concat(signed.presentation.proof)[0];
  check(`${name} proof shape`, proof.proofPurpose === 'authentication' && proof.challenge === challenge &&
    proof.domain === domain && signed.presentation.holder === signed.holder, proof);
  const wrongChallenge = run('verify.mjs', {...base, presentation: signed.presentation, challenge: 'other', domain});
  check(`${name} wrong challenge refused`, !wrongChallenge.verified, wrongChallenge);
  const wrongDomain = run('verify.mjs', {...base, presentation: signed.presentation, challenge, domain: 'other.example'});
  check(`${name} wrong domain refused`, !wrongDomain.verified, wrongDomain);
  const otherHolder = structuredClone(signed.presentation);
  otherHolder.holder = signed.issuer;
  const wrongHolder = run('verify.mjs', {...base, presentation: otherHolder, challenge, domain});
  check(`${name} other holder refused`, !wrongHolder.verified, wrongHolder);
}

// statuses: two status list credentials signed by the same issuer (same
// Ed25519 seed, so the same did:key), the diploma revoked (index 7) and not
// suspended (index 8)
{
  const lists = {};
  for (const statusPurpose of ['revocation', 'suspension']) {
    const url = `https://portfolio.example.org/orgs/u/status/${statusPurpose}-0`;
    const list = await createList({length: 131072});
    if (statusPurpose === 'revocation') list.setStatus(7, true);
    const unsigned = await createCredential({id: url, list, statusPurpose});
    lists[url] = run('sign.mjs', {format: 'eddsa-rdfc-2022', seed: '77'.repeat(32), credential: unsigned}).credential;
  }
  const [revocation, suspension] = Object.keys(lists);
  const credential = diploma();
  credential.credentialStatus = [
    {id: `${revocation}#7`, type: 'BitstringStatusListEntry', statusPurpose: 'revocation',
      statusListIndex: '7', statusListCredential: revocation},
    {id: `${suspension}#8`, type: 'BitstringStatusListEntry', statusPurpose: 'suspension',
      statusListIndex: '8', statusListCredential: suspension},
  ];
  for (const format of ['eddsa-rdfc-2022', 'vc+jwt-EdDSA']) {
    const signed = run('sign.mjs', {format, seed: '77'.repeat(32), credential, contexts});
    const r = run('verify.mjs', {credential: signed.credential, didDocuments: signed.didDocuments,
      contexts, documents: lists});
    check(`${format} statuses`, r.verified && r.statuses?.revocation === true && r.statuses?.suspension === false, r);
  }
}

// deterministic keys: the same seed gives the same DIDs
const a = run('sign.mjs', {format: 'ecdsa-rdfc-2019', seed: '11'.repeat(32), credential: diploma(), contexts,
  presentation: {holderDid: 'did:key', challenge: 'x'}});
const b = run('sign.mjs', {format: 'vc+jwt-ES256', seed: '11'.repeat(32), credential: diploma(), contexts,
  presentation: {holderDid: 'did:key', challenge: 'x'}});
check('seed gives the same issuer and holder DIDs', a.issuer === b.issuer && a.holder === b.holder, [a.issuer, b.issuer]);

console.log(failures ? `${failures} failure(s)` : 'all good');
process.exit(failures ? 1 : 0);
