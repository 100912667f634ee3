import { AppError } from '../domain/errors';
import type { Connector, CrmConnector, SiteConnector } from '../ports/connector';

/**
 * The connectors one core was built with. Generic code asks it by connection kind; it never imports a
 * connector. Built once per core from the host's list, so nothing registers itself by being imported.
 */
export class ConnectorRegistry {
  private readonly byKind = new Map<string, Connector>();

  constructor(connectors: readonly Connector[]) {
    for (const c of connectors) {
      if (this.byKind.has(c.kind)) throw new Error(`Two connectors claim the kind "${c.kind}".`);
      this.byKind.set(c.kind, c);
    }
  }

  /** Every CRM connector, in the order the host listed them. */
  crms(): readonly CrmConnector[] {
    return [...this.byKind.values()].filter((c): c is CrmConnector => c.role === 'crm');
  }

  find(kind: string): Connector | null {
    return this.byKind.get(kind) ?? null;
  }

  isCrm(kind: string): boolean {
    return this.byKind.get(kind)?.role === 'crm';
  }

  crm(kind: string): CrmConnector {
    const c = this.byKind.get(kind);
    if (!c || c.role !== 'crm') {
      throw new AppError('UNSUPPORTED', `No CRM connector for "${kind}" connections is part of this build.`, {
        kind,
      });
    }
    return c;
  }

  site(kind: string): SiteConnector {
    const c = this.byKind.get(kind);
    if (!c || c.role !== 'site') {
      throw new AppError(
        'UNSUPPORTED',
        `No site connector for "${kind}" connections is part of this build.`,
        {
          kind,
        },
      );
    }
    return c;
  }
}
