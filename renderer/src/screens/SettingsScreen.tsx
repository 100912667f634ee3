import type { ComponentType } from 'react';
import { useQuery } from '../lib/api-context';
import { ErrorBanner, Loading } from '../components/states';
import { PanelSection, SettingsSection } from '../components/SettingsSection';
import { UnsavedChangesDialog } from '../components/UnsavedChangesDialog';
// Detection settings panels: import here.
import { DetectionSettings } from '../features/detect/DetectionSettings';

// Merge & access settings panels: import here.
import { MergeSettings } from '../features/merge-review/MergeSettings';

/** Feature settings mount points: add one line per panel (the component) to its section's list. */
const DETECTION_PANELS: readonly ComponentType[] = [
  // Detection panels, one per line.
  DetectionSettings,
];

const MERGE_ACCESS_PANELS: readonly ComponentType[] = [
  // Merge & access panels, one per line.
  MergeSettings,
];

const HOST_LABEL = {
  electron: 'Desktop app',
  web: 'Browser host (this computer only)',
  cli: 'Command line',
} as const;

export function SettingsScreen() {
  const info = useQuery('app/info', {});
  return (
    <section className="screen">
      <header className="page-header">
        <h1>Settings</h1>
        <p className="muted">
          About this copy of Mergedesk, where its data lives and how credentials are protected.
        </p>
      </header>
      {info.loading && !info.data && <Loading />}
      {info.error && <ErrorBanner error={info.error} onRetry={info.reload} />}
      {info.data && (
        <div className="settings-grid">
          <SettingsSection id="about" title="About">
            <dl className="facts">
              <dt>Version</dt>
              <dd>
                {info.data.name} {info.data.version}
              </dd>
              <dt>Running as</dt>
              <dd>{HOST_LABEL[info.data.host]}</dd>
              <dt>Platform</dt>
              <dd>{info.data.platform}</dd>
            </dl>
          </SettingsSection>
          <SettingsSection
            id="workspace"
            title="Workspace"
            description="The local cache of your CRM and WordPress data. Start Mergedesk with --workspace DIR (or MERGEDESK_HOME) to use another one."
          >
            <dl className="facts">
              <dt>Folder</dt>
              <dd>
                <code className="path">{info.data.workspaceDir}</code>
              </dd>
              <dt>Cache schema</dt>
              <dd>version {info.data.schemaVersion}</dd>
            </dl>
          </SettingsSection>
          <SettingsSection id="credentials" title="Credential storage">
            <dl className="facts">
              <dt>Stored with</dt>
              <dd>{info.data.secretStorage.backend}</dd>
              <dt>Protected by the OS</dt>
              <dd>
                {info.data.secretStorage.osProtected ? (
                  <span className="badge badge-ok">Yes</span>
                ) : (
                  <span className="badge badge-warn">No</span>
                )}
              </dd>
            </dl>
            {info.data.secretStorage.warning && (
              <p className="callout callout-warn" role="note">
                {info.data.secretStorage.warning}
              </p>
            )}
          </SettingsSection>
          <PanelSection id="detection" title="Detection" panels={DETECTION_PANELS} />
          <PanelSection id="merge-access" title="Merge & access" panels={MERGE_ACCESS_PANELS} />
        </div>
      )}
      <UnsavedChangesDialog />
    </section>
  );
}
