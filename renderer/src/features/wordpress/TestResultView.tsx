import type { WordPressTestResult } from '../../../../app/api/contract';
import { plural } from '../../lib/format';
import { PluginInstallHelp } from './PluginInstallHelp';

export function TestResultView(props: { result: WordPressTestResult }) {
  const r = props.result;
  return (
    <div className="wp-test" role="status" aria-label="Connection test result">
      <dl className="facts">
        <dt>Login</dt>
        <dd className={r.authOk ? 'ok' : 'bad'}>
          {r.authOk
            ? r.userCount === null || r.userCount === undefined
              ? 'Accepted'
              : `Accepted (${plural(r.userCount, 'user')} on the site)`
            : 'Refused'}
        </dd>
        <dt>Mergedesk Bridge</dt>
        <dd className={r.pluginInstalled ? 'ok' : 'bad'}>
          {r.site
            ? `Active, version ${r.site.pluginVersion ?? '?'}`
            : r.authOk
              ? 'Not installed'
              : 'Not checked'}
        </dd>
        {r.site && (
          <>
            <dt>AccessAlly</dt>
            <dd>
              {r.site.accessAlly.active
                ? `Active${r.site.accessAlly.version ? `, ${r.site.accessAlly.version}` : ''}`
                : 'Not active'}
            </dd>
            <dt>Contact link read from</dt>
            <dd>
              {r.site.linkSource === 'accessally'
                ? 'AccessAlly'
                : r.site.linkSource.replace(/^usermeta:/, 'user meta ')}
            </dd>
            <dt>AccessAlly orders</dt>
            <dd>
              {r.site.ordersAdapter && r.site.ordersAdapter !== 'none'
                ? r.site.ordersAdapter
                : 'No orders adapter'}
            </dd>
          </>
        )}
      </dl>
      {r.problem && <p className="warning">{r.problem.message}</p>}
      {r.install && <PluginInstallHelp info={r.install} />}
    </div>
  );
}
