import { describe, expect, it } from 'vitest';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { BUILT_IN_CONNECTORS } from '../../app/connectors/built-in';
import { ROOT, readFacts, sourceFiles, type SourceFacts } from './architecture-source';

/**
 * Generic code knows connectors only through the registry the core was built with: it imports no concrete
 * connector (nor its sandbox, nor the built-in list) and compares no value with a connector kind. Concrete code
 * lives in `app/connectors/<kind>/` and `app/sandbox/<kind>/`; `app/connectors/built-in.ts` is the composition
 * root. Hosts (`main/`) pass the built-in list to `createCore` and are composition roots too.
 */
const KINDS = BUILT_IN_CONNECTORS.map((c) => c.kind);
const folders = (dir: string) =>
  readdirSync(join(ROOT, dir), { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name);
const CONNECTOR_FOLDERS = folders('app/connectors').map((k) => `app/connectors/${k}`);
const SANDBOX_FOLDERS = folders('app/sandbox').map((k) => `app/sandbox/${k}`);
const CONCRETE = [...CONNECTOR_FOLDERS, ...SANDBOX_FOLDERS];
const COMPOSITION_ROOT = 'app/connectors/built-in';

/**
 * Where generic code still knows a concrete connector, and why. The WordPress site is the product's one site
 * connector: the `wordpress/*` methods are its feature and are not behind the seam, so they and the merge's cache
 * reader (which site is paired with a CRM) import it. The embedded sandboxes compose concrete sandboxes by design
 * (the first-start Keap and WordPress pair, and the ActiveCampaign pair the Connections screen offers).
 */
const KNOWN_CONCRETE_IMPORTS: Readonly<Record<string, readonly string[]>> = {
  'app/api/handlers/wordpress.ts': ['app/connectors/wordpress'],
  'app/merge/cache-reader.ts': ['app/connectors/wordpress'],
  'app/sandbox/embedded.ts': ['app/connectors/wordpress', 'app/sandbox/keap', 'app/sandbox/wordpress'],
  'app/sandbox/embedded-activecampaign.ts': ['app/connectors/wordpress', 'app/sandbox/activecampaign'],
  'app/sandbox/crm-then-site-sync.ts': ['app/connectors/wordpress'],
};

/**
 * Kind literals still in generic code: the first schema's CHECK (applied migrations are history), the embedded
 * sandboxes (the first-start Keap and WordPress pair, and the ActiveCampaign sandbox's own connection; which
 * sandboxes the Connections screen can add comes from the descriptors), and the detection store's CRM-connection
 * query, which is being moved to the registry.
 */
const KIND_LITERALS_LEFT: Readonly<Record<string, readonly string[]>> = {
  'app/store/migrations/001-initial.ts': ['keap', 'activecampaign', 'wordpress'],
  'app/sandbox/embedded.ts': ['keap', 'wordpress'],
  'app/sandbox/embedded-activecampaign.ts': ['activecampaign'],
  'app/detect/store.ts': ['keap', 'activecampaign'],
};

const isConcrete = (path: string) => CONCRETE.some((f) => path === f || path.startsWith(`${f}/`));
const genericFiles = (): SourceFacts[] =>
  sourceFiles('app')
    .filter((f) => !isConcrete(f) && `${f.replace(/\.ts$/, '')}` !== COMPOSITION_ROOT)
    .map(readFacts);

/** The kinds a string names: as the whole string, or quoted inside it (SQL). */
function kindsIn(text: string): string[] {
  return KINDS.filter((k) => text === k || text.includes(`'${k}'`) || text.includes(`"${k}"`));
}

function concreteImports(facts: SourceFacts): string[] {
  return facts.imports
    .map((i) => i.target)
    .filter((t) => isConcrete(t) || t === COMPOSITION_ROOT)
    .map((t) => CONCRETE.find((f) => t === f || t.startsWith(`${f}/`)) ?? t);
}

describe('generic code and the connector seam', () => {
  const generic = genericFiles();

  it('imports no concrete connector, sandbox or the built-in list', () => {
    const stray = generic.flatMap((facts) =>
      concreteImports(facts)
        .filter((target) => !(KNOWN_CONCRETE_IMPORTS[facts.path] ?? []).includes(target))
        .map((target) => `${facts.path} imports ${target}`),
    );
    expect(stray).toEqual([]);
  });

  it('compares nothing with a connector kind', () => {
    const stray = generic.flatMap((facts) =>
      facts.strings.flatMap((s) =>
        kindsIn(s.text)
          .filter((k) => !(KIND_LITERALS_LEFT[facts.path] ?? []).includes(k))
          .map((k) => `${facts.path}:${s.line} names the kind "${k}"`),
      ),
    );
    expect(stray).toEqual([]);
  });

  it("keeps the renderer to what connections/kinds and a connection's role say", () => {
    const stray = sourceFiles('renderer/src').flatMap((path) =>
      readFacts(path).strings.flatMap((s) =>
        kindsIn(s.text).map((k) => `${path}:${s.line} names the kind "${k}"`),
      ),
    );
    expect(stray).toEqual([]);
  });

  it('has a descriptor for every connector folder, so the registry knows every kind', () => {
    expect(CONNECTOR_FOLDERS.map((f) => f.slice('app/connectors/'.length)).sort()).toEqual([...KINDS].sort());
  });

  it('notices a kind literal and a concrete import when they are there (the scanner itself works)', () => {
    expect(kindsIn(`SELECT id FROM connections WHERE kind = '${KINDS[0]}'`)).toEqual([KINDS[0]]);
    expect(kindsIn(KINDS[0]!)).toEqual([KINDS[0]]);
    expect(kindsIn(`${KINDS[0]} sandbox`)).toEqual([]);
    expect(concreteImports(readFacts('app/connectors/built-in.ts'))).toEqual(
      expect.arrayContaining(CONNECTOR_FOLDERS),
    );
  });
});
