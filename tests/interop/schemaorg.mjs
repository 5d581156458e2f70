// Expands a schema.org JSON-LD document with Digital Bazaar's jsonld
// (offline: the context `https://schema.org` is served here as schema.org's
// own vocabulary mapping, `@vocab` https://schema.org/, nothing fetched)
// and lists every property and type it uses, as full IRIs.
// Input (stdin): the document. Output: {"properties": [...], "types": [...]}.

import jsonld from 'jsonld';

const input = JSON.parse(await new Promise(resolve => {
  let data = '';
  process.stdin.on('data', c => (data += c));
  process.stdin.on('end', () => resolve(data));
}));

const vocab = {'@context': {'@vocab': 'https://schema.org/'}};
const documentLoader = async url => {
  if (['https://schema.org', 'https://schema.org/', 'http://schema.org', 'http://schema.org/'].includes(url)) {
    return {contextUrl: null, documentUrl: url, document: vocab};
  }
  throw new Error(`refused to load ${url}`);
};

const expanded = await jsonld.expand(input, {documentLoader, safe: true});
const properties = new Set();
const types = new Set();
const walk = node => {
  if (Array.isArray(node)) return node.forEach(walk);
  if (node === null || typeof node !== 'object') return;
  for (const [key, value] of Object.entries(node)) {
    if (key === '@type') [].concat(value).forEach(t => types.add(t));
    else if (!key.startsWith('@')) properties.add(key);
    walk(value);
  }
};
walk(expanded);
process.stdout.write(JSON.stringify({properties: [...properties].sort(), types: [...types].sort()}));
