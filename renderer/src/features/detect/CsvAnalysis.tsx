import { useState } from 'react';
import type { CsvAnalysis as Analysis } from '../../../../app/api/contract';
import { useApi } from '../../lib/api-context';
import { ErrorBanner, Loading } from '../../components/states';
import { LANE_LABELS, percent } from './labels';

function download(name: string, text: string) {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/csv' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** "Analyse a CSV export": pick a file, see the pairs the engine would show, download pairs and clusters. */
export function CsvAnalysis() {
  const api = useApi();
  const [busy, setBusy] = useState(false);
  const [file, setFile] = useState<string | null>(null);
  const [result, setResult] = useState<Analysis | null>(null);
  const [error, setError] = useState<{ code: string; message: string } | null>(null);

  const analyse = async (f: File) => {
    setBusy(true);
    setError(null);
    setResult(null);
    setFile(f.name);
    try {
      setResult(await api.call('detect/csv/analyse', { text: await f.text() }));
    } catch (e) {
      const err = e as { code?: string; message?: string };
      setError({ code: err.code ?? 'INTERNAL', message: err.message ?? String(e) });
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="csv-analysis" aria-label="Analyse a CSV export">
      <label className="file-pick">
        CSV file
        <input
          type="file"
          accept=".csv,text/csv"
          onChange={(e) => {
            const f = e.target.files?.[0];
            if (f) void analyse(f);
          }}
        />
      </label>
      {busy && <Loading label={`Analysing ${file ?? ''}…`} />}
      {error && <ErrorBanner error={error} />}
      {result && (
        <>
          <p>
            {result.records.toLocaleString()} records · {result.comparisons.toLocaleString()} comparisons ·{' '}
            {result.pairs.toLocaleString()} pairs in {result.groups.toLocaleString()} groups (safe{' '}
            {result.lanes.safe}, needs a choice {result.lanes.needs_choice}, maybe two people{' '}
            {result.lanes.maybe_two_people})
          </p>
          <p className="muted">
            Columns used:{' '}
            {Object.entries(result.recognised)
              .map(([f, cols]) => `${f} ← ${cols.join(', ')}`)
              .join('; ')}
            {result.ignored.length > 0 && ` · ignored: ${result.ignored.join(', ')}`}
          </p>
          <div className="toolbar">
            <button type="button" onClick={() => download('pairs.csv', result.pairsCsv)}>
              Download pairs.csv
            </button>
            <button type="button" onClick={() => download('clusters.csv', result.clustersCsv)}>
              Download clusters.csv
            </button>
          </div>
          {result.preview.length === 0 ? (
            <p>No likely duplicates in this file.</p>
          ) : (
            <table className="csv-results">
              <caption>Best {result.preview.length} pairs</caption>
              <thead>
                <tr>
                  <th scope="col">Record A</th>
                  <th scope="col">Record B</th>
                  <th scope="col">Score</th>
                  <th scope="col">Lane</th>
                  <th scope="col">Group</th>
                </tr>
              </thead>
              <tbody>
                {result.preview.map((r) => (
                  <tr key={`${r.idA}-${r.idB}`}>
                    <td>{r.idA}</td>
                    <td>{r.idB}</td>
                    <td>{percent(r.score)}</td>
                    <td>{LANE_LABELS[r.lane]}</td>
                    <td>{r.group}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      )}
    </section>
  );
}
