#!/usr/bin/env node
// Imports the Belgian municipalities of 1 January 2025, their postal places and aliases into data/be-geography/.
//
//   node data/tools/import-be-geography.mjs [SOURCE_DIR] [--out DIR]
//
// SOURCE_DIR defaults to ../shared/data/be-geography relative to the repository root; --out defaults to
// data/be-geography. The source is the CSV package derived from FPS BOSA BeST Address open data (CC BY 4.0); see
// data/README.md for the attribution that must go with it.
//
// Every row is checked (field count, codes, names, coordinates, cross-file references, the counts per region); the
// first problem stops the import with the file and line, and nothing is written. The output is the canonical form of
// the input: UTF-8 without BOM, LF line ends, quoted only where needed, so importing the committed files again gives
// the same bytes. SHA256SUMS (the `sha256sum -c` format) records the output; a test checks it against the files.
// No dependencies beyond Node itself.

import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

// --- arguments ----------------------------------------------------------------------------------------------
let source = resolve(REPO, '..', 'shared', 'data', 'be-geography');
let out = join(REPO, 'data', 'be-geography');
{
  const args = process.argv.slice(2);
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--out') {
      if (i + 1 >= args.length) fail('--out needs a directory');
      out = resolve(args[++i]);
    } else if (args[i].startsWith('--')) fail(`unknown option ${args[i]}`);
    else source = resolve(args[i]);
  }
}

function fail(message) {
  console.error(`import-be-geography: ${message}`);
  process.exit(1);
}

// --- CSV ----------------------------------------------------------------------------------------------------
// RFC 4180: quoted fields with doubled quotes; a bare quote inside an unquoted field is an error.
function parseCsv(file, text) {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const records = [];
  let fields = [];
  let field = '';
  let line = 1;
  let recordLine = 1;
  let i = 0;
  let quoted = false;
  let started = false;
  while (i < text.length) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') { field += '"'; i += 2; continue; }
        quoted = false;
        i++;
        if (i < text.length && !',\r\n'.includes(text[i])) fail(`${file}:${line}: text after a closing quote`);
        continue;
      }
      if (ch === '\n') line++;
      field += ch;
      i++;
      continue;
    }
    if (ch === '"') {
      if (field.length > 0) fail(`${file}:${line}: a quote inside an unquoted field`);
      quoted = true; started = true; i++; continue;
    }
    if (ch === ',') { fields.push(field); field = ''; started = true; i++; continue; }
    if (ch === '\r' && text[i + 1] === '\n') { i++; continue; }
    if (ch === '\n') {
      fields.push(field);
      records.push({ line: recordLine, fields });
      fields = []; field = ''; started = false;
      line++; recordLine = line; i++;
      continue;
    }
    if (ch === '\r') fail(`${file}:${line}: a bare carriage return`);
    field += ch; started = true; i++;
  }
  if (quoted) fail(`${file}:${line}: an unclosed quote`);
  if (started || field.length > 0) { fields.push(field); records.push({ line: recordLine, fields }); }
  return records;
}

