import { useQuery } from '../lib/api-context';
import { ErrorBanner, Loading } from '../components/states';
import { DetectionSettings } from '../features/detect/DetectionSettings';

export function SettingsScreen() {
  const info = useQuery('app/info', {});
  return (
    <section>
      <h1>Settings</h1>
      {info.loading && !info.data && <Loading />}
      {info.error && <ErrorBanner error={info.error} onRetry={info.reload} />}
      {info.data && (
        <dl className="facts">
          <dt>Workspace</dt>
          <dd>{info.data.workspaceDir}</dd>
          <dt>Credential storage</dt>
          <dd>
            {info.data.secretStorage.backend}
            {info.data.secretStorage.warning && <p className="warning">{info.data.secretStorage.warning}</p>}
          </dd>
          <dt>Cache schema</dt>
          <dd>v{info.data.schemaVersion}</dd>
        </dl>
      )}
      <DetectionSettings />
    </section>
  );
}
