import { createContext, useCallback, useContext, useEffect, useLayoutEffect, useRef, useState } from 'react';
import type { ApiClient } from '../../../app/api/client';
import type { EventMap, EventName, Input, MethodName, Output } from '../../../app/api/contract';

const ApiContext = createContext<ApiClient | null>(null);
export const ApiProvider = ApiContext.Provider;

export function useApi(): ApiClient {
  const api = useContext(ApiContext);
  if (!api) throw new Error('useApi outside ApiProvider');
  return api;
}

export interface QueryError {
  readonly code: string;
  readonly message: string;
}

export interface QueryState<T> {
  readonly data: T | undefined;
  readonly error: QueryError | undefined;
  readonly loading: boolean;
  reload(): void;
}

/**
 * Calls a contract method and tracks loading/error; re-runs when the serialised input changes or on reload().
 * The last good data stays visible while a reload is in flight, so lists do not flash empty.
 */
export function useQuery<K extends MethodName>(method: K, input: Input<K>): QueryState<Output<K>> {
  const api = useApi();
  const [tick, setTick] = useState(0);
  const key = `${method} ${JSON.stringify(input)} ${tick}`;
  const [state, setState] = useState<{ key: string; data?: Output<K>; error?: QueryError }>({ key: '' });
  useEffect(() => {
    let live = true;
    const [, json] = [key, JSON.stringify(input)];
    api.call(method, JSON.parse(json) as Input<K>).then(
      (data) => live && setState({ key, data }),
      (error: { code?: string; message?: string }) =>
        live &&
        setState((s) => ({
          key,
          data: s.data,
          error: { code: error.code ?? 'INTERNAL', message: error.message ?? String(error) },
        })),
    );
    return () => {
      live = false;
    };
    // The key captures method, input and tick.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [api, key]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { data: state.data, error: state.error, loading: state.key !== key, reload };
}

export function useEvent<E extends EventName>(name: E, listener: (payload: EventMap[E]) => void): void {
  const api = useApi();
  const ref = useRef(listener);
  useLayoutEffect(() => {
    ref.current = listener;
  });
  useEffect(() => api.on(name, (p) => ref.current(p)), [api, name]);
}
