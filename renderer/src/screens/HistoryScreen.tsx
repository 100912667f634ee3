import { EmptyState } from '../components/states';

export function HistoryScreen(_props: { param: string | null }) {
  return (
    <section>
      <h1>History</h1>
      <EmptyState title="No merges yet">
        Every merge you run is journaled here, step by step, with a before-snapshot you can restore from.
      </EmptyState>
    </section>
  );
}
