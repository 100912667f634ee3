import type { z } from 'zod';
import { appMethods } from './methods/app';
import { wordpressMethods } from './methods/wordpress';
import { mergeMethods } from './methods/merge';
import { connectionMethods } from './methods/connections';
import { syncMethods } from './methods/sync';
import { contactMethods } from './methods/contacts';
import { detectMethods } from './methods/detect';
import { overviewMethods } from './methods/overview';
import { jobMethods } from './methods/jobs';
import type { ErrorShape } from '../domain/errors';

/**
 * The one contract between every UI and the core. Each feature keeps its methods in `methods/<feature>.ts`;
 * this map is their union. Names are `feature/verb` and never change once released.
 */
export const contract = {
  ...appMethods,
  ...wordpressMethods,
  ...mergeMethods,
  ...connectionMethods,
  ...syncMethods,
  ...contactMethods,
  ...detectMethods,
  ...overviewMethods,
  ...jobMethods,
};

export type Contract = typeof contract;
export type MethodName = keyof Contract;
export type Input<K extends MethodName> = z.input<Contract[K]['input']>;
export type ParsedInput<K extends MethodName> = z.output<Contract[K]['input']>;
export type Output<K extends MethodName> = NonNullable<Contract[K]['output']>;

export type Result<T> =
  { readonly ok: true; readonly data: T } | { readonly ok: false; readonly error: ErrorShape };

export function isMethodName(name: unknown): name is MethodName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(contract, name);
}

export type { ErrorShape };
export type * from './methods/app';
export type * from './methods/wordpress';
export type * from './methods/merge';
export type * from './methods/connections';
export type * from './methods/sync';
export type * from './methods/contacts';
export type * from './methods/detect';
export type * from './methods/overview';
export type * from './methods/jobs';
export type * from '../context/events';
