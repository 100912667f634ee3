import { CsvAnalysis } from '../features/detect/CsvAnalysis';

/** Duplicates in a CSV export, found offline without touching the cache or any CRM. */
export function CsvScreen() {
  return (
    <section className="csv-screen">
      <h1>CSV analysis</h1>
      <p className="muted">
        Find duplicates in a CRM export (Keap, ActiveCampaign or any CSV with a header row). The file is read
        here, on this computer; nothing is sent to a CRM.
      </p>
      <CsvAnalysis />
    </section>
  );
}
