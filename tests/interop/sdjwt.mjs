// Independent verification of Atout's SD-JWT VCs with the OpenWallet
// Foundation's @sd-jwt/sd-jwt-vc (and @sd-jwt/crypto-nodejs for hashing).
// Offline: the issuer's public key is given as a JWK.
//
// stdin: {"sdJwt": "<jwt>~<disclosure>~...~[<kb-jwt>]", "issuerJwk": {...},
//         "nonce": "..."?, "aud": "..."?}
// With "nonce", a Key Binding JWT is required, signed by the key in the
// SD-JWT's cnf.jwk, with that nonce (and that aud when given).
// stdout: {"verified": bool, "error": string?, "claims": {...}?,
//          "keyBound": bool?}

import {SDJwtVcInstance} from '@sd-jwt/sd-jwt-vc';
import {digest} from '@sd-jwt/crypto-nodejs';
import {createPublicKey, verify as cryptoVerify} from 'node:crypto';
import {readStdinJson} from './lib.mjs';

const input = await readStdinJson();

function verifierFor(jwk) {
  const key = createPublicKey({key: jwk, format: 'jwk'});
  const hash = jwk.kty === 'EC' ? 'sha256' : null;
  return async (data, signature) =>
    cryptoVerify(
      hash,
      Buffer.from(data),
      {key, dsaEncoding: 'ieee-p1363'},
      Buffer.from(signature, 'base64url'),
    );
}

const sdjwt = new SDJwtVcInstance({
  hasher: digest,
  hashAlg: 'sha-256',
  verifier: verifierFor(input.issuerJwk),
  kbVerifier: async (data, signature, payload) =>
    verifierFor(payload.cnf.jwk)(data, signature),
  // Atout's status entries are a Bitstring Status List, which this library
  // does not read (it reads status_list only).
  statusValidator: async () => {},
});

let out;
try {
  const options = input.nonce ? {keyBindingNonce: input.nonce} : {};
  const result = await sdjwt.verify(input.sdJwt, options);
  const keyBound = Boolean(result.kb);
  if (input.nonce && !keyBound) throw new Error('no key binding');
  if (input.aud && result.kb.payload.aud !== input.aud) throw new Error('aud mismatch');
  out = {verified: true, claims: result.payload, keyBound};
} catch (e) {
  out = {verified: false, error: String(e && e.message ? e.message : e)};
}
process.stdout.write(JSON.stringify(out) + '\n');
