import { afterEach, describe, expect, it } from 'vitest';
import { HttpClient } from '../../../app/net/http-client';
import { tempCore } from '../../helpers/workspace';

describe('credentials never travel over plain http to another computer', () => {
  const cores: ReturnType<typeof tempCore>[] = [];
  afterEach(() => cores.splice(0).forEach((c) => c.dispose()));

  it('refuses a Keap base URL of http://api.infusionsoft.com/crm before sending anything', async () => {
    const core = tempCore();
    cores.push(core);
    const answer = await core.invoke('connections/add', {
      kind: 'keap',
      baseUrl: 'http://api.infusionsoft.com/crm',
      apiKey: 'KeapAK-0123456789abcdef',
    });
    expect(answer).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect(JSON.stringify(answer)).toContain('Refusing plain http:// for api.infusionsoft.com');
    const saved = core.context.workspace.db.prepare('SELECT count(*) FROM connections').pluck().get();
    expect(saved).toBe(0);
  });

  it('holds in the HTTP layer itself, for every connector', () => {
    for (const url of ['http://crm.example.com/api', 'http://10.0.0.5:8080', 'ftp://crm.example.com']) {
      expect(() => new HttpClient({ baseURL: url })).toThrow(/https:\/\//);
    }
    for (const url of ['https://crm.example.com', 'http://127.0.0.1:9000', 'http://localhost:1/crm']) {
      expect(() => new HttpClient({ baseURL: url })).not.toThrow();
    }
  });
});
