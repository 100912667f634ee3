import { useRef, useState } from 'react';
import { plural } from '../../lib/format';
import type { CsvAnalysis as Analysis, UploadRef } from '../../../../app/api/contract';
import { useApi, useEvent } from '../../lib/api-context';
import { ErrorBanner, Loading, ProgressBar } from '../../components/states';
import { LANE_LABELS, percent } from './labels';
import './csv-analysis.css';

type Pair = Analysis['preview'][number];
type ShownError = { code: string; message: string };

/** A download of bytes the core returned: the renderer never writes or names a file on disk. */
function download(name: string, text: string) {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/csv' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

const asShown = (e: unknown): ShownError => {
  const err = e as { code?: string; message?: string };
  return { code: err.code ?? 'INTERNAL', message: err.message ?? String(e) };
};

/**
 * CSV analysis: hand over a file (upload in the browser, the system dialog in the desktop app), see how it was read
 * and which columns were used, map the unknown ones, go through the pairs side by side, download pairs and clusters.
 */
export function CsvAnalysis() {
  const api = useApi();
  const [file, setFile] = useState<UploadRef | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [result, setResult] = useState<Analysis | null>(null);
  const [error, setError] = useState<ShownError | null>(null);
  const [mapping, setMapping] = useState<Record<string, string>>({});
  const [open, setOpen] = useState<Pair | null>(null);
  // This screen's analysis names its progress events, so another window's analysis does not move this bar.
  const progressKey = useRef<string | null>(null);
  const [progress, setProgress] = useState<{ label: string; done: number; total: number | null } | null>(
    null,
  );
  useEvent('detect/progress', (p) => {
    if (p.kind !== 'csv' || p.jobId !== progressKey.current) return;
    setProgress({ label: p.message ?? p.phase, done: p.done, total: p.total });
  });

  const analyse = async (ref: UploadRef, map: Record<string, string>) => {
    setBusy(`Analysing ${ref.name}…`);
    setError(null);
    setOpen(null);
    setProgress(null);
    const key = `csv-${crypto.randomUUID()}`;
    progressKey.current = key;
    try {
      setResult(await api.call('detect/csv/analyse', { upload: ref.upload, map, progressKey: key }));
    } catch (e) {
      setResult(null);
      setError(asShown(e));
    } finally {
      progressKey.current = null;
      setProgress(null);
      setBusy(null);
    }
  };

  const handOver = async (get: () => Promise<UploadRef | null>) => {
    setBusy('Reading the file…');
    setError(null);
    try {
      const ref = await get();
      setBusy(null);
      if (!ref) return;
      setFile(ref);
      setMapping({});
      await analyse(ref, {});
    } catch (e) {
      setBusy(null);
      setError(asShown(e));
    }
  };

  return (
    <div className="csv-analysis">
      <section className="panel" aria-label="File to analyse">
        {api.canUpload ? (
          <label className="file-pick">
            CSV file
            <input
              type="file"
              accept=".csv,.tsv,.txt,text/csv"
              onChange={(e) => {
                const f = e.target.files?.[0];
                if (f) void handOver(() => api.upload(f, f.name));
              }}
            />
          </label>
        ) : (
          <button
            type="button"
            className="primary"
            onClick={() => void handOver(async () => (await api.call('detect/csv/pick', {})).picked)}
          >
            Choose a CSV file…
          </button>
        )}
        {file && (
          <p className="muted">
            {file.name} · {(file.size / 1024).toLocaleString(undefined, { maximumFractionDigits: 1 })} KB
          </p>
        )}
      </section>
      {busy &&
        (progress ? (
          <ProgressBar
            done={progress.done}
            total={progress.total}
            label={`${busy} ${progress.label}${progress.total ? ` — ${percent(Math.min(1, progress.done / progress.total))}` : ''}`}
          />
        ) : (
          <Loading label={busy} />
        ))}
      {error && <ErrorBanner error={error} />}
      {result && file && (
        <>
          <Summary result={result} />
          <Columns
            result={result}
            mapping={mapping}
            onChange={setMapping}
            onApply={() => void analyse(file, mapping)}
          />
          <div className="toolbar">
            <button type="button" onClick={() => download('pairs.csv', result.pairsCsv)}>
              Download pairs.csv
            </button>
            <button type="button" onClick={() => download('clusters.csv', result.clustersCsv)}>
              Download clusters.csv
            </button>
          </div>
          <div className="csv-pairs">
            <PairList pairs={result.preview} open={open} onOpen={setOpen} />
            {open && <PairSideBySide pair={open} onClose={() => setOpen(null)} />}
          </div>
        </>
      )}
    </div>
  );
}

function Summary({ result }: { result: Analysis }) {
  return (
    <section className="panel" aria-label="How the file was read">
      <p>
        {plural(result.records, 'record')} · {plural(result.comparisons, 'comparison')} ·{' '}
        {plural(result.pairs, 'pair')} in {plural(result.groups, 'group')} (safe {result.lanes.safe}, needs a
        choice {result.lanes.needs_choice}, maybe two people {result.lanes.maybe_two_people})
      </p>
      <p className="muted">
        Read as {result.delimiterLabel}-separated, {result.encodingLabel}.
      </p>
      {result.warnings.map((w) => (
        <p key={w} className="warning">
          {w}
        </p>
      ))}
    </section>
  );
}

function Columns(props: {
  result: Analysis;
  mapping: Record<string, string>;
  onChange: (m: Record<string, string>) => void;
  onApply: () => void;
}) {
  const { result, mapping } = props;
  const label = new Map(result.fields.map((f) => [f.field, f.label]));
  const used = new Map<string, string>();
  for (const [field, columns] of Object.entries(result.recognised))
    for (const c of columns) used.set(c, label.get(field) ?? field);
  const fieldOf = (column: string) => Object.entries(mapping).find(([, c]) => c === column)?.[0] ?? '';
  const assign = (column: string, field: string) => {
    const next = Object.fromEntries(Object.entries(mapping).filter(([f, c]) => c !== column && f !== field));
    props.onChange(field ? { ...next, [field]: column } : next);
  };
  return (
    <section className="panel" aria-label="Columns">
      <h2>Columns</h2>
      <table className="table csv-columns">
        <thead>
          <tr>
            <th scope="col">Column in the file</th>
            <th scope="col">Read as</th>
          </tr>
        </thead>
        <tbody>
          {result.header.map((column) => (
            <tr key={column}>
              <td>{column}</td>
              <td>
                {used.has(column) && !result.ignored.includes(column) ? (
                  used.get(column)
                ) : (
                  <select
                    aria-label={`Use column “${column}” as`}
                    value={fieldOf(column)}
                    onChange={(e) => assign(column, e.target.value)}
                  >
                    <option value="">Not used</option>
                    {result.fields.map((f) => (
                      <option key={f.field} value={f.field}>
                        {f.label}
                      </option>
                    ))}
                  </select>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {result.ignored.length > 0 && (
        <p className="muted">
          {plural(result.ignored.length, 'column is', 'columns are')} not used. Choose what each holds, then
          analyse again.
        </p>
      )}
      <button type="button" disabled={Object.keys(mapping).length === 0} onClick={props.onApply}>
        Analyse again with these columns
      </button>
    </section>
  );
}

const pairName = (p: Pair) => `${p.a.name || p.a.id} and ${p.b.name || p.b.id}`;

function PairList(props: { pairs: readonly Pair[]; open: Pair | null; onOpen: (p: Pair) => void }) {
  if (props.pairs.length === 0) return <p>No likely duplicates in this file.</p>;
  return (
    <table className="table csv-results">
      <caption>Best {plural(props.pairs.length, 'pair')}</caption>
      <thead>
        <tr>
          <th scope="col">Pair</th>
          <th scope="col">Score</th>
          <th scope="col">Lane</th>
          <th scope="col">Group</th>
        </tr>
      </thead>
      <tbody>
        {props.pairs.map((p) => (
          <tr key={`${p.idA}-${p.idB}`} aria-selected={props.open === p}>
            <td>
              <button type="button" className="link" onClick={() => props.onOpen(p)}>
                {pairName(p)}
              </button>
            </td>
            <td>{percent(p.score)}</td>
            <td>{LANE_LABELS[p.lane]}</td>
            <td>{p.group}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

const ROWS: readonly { key: keyof Pair['a']; label: string }[] = [
  { key: 'name', label: 'Name' },
  { key: 'email', label: 'Email' },
  { key: 'phone', label: 'Phone' },
  { key: 'address', label: 'Address' },
  { key: 'id', label: 'Record id' },
];

function PairSideBySide(props: { pair: Pair; onClose: () => void }) {
  const { pair } = props;
  return (
    <section className="panel csv-pair" aria-label={`Pair: ${pairName(pair)}`}>
      <h2>
        {pairName(pair)} <span className="muted">· {percent(pair.score)}</span>
      </h2>
      <p className="muted">{LANE_LABELS[pair.lane]}</p>
      <table className="table">
        <thead>
          <tr>
            <th scope="col">Field</th>
            <th scope="col">First record</th>
            <th scope="col">Second record</th>
          </tr>
        </thead>
        <tbody>
          {ROWS.map((r) => (
            <tr key={r.key} className={pair.a[r.key] === pair.b[r.key] ? 'same' : 'differs'}>
              <th scope="row">{r.label}</th>
              <td>{pair.a[r.key] || '—'}</td>
              <td>{pair.b[r.key] || '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <button type="button" onClick={props.onClose} autoFocus>
        Close pair
      </button>
    </section>
  );
}
