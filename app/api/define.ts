import type { z } from 'zod';

/**
 * A contract method: a zod schema that every host validates the input against, and the output type the core
 * promises. Outputs are typed rather than re-validated because they come from our own core, not from a caller.
 */
export interface MethodDef<I extends z.ZodType, O> {
  readonly input: I;
  readonly description: string;
  /** Phantom: carries the output type; never read at run time. */
  readonly output?: O;
}

export function method<I extends z.ZodType>(input: I, description: string) {
  return {
    returns<O>(): MethodDef<I, O> {
      return { input, description };
    },
  };
}
