/**
 * Synthetic table-export records: one DynamoDB-JSON line per item, as an
 * S3 export (`{"Item":{...}}`) writes them. Fields vary in presence, length
 * and type (strings, numbers, maps, lists, sets, booleans), with enough
 * repetition (names, cities, SKUs) and enough entropy (ids, tokens,
 * timestamps) to compress like real exports rather than like a template.
 * Every line is ASCII, so its string length is its byte length.
 */
import type { Prng } from './prng.js';

const FIRST = ['Ada', 'Alan', 'Barbara', 'Claude', 'Dennis', 'Edsger', 'Frances', 'Grace', 'Hedy', 'Ivan', 'John', 'Katherine', 'Linus', 'Margaret', 'Niklaus', 'Radia', 'Shafi', 'Tim', 'Whitfield', 'Yukihiro'] as const;
const LAST = ['Lovelace', 'Turing', 'Liskov', 'Shannon', 'Ritchie', 'Dijkstra', 'Allen', 'Hopper', 'Lamarr', 'Sutherland', 'McCarthy', 'Johnson', 'Torvalds', 'Hamilton', 'Wirth', 'Perlman', 'Goldwasser', 'Berners-Lee', 'Diffie', 'Matsumoto'] as const;
const DOMAINS = ['example.com', 'mail.example.org', 'corp.example.net', 'shop.example.io'] as const;
const CITIES = [
  ['Seattle', 'WA', '98'],
  ['Portland', 'OR', '97'],
  ['Austin', 'TX', '78'],
  ['Denver', 'CO', '80'],
  ['Boston', 'MA', '02'],
  ['Chicago', 'IL', '60'],
  ['Atlanta', 'GA', '30'],
  ['Phoenix', 'AZ', '85'],
] as const;
const STREETS = ['Main St', 'Oak Ave', 'Pine Rd', 'Maple Dr', 'Cedar Ln', 'Elm St', 'Lake View Blvd', 'Harbor Way'] as const;
const STATUS = ['PENDING', 'PAID', 'SHIPPED', 'DELIVERED', 'CANCELLED', 'REFUNDED'] as const;
const CURRENCIES = ['USD', 'EUR', 'GBP', 'JPY', 'CAD'] as const;
const PRODUCTS = ['Widget', 'Gadget', 'Sprocket', 'Gizmo', 'Doohickey', 'Thingamajig', 'Flux Capacitor', 'Rotary Encoder', 'USB Cable', 'Desk Lamp'] as const;
const ADJECTIVES = ['Blue', 'Large', 'Compact', 'Premium', 'Refurbished', 'Wireless', 'Steel', 'Eco'] as const;
const TAGS = ['vip', 'newsletter', 'wholesale', 'returning', 'gift', 'priority', 'b2b', 'promo-2024', 'beta'] as const;
const WORDS = ['please', 'leave', 'at', 'door', 'call', 'before', 'delivery', 'fragile', 'gift', 'wrap', 'back', 'entrance', 'ring', 'bell', 'twice', 'office', 'hours', 'only'] as const;
const ENTITIES = ['ORDER', 'ORDER', 'ORDER', 'PROFILE', 'INVOICE'] as const;

/** Base instant of generated timestamps (2024-01-01T00:00:00Z). */
const EPOCH = Date.UTC(2024, 0, 1);
const YEAR_MS = 365 * 24 * 3600 * 1000;

const s = (v: string): string => `{"S":${JSON.stringify(v)}}`;
const n = (v: string | number): string => `{"N":"${v}"}`;

/** An ISO 8601 timestamp within a year from `from` (default 2024-01-01), always 24 characters. */
export function timestamp(rng: Prng, from = EPOCH): string {
  return new Date(from + rng.int(YEAR_MS)).toISOString();
}

function money(rng: Prng, max: number): string {
  return (rng.int(max * 100) / 100 + 1).toFixed(2);
}

function items(rng: Prng): string {
  const count = rng.range(1, 6);
  const list: string[] = [];
  for (let i = 0; i < count; i++) {
    list.push(
      `{"M":{"sku":${s(`SKU-${rng.digits(6)}`)},"name":${s(`${rng.pick(ADJECTIVES)} ${rng.pick(PRODUCTS)}`)},"qty":${n(rng.range(1, 12))},"price":${n(money(rng, 500))}}}`,
    );
  }
  return `{"L":[${list.join(',')}]}`;
}