const escape = (v) => (/[",\r\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v);
const toCsv = (header, rows) => [header, ...rows].map((r) => r.map(escape).join(',')).join('\n') + '\n';

function readTable(name, header) {
  const file = join(source, name);
  let text;
  try { text = readFileSync(file, 'utf8'); } catch (e) { fail(`cannot read ${file}: ${e.message}`); }
  const records = parseCsv(name, text);
  if (records.length === 0) fail(`${name}: empty`);
  const head = records[0].fields.join(',');
  if (head !== header.join(',')) fail(`${name}:1: header is "${head}", expected "${header.join(',')}"`);
  const rows = [];
  for (const { line, fields } of records.slice(1)) {
    if (fields.length === 1 && fields[0] === '') fail(`${name}:${line}: empty line`);
    if (fields.length !== header.length) fail(`${name}:${line}: ${fields.length} fields, expected ${header.length}`);
    for (let c = 0; c < fields.length; c++) {
      const v = fields[c];
      if (v !== v.trim() || /[\u0000-\u001f]/.test(v)) fail(`${name}:${line}: ${header[c]} has surrounding space or a control character`);
    }
    rows.push({ line, f: fields });
  }
  return rows;
}

// --- the rules ----------------------------------------------------------------------------------------------
const REGIONS = { VLG: 285, BRU: 19, WAL: 261 };
const TOTAL = 565;
// Province from the first two digits of the NIS code (the source's provinces.php ranges).
const PROVINCE_RANGES = [
  [11, 13, 'VAN'], [21, 21, 'BRU'], [23, 24, 'VBR'], [25, 25, 'WBR'], [31, 38, 'VWV'], [41, 46, 'VOV'],
  [51, 58, 'WHT'], [61, 66, 'WLG'], [70, 73, 'VLI'], [81, 85, 'WLX'], [91, 94, 'WNA'],
];
const provinceOf = (nis) => PROVINCE_RANGES.find(([lo, hi]) => +nis.slice(0, 2) >= lo && +nis.slice(0, 2) <= hi)?.[2];
const regionOfProvince = (p) => (p === 'BRU' ? 'BRU' : p.startsWith('W') ? 'WAL' : 'VLG');
const COORD = /^-?\d{1,3}\.\d{5}$/;
const inBox = (lat, lon) => lat >= 49.4 && lat <= 51.6 && lon >= 2.5 && lon <= 6.5;

const MUN_HEADER = ['nis', 'region', 'province', 'name_nl', 'name_fr', 'name_de', 'lat', 'lon'];
const PP_HEADER = ['postcode', 'place_nl', 'place_fr', 'place_de', 'nis', 'source'];
const ALIAS_HEADER = ['alias', 'nis', 'kind', 'municipality'];
const CHECK_HEADER = ['nis', 'region', 'source_lat', 'source_lon', 'address_count', 'ref_km', 'status'];

// municipalities.csv
const municipalities = readTable('municipalities.csv', MUN_HEADER);
const byNis = new Map();
const perRegion = { VLG: 0, BRU: 0, WAL: 0 };
let withCentre = 0;
let previous = '';
for (const { line, f } of municipalities) {
  const [nis, region, province, nl, fr, de, lat, lon] = f;
  const at = `municipalities.csv:${line}`;
  if (!/^\d{5}$/.test(nis)) fail(`${at}: nis "${nis}" is not 5 digits`);
  if (byNis.has(nis)) fail(`${at}: nis ${nis} occurs twice`);
  if (nis <= previous) fail(`${at}: rows are not sorted by nis`);
  previous = nis;
  if (!(region in REGIONS)) fail(`${at}: unknown region "${region}"`);
  const expected = provinceOf(nis);
  if (expected === undefined) fail(`${at}: nis ${nis} is in no province range`);
  if (province !== expected) fail(`${at}: province "${province}", but nis ${nis} says ${expected}`);
  if (regionOfProvince(province) !== region) fail(`${at}: region ${region} does not fit province ${province}`);
  if (!nl && !fr && !de) fail(`${at}: no name`);
  if ((lat === '') !== (lon === '')) fail(`${at}: lat and lon must be both given or both empty`);
  if (lat !== '') {
    if (!COORD.test(lat) || !COORD.test(lon)) fail(`${at}: lat/lon "${lat}", "${lon}" are not decimals with 5 places`);
    if (!inBox(+lat, +lon)) fail(`${at}: ${lat}, ${lon} lies outside Belgium`);
    withCentre++;
  }
  perRegion[region]++;
  byNis.set(nis, { nis, region, name: nl || fr || de, names: [nl, fr, de].filter(Boolean), lat, lon, postcodes: 0 });
}
if (municipalities.length !== TOTAL) fail(`municipalities.csv: ${municipalities.length} rows, expected ${TOTAL}`);
for (const [region, count] of Object.entries(REGIONS)) {
  if (perRegion[region] !== count) fail(`municipalities.csv: ${perRegion[region]} rows in ${region}, expected ${count}`);
}

// postal_places.csv
const places = readTable('postal_places.csv', PP_HEADER);
const seen = new Set();
const postcodes = new Set();
let prevPostcode = '';
for (const { line, f } of places) {
  const [postcode, nl, fr, de, nis, src] = f;
  const at = `postal_places.csv:${line}`;
  if (!/^\d{4}$/.test(postcode) || postcode < '1000') fail(`${at}: postcode "${postcode}" is not 4 digits from 1000`);
  if (postcode < prevPostcode) fail(`${at}: rows are not sorted by postcode`);
  prevPostcode = postcode;
  if (!nl && !fr && !de) fail(`${at}: no place name`);
  const m = byNis.get(nis);
  if (m === undefined) fail(`${at}: nis "${nis}" is not a municipality`);
  if (src !== 'best' && src !== 'supplement') fail(`${at}: source "${src}" is neither best nor supplement`);
  const id = f.slice(0, 5).join(',');
  if (seen.has(id)) fail(`${at}: duplicate row`);
  seen.add(id);
  postcodes.add(postcode);
  m.postcodes++;
}
for (const m of byNis.values()) if (m.postcodes === 0) fail(`postal_places.csv: municipality ${m.nis} ${m.name} has no postal place`);

// aliases.csv
const aliases = readTable('aliases.csv', ALIAS_HEADER);
const aliasSeen = new Set();
for (const { line, f } of aliases) {
  const [alias, nis, kind, name] = f;
  const at = `aliases.csv:${line}`;
  if (!/^[a-z0-9]+$/.test(alias)) fail(`${at}: alias "${alias}" is not a normalised key (a-z, 0-9)`);
  if (aliasSeen.has(alias)) fail(`${at}: alias "${alias}" occurs twice`);
  aliasSeen.add(alias);
  const m = byNis.get(nis);
  if (m === undefined) fail(`${at}: nis "${nis}" is not a municipality`);
  if (kind !== 'exonym_en' && kind !== 'alternate') fail(`${at}: unknown kind "${kind}"`);
  if (!m.names.includes(name)) fail(`${at}: municipality "${name}" is none of the names of ${nis} (${m.names.join(', ')})`);
}

// center_checks.csv
const checks = readTable('center_checks.csv', CHECK_HEADER);
if (checks.length !== TOTAL) fail(`center_checks.csv: ${checks.length} rows, expected ${TOTAL}`);
const checked = new Set();
for (const { line, f } of checks) {
  const [nis, region, lat, lon, count, refKm, status] = f;
  const at = `center_checks.csv:${line}`;
  const m = byNis.get(nis);
  if (m === undefined) fail(`${at}: nis "${nis}" is not a municipality`);
  if (checked.has(nis)) fail(`${at}: nis ${nis} occurs twice`);
  checked.add(nis);
  if (region !== m.region) fail(`${at}: region ${region}, but municipalities.csv says ${m.region}`);
  if (!COORD.test(lat) || !COORD.test(lon)) fail(`${at}: source_lat/source_lon are not decimals with 5 places`);
  if (!/^\d+$/.test(count)) fail(`${at}: address_count "${count}" is not a whole number`);
  if (refKm !== '' && !/^\d+(\.\d+)?$/.test(refKm)) fail(`${at}: ref_km "${refKm}" is not a distance`);
  if (status === 'kept') {
    if (m.lat !== lat || m.lon !== lon) fail(`${at}: kept, but municipalities.csv has ${m.lat}, ${m.lon}`);
  } else if (status === 'withheld') {
    if (m.lat !== '') fail(`${at}: withheld, but municipalities.csv has a centre`);
  } else fail(`${at}: status "${status}" is neither kept nor withheld`);
}

// --- write --------------------------------------------------------------------------------------------------
const outputs = [
  ['municipalities.csv', toCsv(MUN_HEADER, municipalities.map((r) => r.f))],
  ['postal_places.csv', toCsv(PP_HEADER, places.map((r) => r.f))],
  ['aliases.csv', toCsv(ALIAS_HEADER, aliases.map((r) => r.f))],
  ['center_checks.csv', toCsv(CHECK_HEADER, checks.map((r) => r.f))],
];
mkdirSync(out, { recursive: true });
const sums = [];
for (const [name, text] of outputs) {
  writeFileSync(join(out, name), text);
  sums.push(`${createHash('sha256').update(text, 'utf8').digest('hex')}  ${name}`);
}
writeFileSync(join(out, 'SHA256SUMS'), sums.join('\n') + '\n');

console.log(`source: ${source}`);
console.log(`out:    ${out}`);
console.log(`municipalities: ${municipalities.length} (VLG ${perRegion.VLG}, BRU ${perRegion.BRU}, WAL ${perRegion.WAL}), ${withCentre} with a centre`);
console.log(`postal places:  ${places.length} rows, ${postcodes.size} postcodes`);
console.log(`aliases:        ${aliases.length}`);
console.log(`centre checks:  ${checks.length}`);
