// The Node side of the verification benchmark: verifies one credential (or
// presentation) N times, sequentially, in this one process (one core), with
// the same independent verifier as verify.mjs (lib.mjs). The caches are as
// warm as Digital Bazaar's libraries allow: one document loader (in-memory
// contexts and DID documents), one set of suite objects, jsonld.js's
// process-wide resolved-context cache (filled by the warm-up), and jose's
// imported keys kept between iterations. What the libraries redo every time
// (JSON-LD expansion and RDFC-1.0 canonicalisation, hashing, key import by
// the cryptosuite, the signature check, status list checks if any) is what
// is measured.
//
// stdin: verify.mjs's input plus {"iterations": N, "warmup": W? (default
//        min(N, 20)), "rawIterations": R? (default 20000)}
// stdout: {"format": "eddsa-rdfc-2022" | "ecdsa-rdfc-2019" |
//          "Ed25519Signature2020" | "vc+jwt-EdDSA" | "vc+jwt-ES256" | ...,
//          "iterations": N, "seconds": s, "perSecond": r, "verified": true,
//          "rawEd25519PerSecond": r, "rawP256PerSecond": r,
//          "warmup": W, "rawIterations": R, "node": "v20..."}
// raw*PerSecond: node:crypto verifying one signature on a 64-byte message
// (Ed25519; ECDSA P-256 with SHA-256), R times, in the same run.
// Any iteration that does not verify: the error on stderr, exit status 1.

import {createVerifier, readStdinJson} from './lib.mjs';
import crypto from 'node:crypto';
import {performance} from 'node:perf_hooks';

const input = await readStdinJson();
const iterations = input.iterations;
if (!Number.isInteger(iterations) || iterations < 1) throw new Error('"iterations" must be a positive integer');
const warmup = input.warmup ?? Math.min(iterations, 20);
const rawIterations = input.rawIterations ?? 20000;

function fail(i, out) {
  process.stderr.write(`bench-verify.mjs: iteration ${i} did not verify: ${JSON.stringify(out)}\n`);
  process.exit(1);
}

function formatOf(input) {
  const secured = input.presentation ?? input.credential;
  const jwt = typeof secured === 'string' ? secured :
    secured?.type === 'EnvelopedVerifiableCredential' ? secured.id.replace(/^data:application\/vc\+jwt,/, '') : null;
  if (jwt) return `vc+jwt-${JSON.parse(Buffer.from(jwt.split('.')[0], 'base64url')).alg}`;
  const proof = [].concat(secured?.proof ?? [])[0];
  const f = proof?.cryptosuite ?? proof?.type ?? 'unknown';
  return input.presentation ? `presentation ${f}` : f;
}

const verifier = createVerifier(input);
for (let i = 0; i < warmup; i++) {
  const out = await verifier.verify();
  if (!out.verified) fail(`warm-up ${i}`, out);
}
const start = performance.now();
for (let i = 0; i < iterations; i++) {
  const out = await verifier.verify();
  if (!out.verified) fail(i, out);
}
const seconds = (performance.now() - start) / 1000;

function rawPerSecond(type, options, digest) {
  const {publicKey, privateKey} = crypto.generateKeyPairSync(type, options);
  const message = crypto.randomBytes(64);
  const signature = crypto.sign(digest, message, privateKey);
  for (let i = 0; i < Math.min(rawIterations, 1000); i++) crypto.verify(digest, message, publicKey, signature);
  const t = performance.now();
  for (let i = 0; i < rawIterations; i++) {
    if (!crypto.verify(digest, message, publicKey, signature)) throw new Error(`raw ${type} did not verify`);
  }
  return rawIterations / ((performance.now() - t) / 1000);
}

const round = x => Math.round(x * 10) / 10;
process.stdout.write(JSON.stringify({
  format: formatOf(input), iterations, seconds: Math.round(seconds * 1e4) / 1e4,
  perSecond: round(iterations / seconds), verified: true,
  rawEd25519PerSecond: round(rawPerSecond('ed25519', undefined, null)),
  rawP256PerSecond: round(rawPerSecond('ec', {namedCurve: 'P-256'}, 'sha256')),
  warmup, rawIterations, node: process.version,
}) + '\n');