/**
 * One export line (without the newline) for record number `i`.
 * The mutable fields `updated_at`, `version` (1..8) and `total` are what
 * {@link mutateLine} rewrites in place.
 */
export function recordLine(rng: Prng, i: number): string {
  const first = rng.pick(FIRST);
  const last = rng.pick(LAST);
  const [city, state, zip] = rng.pick(CITIES);
  const entity = rng.pick(ENTITIES);
  const createdAt = EPOCH + rng.int(YEAR_MS);
  const created = new Date(createdAt).toISOString();
  const fields: string[] = [
    `"pk":${s(`CUSTOMER#${String(i).padStart(10, '0')}`)}`,
    `"sk":${s(`${entity}#${created.slice(0, 10)}#${rng.hex(8)}`)}`,
    `"entity_type":${s(entity)}`,
    `"customer_name":${s(`${first} ${last}`)}`,
    `"email":${s(`${first}.${last}${rng.range(1, 999)}@${rng.pick(DOMAINS)}`.toLowerCase())}`,
    `"address":{"M":{"street":${s(`${rng.range(1, 9999)} ${rng.pick(STREETS)}`)},"city":${s(city)},"state":${s(state)},"zip":${s(`${zip}${rng.digits(3)}`)},"country":${s('US')}}}`,
    `"status":${s(rng.pick(STATUS))}`,
    `"created_at":${s(created)}`,
    `"updated_at":${s(new Date(createdAt + rng.int(YEAR_MS / 4)).toISOString())}`,
    `"version":${n(rng.range(1, 8))}`,
    `"currency":${s(rng.pick(CURRENCIES))}`,
    `"total":${n(money(rng, 5000))}`,
  ];
  if (entity !== 'PROFILE') fields.push(`"items":${items(rng)}`);
  if (rng.chance(0.6)) fields.push(`"phone":${s(`+1-${rng.digits(3)}-${rng.digits(3)}-${rng.digits(4)}`)}`);
  if (rng.chance(0.5)) {
    const tags = new Set<string>();
    const count = rng.range(1, 4);
    for (let t = 0; t < count; t++) tags.add(rng.pick(TAGS));
    fields.push(`"tags":{"SS":[${[...tags].map((t) => JSON.stringify(t)).join(',')}]}`);
  }
  fields.push(`"is_active":{"BOOL":${rng.chance(0.85) ? 'true' : 'false'}}`);
  fields.push(`"loyalty_points":${n(rng.int(100_000))}`);
  if (rng.chance(0.3)) {
    const words: string[] = [];
    const count = rng.range(3, 14);
    for (let w = 0; w < count; w++) words.push(rng.pick(WORDS));
    fields.push(`"delivery_notes":${s(words.join(' '))}`);
  }
  if (rng.chance(0.4)) fields.push(`"session_token":${s(rng.hex(40))}`);
  if (rng.chance(0.2)) fields.push(`"last_login_ip":${s(`10.${rng.int(256)}.${rng.int(256)}.${rng.int(256)}`)}`);
  return `{"Item":{${fields.join(',')}}}`;
}

const UPDATED_AT = /"updated_at":\{"S":"[^"]{24}"\}/;
const VERSION = /"version":\{"N":"([1-9])"\}/;
const TOTAL = /"total":\{"N":"([0-9.]+)"\}/;

/**
 * An edit of one record that keeps its length: a new `updated_at` (in 2025), the
 * next `version` (wrapping 9 to 1), and a new `total` with the same number
 * of digits.
 */
export function mutateLine(line: string, rng: Prng): string {
  return line
    .replace(UPDATED_AT, `"updated_at":{"S":"${timestamp(rng, EPOCH + YEAR_MS)}"}`)
    .replace(VERSION, (_m, v: string) => `"version":{"N":"${v === '9' ? 1 : Number(v) + 1}"}`)
    .replace(TOTAL, (_m, total: string) => {
      const [whole = '1', cents = '00'] = total.split('.');
      const head = String(rng.range(1, 9)) + rng.digits(whole.length - 1);
      return `"total":{"N":"${head}.${rng.digits(cents.length)}"}`;
    });
}
