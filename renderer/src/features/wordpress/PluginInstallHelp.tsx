import { useState } from 'react';
import { useApi } from '../../lib/api-context';
import type { WordPressPluginInfo } from '../../../../app/api/contract';
import { ErrorBanner } from '../../components/states';

/** How to install the Mergedesk Bridge plugin, with the zip to upload. */
export function PluginInstallHelp(props: { info: WordPressPluginInfo }) {
  const api = useApi();
  const [error, setError] = useState<{ code: string; message: string } | null>(null);
  const [busy, setBusy] = useState(false);

  const download = async () => {
    setBusy(true);
    setError(null);
    try {
      const zip = await api.call('wordpress/pluginZip', {});
      const bytes = Uint8Array.from(atob(zip.base64), (c) => c.charCodeAt(0));
      const url = URL.createObjectURL(new Blob([bytes], { type: 'application/zip' }));
      const a = document.createElement('a');
      a.href = url;
      a.download = zip.fileName;
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch (e) {
      setError(e as { code: string; message: string });
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="wp-install" aria-label="Install the Mergedesk Bridge plugin" role="region">
      <h3>Install the Mergedesk Bridge plugin (v{props.info.version})</h3>
      <ol>
        {props.info.installSteps.map((step) => (
          <li key={step}>{step}</li>
        ))}
      </ol>
      <p>
        <button type="button" onClick={() => void download()} disabled={busy}>
          {busy ? 'Preparing…' : `Download ${props.info.fileName}`}
        </button>{' '}
        <span className="muted">{Math.round(props.info.sizeBytes / 1024)} KB</span>
      </p>
      {error && <ErrorBanner error={error} />}
    </div>
  );
}
