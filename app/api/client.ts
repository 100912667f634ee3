import type {
  CoreEvent,
  EventMap,
  EventName,
  Input,
  MethodName,
  Output,
  Result,
  ErrorShape,
} from './contract';

/**
 * How a UI reaches the core: the Electron preload bridge or the web host. The client on top is the same, so the
 * renderer never knows which host it runs in.
 */
export interface Transport {
  invoke(method: string, input: unknown): Promise<Result<unknown>>;
  subscribe(listener: (event: CoreEvent) => void): () => void;
}

export class ApiError extends Error implements ErrorShape {
  readonly code: ErrorShape['code'];
  readonly details?: unknown;
  constructor(shape: ErrorShape) {
    super(shape.message);
    this.name = 'ApiError';
    this.code = shape.code;
    this.details = shape.details;
  }
}

export interface ApiClient {
  call<K extends MethodName>(method: K, input: Input<K>): Promise<Output<K>>;
  on<E extends EventName>(name: E, listener: (payload: EventMap[E]) => void): () => void;
}

export function createClient(transport: Transport): ApiClient {
  return {
    async call(method, input) {
      const result = await transport.invoke(method, input);
      if (!result.ok) throw new ApiError(result.error);
      return result.data as Output<typeof method>;
    },
    on(name, listener) {
      return transport.subscribe((event) => {
        if (event.name === name) listener(event.payload as EventMap[typeof name]);
      });
    },
  };
}
export * as words from '../domain/words';
