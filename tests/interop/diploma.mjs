// A diploma-like credential (16 subject fields, Atout's context) for
// selfcheck.mjs and for benchmarks by hand:
//   node -e "import('./diploma.mjs').then(m => console.log(JSON.stringify(
//     {format: 'eddsa-rdfc-2022', credential: m.diploma(), contexts: m.contexts})))" | node sign.mjs

import {readFileSync} from 'node:fs';

const ATOUT = 'https://portfolio.example.org/contexts/atout/v1';
export const contexts = {[ATOUT]: JSON.parse(readFileSync(new URL('../../vc/contexts/atout-v1.json', import.meta.url)))};

export function diploma({v1 = false} = {}) {
  return {
    // VC 1.1's context has no "name": schema.org's, inline
    '@context': v1 ? ['https://www.w3.org/2018/credentials/v1', ATOUT, {name: 'https://schema.org/name'}] :
      ['https://www.w3.org/ns/credentials/v2', ATOUT],
    type: ['VerifiableCredential', 'DiplomaCredential'],
    ...(v1 ? {issuanceDate: '2026-07-03T09:00:00Z'} : {name: 'Master Informatique', validFrom: '2026-07-03T09:00:00Z'}),
    issuer: 'did:example:overwritten',
    credentialSubject: {
      id: 'did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp',
      givenName: 'Renée',
      familyName: 'Dupont-Lefèvre',
      birthDate: '2001-04-12',
      studentNumber: '21904567',
      degree: {
        type: 'Diploma',
        name: 'Master Informatique, parcours Intelligence Artificielle',
        eqfLevel: 7,
        rncp: 'RNCP39512',
        fieldOfStudy: 'Informatique',
        specialisation: 'Intelligence artificielle',
        grade: 'Bien',
        credits: 120,
        awardedOn: '2026-07-03',
        awardingBody: 'Université Exemple',
        campus: 'Campus Nord',
      },
    },
  };
}
