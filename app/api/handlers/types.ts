import type { MethodName, Output, ParsedInput } from '../contract';
import type { CoreContext } from '../../context/context';

export type Handler<K extends MethodName> = (
  input: ParsedInput<K>,
  ctx: CoreContext,
) => Promise<Output<K>> | Output<K>;

export type Handlers = { readonly [K in MethodName]: Handler<K> };

/** A feature's slice of the handler map; the full map is checked for completeness in `handlers/index.ts`. */
export type HandlerSubset<K extends MethodName> = { readonly [P in K]: Handler<P> };
