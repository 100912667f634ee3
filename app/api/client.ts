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
import type { UploadRef } from '../uploads/types';

/**
 * How a UI reaches the core: the Electron preload bridge or the web host. The client on top is the same, so the
 * renderer never knows which host it runs in.
 */
export interface Transport {
  invoke(method: string, input: unknown): Promise<Result<unknown>>;
  subscribe(listener: (event: CoreEvent) => void): () => void;
  /**
   * Hands a file the user chose in the page to the core as bytes (the web host). A host without it (the desktop
   * app) lets the user choose files in the system dialog instead (`detect/csv/pick`).
   */
  upload?(file: Blob, name: string): Promise<Result<UploadRef>>;
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
  /** True when files are handed over from the page; false when the host opens a system dialog. */
  readonly canUpload: boolean;
  upload(file: Blob, name: string): Promise<UploadRef>;
  on<E extends EventName>(name: E, listener: (payload: EventMap[E]) => void): () => void;
}

export function createClient(transport: Transport): ApiClient {
  return {
    canUpload: transport.upload !== undefined,
    async upload(file, name) {
      if (!transport.upload) {
        throw new ApiError({ code: 'UNSUPPORTED', message: 'Choose the file in the system dialog instead.' });
      }
      const result = await transport.upload(file, name);
      if (!result.ok) throw new ApiError(result.error);
      return result.data;
    },
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
